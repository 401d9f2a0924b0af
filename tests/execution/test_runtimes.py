"""Runtimes: the default one is the worker's own environment; others are built from a requirements file,
once per package list."""

import json

import pytest
from django.core.management import CommandError, call_command

from execution.runtimes import default_runtime, runtime_named


def test_the_default_runtime_carries_the_scientific_stack(sandbox):
    result = sandbox("import numpy, scipy, pandas, sklearn, psutil; print('imported')")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == "imported\n"
    assert runtime_named("default", folder=None) == default_runtime()


def test_a_runtime_built_from_an_empty_list_is_its_own_environment(sandbox, tmp_path, settings):
    settings.PODIUM_RUNTIMES_DIR = tmp_path / "runtimes"
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# nothing but the standard library\n")

    call_command("build_runtime", "bare", requirements=requirements)
    call_command("build_runtime", "bare-again", requirements=requirements)

    records = [
        json.loads((tmp_path / "runtimes" / f"{name}.json").read_text()) for name in ("bare", "bare-again")
    ]
    assert records[0]["hash"] == records[1]["hash"]
    assert len([path for path in (tmp_path / "runtimes").iterdir() if path.is_dir()]) == 1
    runtime = runtime_named("bare", tmp_path / "runtimes")
    assert runtime.python.parent.parent == tmp_path / "runtimes" / records[0]["hash"]


def test_a_program_on_a_bare_runtime_does_not_see_the_default_packages(tmp_path, settings):
    from execution.sandbox import run_sandboxed
    from tests.services import require_bubblewrap

    require_bubblewrap()
    settings.PODIUM_RUNTIMES_DIR = tmp_path / "runtimes"
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("")
    call_command("build_runtime", "bare", requirements=requirements)

    result = run_sandboxed(
        ["python", "-c", "import sys; print(sys.prefix); import numpy"],
        runtime=runtime_named("bare", tmp_path / "runtimes"),
        output_dir=tmp_path / "output",
    )

    assert result.stdout.strip().endswith(
        json.loads((tmp_path / "runtimes" / "bare.json").read_text())["hash"]
    )
    assert "ModuleNotFoundError: No module named 'numpy'" in result.stderr


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "default",
            "",
            "'default' cannot name a runtime: use lower-case letters, digits, - and _ (not 'default').",
        ),
        (
            "Bad Name",
            "",
            "'Bad Name' cannot name a runtime: use lower-case letters, digits, - and _ (not 'default').",
        ),
        (
            "edit",
            "-e ./src\n",
            "A runtime's requirements list packages only: pip options such as -e or -r are refused.",
        ),
    ],
)
def test_a_runtime_with_a_bad_name_or_list_is_refused(tmp_path, settings, name, text, message):
    settings.PODIUM_RUNTIMES_DIR = tmp_path / "runtimes"
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(text)

    with pytest.raises(CommandError) as refused:
        call_command("build_runtime", name, requirements=requirements)

    assert str(refused.value) == message


def test_a_missing_requirements_file_is_named(tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("build_runtime", "ml", requirements=tmp_path / "nope.txt")

    assert str(refused.value) == f"--requirements: {tmp_path / 'nope.txt'} is not a file."


@pytest.mark.integration
def test_a_runtime_built_from_pypi_runs_its_package(sandbox, tmp_path, settings):
    """Needs PyPI (pip downloads the package); the runtime then runs it with no network at all."""
    from execution.sandbox import run_sandboxed

    settings.PODIUM_RUNTIMES_DIR = tmp_path / "runtimes"
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("six==1.17.0\n")
    call_command("build_runtime", "with-six", requirements=requirements)

    result = run_sandboxed(
        ["python", "-c", "import six; print(six.__version__)"],
        runtime=runtime_named("with-six", tmp_path / "runtimes"),
        output_dir=tmp_path / "output",
    )

    assert result.stdout == "1.17.0\n", result.stderr
