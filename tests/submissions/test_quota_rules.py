"""The quota beyond the daily limit: a total limit, a cap on submissions in flight, the host's choice on
files refused by validation, and cancelling or deleting never buying a fresh attempt."""

import io

import pytest

from competitions.models import Competition
from leaderboards.standing import delete_submission
from scoring import services
from submissions.models import Submission
from submissions.quota import team_quota
from submissions.services import QuotaExceeded, SubmissionRefused, cancel_submission, create_submission
from tests.factories import joined, predictions


def upload(competition, user, text=None):
    submission, _quota = create_submission(
        competition=competition,
        user=user,
        file_name="p.csv",
        stream=io.BytesIO((text or predictions()).encode()),
    )
    return submission


@pytest.fixture
def alice(competition, participant):
    joined(competition, participant)
    return participant


def set_rules(competition, **rules):
    Competition.objects.filter(pk=competition.pk).update(**rules)
    competition.refresh_from_db()


def test_the_total_limit_refuses_with_its_own_message(competition, alice):
    set_rules(competition, total_submission_limit=2)
    upload(competition, alice)
    upload(competition, alice)

    with pytest.raises(QuotaExceeded) as refusal:
        upload(competition, alice)

    assert refusal.value.code == "total_quota_exceeded"
    assert refusal.value.message == "Your team has used all 2 submissions allowed in this competition."
    assert refusal.value.details["quota"]["total_remaining"] == 0


def test_the_in_flight_cap_waits_for_scoring_to_finish(competition, alice):
    set_rules(competition, max_in_flight=1)
    first = upload(competition, alice)

    with pytest.raises(QuotaExceeded) as refusal:
        upload(competition, alice)
    assert refusal.value.code == "too_many_in_flight"
    assert refusal.value.message == (
        "Your team already has 1 submissions waiting or scoring; the limit is 1 at once. "
        "Submit again when one of them is done."
    )

    services.score_submission(first.pk)
    upload(competition, alice)


def test_a_file_refused_by_validation_gives_its_slot_back_unless_the_host_says_otherwise(competition, alice):
    bad = upload(competition, alice, "id,label\n1,cat\n")
    services.score_submission(bad.pk)
    assert team_quota(bad.team).used == 0

    set_rules(competition, failed_submissions_count=True)
    worse = upload(competition, alice, "id,label\n1,cat\n")
    services.score_submission(worse.pk)

    worse.refresh_from_db()
    assert worse.status == "failed"
    assert worse.counts_against_quota
    assert team_quota(bad.team).used == 1


def test_cancelling_stops_a_queued_submission_and_it_still_counts(competition, alice):
    submission = upload(competition, alice)

    cancel_submission(submission=submission, user=alice)

    assert services.score_submission(submission.pk) == "skipped"
    submission.refresh_from_db()
    assert submission.status == "cancelled"
    assert team_quota(submission.team).used == 1
    with pytest.raises(SubmissionRefused) as refusal:
        cancel_submission(submission=submission, user=alice)
    assert refusal.value.message == (
        f"Submission {submission.pk} is cancelled; only a queued submission can be cancelled."
    )


def test_deleting_never_buys_a_fresh_attempt(competition, alice):
    set_rules(competition, daily_submission_limit=1)
    submission = upload(competition, alice)
    services.score_submission(submission.pk)

    delete_submission(submission=submission, user=alice)

    with pytest.raises(QuotaExceeded) as refusal:
        upload(competition, alice)
    assert refusal.value.code == "quota_exceeded"
    assert Submission.objects.get().deleted_at is not None


def test_the_quota_api_reports_every_limit(api_for, competition, alice):
    set_rules(competition, total_submission_limit=10, max_in_flight=3)
    upload(competition, alice)

    quota = api_for(alice).get("/api/v1/competitions/animals/quota/").json()

    assert {k: quota[k] for k in ("remaining", "remaining_today", "total_remaining", "in_flight")} == {
        "remaining": 4,
        "remaining_today": 4,
        "total_remaining": 9,
        "in_flight": 1,
    }
    assert quota["resets_at"].endswith("T00:00:00Z")
