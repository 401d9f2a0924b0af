"""podium competitions submit -f folder/ --wait on a competition that takes code: the CLI zips the folder,
and a real Celery worker in this process, taking the sandbox queue, runs it in bubblewrap and scores it."""

import io

import pytest

from competitions.phases import pairs_of
from submissions.code import set_code_inputs
from submissions.models import Submission
from tests.code.conftest import MODE_MODEL, SAMPLE_CSV
from tests.factories import TEST_CSV
from tests.services import missing, require_bubblewrap


@pytest.fixture(scope="module")
def celery_worker(cli_database):
    """A real worker taking the scoring and the sandbox queues (code runs go to the sandbox one)."""
    try:
        from celery.contrib.testing.worker import start_worker
    except ImportError as error:  # pragma: no cover - celery ships it
        missing(f"celery.contrib.testing is not importable: {error}")
    from config.celery import app

    queues = [app.conf.task_default_queue, "sandbox"]
    with app.connection_for_write() as connection:
        for queue in queues:  # drop what the unit tests sent with no worker running
            connection.default_channel.queue_declare(queue, passive=False)
            connection.default_channel.queue_purge(queue)
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=30, queues=queues
    ) as worker:
        yield worker


@pytest.fixture
def takes_code(competition, host):
    require_bubblewrap()
    [pair] = pairs_of(competition)
    set_code_inputs(
        competition=competition,
        user=host,
        pair=pair,
        accepts="code",
        hidden_inputs=("test.csv", io.BytesIO(TEST_CSV.encode())),
        sample_inputs=("sample.csv", io.BytesIO(SAMPLE_CSV.encode())),
    )
    return competition


def test_submitting_a_folder_zips_it_and_waits_for_the_runs_and_the_score(
    podium, member, takes_code, workdir, celery_worker
):
    model = workdir / "model"
    model.mkdir()
    (model / "model.py").write_text(MODE_MODEL)
    (model / "__pycache__").mkdir()
    (model / "__pycache__" / "model.cpython-312.pyc").write_bytes(b"\0")

    done = podium.ok("competitions", "submit", "animals", "-f", "model", "--wait", "--timeout", "300")

    submission = Submission.objects.get()
    assert submission.kind == "code"
    assert f"Submitted model.zip to 'animals': submission {submission.pk} (queued)." in done.stdout
    assert f"Submission {submission.pk} scored: public score 0.250000." in done.stdout
    assert "Run on the sample inputs: succeeded in" in done.stderr
    assert "Run on the hidden inputs: succeeded in" in done.stderr


def test_a_crash_on_the_hidden_inputs_shows_only_its_category(
    podium, member, takes_code, workdir, celery_worker
):
    model = workdir / "crashing"
    model.mkdir()
    (model / "model.py").write_text(
        "def predict(X):\n    if len(X) > 3:\n        print('HIDDEN', X.to_csv())\n        raise ValueError('no')\n"
        "    return ['cat'] * len(X)\n"
    )

    done = podium("competitions", "submit", "animals", "-f", "crashing", "--wait", "--timeout", "300")

    assert done.returncode == 1
    assert "Run on the hidden inputs: failed in" in done.stderr
    assert "(crashed)" in done.stderr
    assert "HIDDEN" not in done.stderr + done.stdout
    assert "Your code stopped with an error on the hidden inputs." in done.stderr


def test_an_empty_folder_is_refused_before_anything_is_sent(podium, member, takes_code, workdir):
    (workdir / "empty").mkdir()

    done = podium("competitions", "submit", "animals", "-f", "empty")

    assert done.returncode != 0
    assert "holds no file to submit" in done.stderr
    assert not Submission.objects.exists()
