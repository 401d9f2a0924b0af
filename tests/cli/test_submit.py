"""podium competitions submit with no worker running: the answer, the timeout of --wait, on_commit."""

import threading

from celery.signals import before_task_publish

from submissions.models import Submission
from tests.factories import predictions

# LABEL_SOLUTION: public ids 1-4 are cat, dog, cat, bird.
THREE_OF_FOUR = predictions({1: "cat", 2: "dog", 3: "cat"})


def test_the_wait_gives_up_after_the_timeout(podium, member, workdir):
    """No worker here: the submission stays queued."""
    (workdir / "predictions.csv").write_text(THREE_OF_FOUR)

    done = podium(
        "competitions", "submit", "animals", "-f", "predictions.csv", "-m", "x", "--wait", "--timeout", "1"
    )

    assert done.returncode == 1
    assert "is still queued after 1 s" in done.stderr
    assert "Check it later with `podium competitions submissions animals`." in done.stderr


def test_the_scoring_task_is_sent_only_once_the_upload_has_committed(podium, member, workdir):
    """The task goes out from transaction.on_commit: a worker reading at once must already see the row."""
    seen_by_another_connection = []

    def check(sender=None, body=None, **kwargs):
        if sender != "scoring.tasks.score_submission":
            return
        submission_id = body[0][0]

        def look():  # a new thread opens its own connection, as a worker process would
            seen_by_another_connection.append(Submission.objects.filter(pk=submission_id).exists())

        reader = threading.Thread(target=look)
        reader.start()
        reader.join()

    before_task_publish.connect(check, weak=False)
    try:
        (workdir / "predictions.csv").write_text(THREE_OF_FOUR)
        podium.ok("competitions", "submit", "animals", "-f", "predictions.csv", "-m", "x")
    finally:
        before_task_publish.disconnect(check)

    assert seen_by_another_connection == [True]


def test_the_description_is_optional_and_a_refusal_reads_without_prefixes(podium, member, workdir):
    (workdir / "predictions.csv").write_text(THREE_OF_FOUR)
    (workdir / "empty.csv").write_text("")

    accepted = podium.ok("competitions", "submit", "animals", "-f", "predictions.csv")
    refused = podium("competitions", "submit", "animals", "-f", "empty.csv")

    assert Submission.objects.get().description == ""
    assert "submission" in accepted.stdout
    assert refused.returncode == 1
    assert "Error: The submitted file is empty." in refused.stderr
    assert "Invalid input" not in refused.stderr
