"""podium competitions submit when the answer to an upload is lost: it sends the upload again with the same
Idempotency-Key, and the server charges it once."""

import pytest

from submissions.models import Submission
from tests.factories import predictions
from tests.lossy_proxy import AnswerLosingProxy, idempotency_key


@pytest.fixture
def lossy(live_server):
    proxy = AnswerLosingProxy(live_server.url, path="/submissions/", answers_to_lose=1)
    yield proxy
    proxy.close()


def test_a_lost_answer_is_retried_with_the_same_key_and_charged_once(podium, member, workdir, lossy):
    (workdir / "predictions.csv").write_text(predictions())

    done = podium.ok(
        "competitions", "submit", "animals", "-f", "predictions.csv", "-m", "x", env={"PODIUM_URL": lossy.url}
    )

    assert "Trying again in 1 s (same upload, charged once)." in done.stderr
    assert len(lossy.uploads) == 2
    assert idempotency_key(lossy.uploads[0]) == idempotency_key(lossy.uploads[1])
    submission = Submission.objects.get()
    assert f"submission {submission.pk} (queued)" in done.stdout


def test_each_new_file_gets_a_new_key(podium, member, workdir, lossy):
    lossy.answers_to_lose = 0
    (workdir / "predictions.csv").write_text(predictions())

    for _ in range(2):
        podium.ok(
            "competitions",
            "submit",
            "animals",
            "-f",
            "predictions.csv",
            "-m",
            "x",
            env={"PODIUM_URL": lossy.url},
        )

    assert idempotency_key(lossy.uploads[0]) != idempotency_key(lossy.uploads[1])
    assert Submission.objects.count() == 2


def test_a_refusal_is_not_retried(podium, member, workdir, lossy):
    (workdir / "predictions.csv").write_bytes(b"id,label\n1,\x00\n")
    lossy.answers_to_lose = 0

    done = podium(
        "competitions", "submit", "animals", "-f", "predictions.csv", "-m", "x", env={"PODIUM_URL": lossy.url}
    )

    assert done.returncode == 1
    assert "Trying again" not in done.stderr
    assert len(lossy.uploads) == 1
