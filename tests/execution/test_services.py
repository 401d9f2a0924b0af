"""A sandbox run on stored files: the program and inputs come from the private storage, the output and the
result go back to the storage and the database."""

import io
import zipfile

import pytest
from django.core.files.storage import storages

from execution.models import SandboxRun
from execution.services import create_run, execute_run
from tests.services import require_bubblewrap


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


COUNT_ROWS = """
import json, pathlib
rows = pathlib.Path("/input/test.csv").read_text().splitlines()[1:]
pathlib.Path("/output/scores.json").write_text(json.dumps({"rows": len(rows)}))
print("counted", len(rows), "rows")
"""


@pytest.mark.django_db
def test_a_stored_program_runs_on_stored_inputs_and_its_output_is_stored(django_capture_on_commit_callbacks):
    require_bubblewrap()
    with django_capture_on_commit_callbacks() as queued:
        run = create_run(
            program_zip=zipped({"main.py": COUNT_ROWS}),
            inputs_zip=zipped({"test.csv": "id\n1\n2\n3\n"}),
            command=["python3", "main.py"],
        )

    execute_run(run.pk)

    run.refresh_from_db()
    assert len(queued) == 1
    assert run.status == SandboxRun.Status.FINISHED
    assert run.exit_code == 0
    assert run.killed_by == ""
    assert run.stdout == "counted 3 rows\n"
    assert 0 < run.peak_memory_bytes < 100 * 1024**2
    with storages["private"].open(run.output_key, "rb") as stored, zipfile.ZipFile(stored) as output:
        assert output.read("scores.json") == b'{"rows": 3}'


@pytest.mark.django_db
def test_a_program_archive_with_a_path_that_escapes_is_refused():
    require_bubblewrap()
    run = create_run(program_zip=zipped({"../evil.py": "print('x')"}), command=["python3", "main.py"])

    execute_run(run.pk)

    run.refresh_from_db()
    assert run.status == SandboxRun.Status.ERROR
    assert run.error == "../evil.py: a path in the archive may not leave its folder."


@pytest.mark.django_db
def test_a_run_on_a_runtime_the_worker_lacks_says_how_to_build_it():
    require_bubblewrap()
    run = create_run(
        program_zip=zipped({"main.py": "print('x')"}), command=["python3", "main.py"], runtime="torch-gpu"
    )

    execute_run(run.pk)

    run.refresh_from_db()
    assert run.status == SandboxRun.Status.ERROR
    assert run.error == (
        "No runtime is called 'torch-gpu' on this worker: build it with "
        "`manage.py build_runtime torch-gpu --requirements FILE`."
    )


@pytest.mark.django_db
def test_without_bubblewrap_the_run_fails_with_a_message_for_the_operator(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    run = create_run(program_zip=zipped({"main.py": "print('x')"}), command=["python3", "main.py"])

    execute_run(run.pk)

    run.refresh_from_db()
    assert run.status == SandboxRun.Status.ERROR
    assert run.error.startswith("Podium cannot run code here: install bubblewrap on the sandbox worker")
