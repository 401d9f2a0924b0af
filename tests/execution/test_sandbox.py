"""What a run reports besides escapes: its logs cut to the limit, the variables it is given, and an output
folder it made unreadable."""

import os
from pathlib import Path


def test_stdout_and_stderr_are_cut_to_the_log_limit_while_the_program_keeps_writing(sandbox):
    result = sandbox(
        """
        import sys
        for _ in range(200):
            sys.stdout.write("o" * 1000)
            sys.stderr.write("e" * 1000)
        print("end")
        """,
        log_bytes=4096,
    )

    assert result.exit_code == 0
    assert (result.stdout, result.stdout_truncated) == ("o" * 4096, True)
    assert (result.stderr, result.stderr_truncated) == ("e" * 4096, True)


def test_the_run_sees_the_variables_it_is_given(sandbox):
    result = sandbox("import os; print(os.environ['RUN_ID'], os.environ['HOME'])", env={"RUN_ID": "42"})

    assert result.stdout == "42 /tmp\n"
    assert result.succeeded


def test_an_output_folder_the_program_locked_is_skipped_not_a_crash(sandbox):
    result = sandbox(
        """
        import os
        os.mkdir("/output/locked")
        open("/output/locked/secret.txt", "w").write("x")
        os.chmod("/output/locked", 0)
        open("/output/scores.json", "w").write("{}")
        """
    )

    assert result.exit_code == 0
    assert result.output_files["scores.json"] == b"{}"
    if os.geteuid() == 0:  # a root worker reads through the folder's mode
        assert result.output_files["locked/secret.txt"] == b"x"
    else:
        assert result.skipped_outputs == ["locked"]


def test_the_peak_memory_of_a_run_counts_what_it_held_resident(sandbox):
    result = sandbox(
        """
        held = b"x" * (200 * 1024**2)  # written, so every page is resident
        print(len(held))
        """
    )

    assert result.succeeded
    assert result.peak_memory_bytes >= 200 * 1024**2


def test_the_peak_memory_of_a_run_counts_its_child_processes(sandbox):
    result = sandbox(
        """
        import os
        if os.fork() == 0:
            held = b"x" * (150 * 1024**2)
            os._exit(0)
        os.wait()
        """
    )

    assert result.succeeded
    assert result.peak_memory_bytes >= 150 * 1024**2


def test_the_peak_memory_of_a_trivial_run_is_small(sandbox):
    result = sandbox("print('hello')")

    assert result.succeeded
    assert 0 < result.peak_memory_bytes < 100 * 1024**2


def test_a_run_killed_at_the_wall_clock_has_no_peak_memory_and_leaves_no_zombie(sandbox):
    zombies_before = set(zombie_children())  # other tests' killed processes may have left some

    result = sandbox("import time; time.sleep(60)", wall_seconds=1)

    assert result.killed_by == "wall_clock"
    assert result.peak_memory_bytes is None
    assert set(zombie_children()) <= zombies_before  # the sandbox's init came back to the worker, reaped


def zombie_children() -> list[int]:
    """This process's children that ended and were never reaped."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, parent = stat[stat.rindex(")") + 2 :].split()[:2]
        if state == "Z" and int(parent) == os.getpid():
            found.append(int(entry.name))
    return found
