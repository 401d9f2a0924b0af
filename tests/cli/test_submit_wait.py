"""podium competitions submit --wait, with a real Celery worker in this process scoring the upload."""

import pytest

from submissions.models import Submission
from tests.factories import predictions

# LABEL_SOLUTION: public ids 1-4 are cat, dog, cat, bird.
THREE_OF_FOUR = predictions({1: "cat", 2: "dog", 3: "cat"})

pytestmark = pytest.mark.usefixtures("celery_worker")


def test_submit_and_wait_prints_the_quota_and_the_public_score(podium, member, workdir):
    (workdir / "predictions.csv").write_text(THREE_OF_FOUR)

    done = podium.ok(
        "competitions", "submit", "animals", "-f", "predictions.csv", "-m", "first try", "--wait"
    )

    submission = Submission.objects.get()
    assert f"Submitted predictions.csv to 'animals': submission {submission.pk} (queued)." in done.stdout
    assert f"Submission {submission.pk} scored: public score 0.750000." in done.stdout
    assert done.stdout.splitlines()[-1].startswith("4 submissions left today (resets at ")
    assert submission.description == "first try"
    assert submission.public_score == 0.75


def test_a_file_the_scorer_refuses_fails_the_wait_with_its_message(podium, member, workdir):
    (workdir / "predictions.csv").write_text("id,label\n1,cat\n2,dog\n")

    done = podium("competitions", "submit", "animals", "-f", "predictions.csv", "-m", "too short", "--wait")

    assert done.returncode == 1
    assert "failed: Your file is missing 8 test ids" in done.stderr
    # A refused file gives its slot back: the count printed is the one after the outcome, as the server says.
    assert "5 submissions left today (resets at " in done.stdout
    assert "4 submissions left today" not in done.stdout
