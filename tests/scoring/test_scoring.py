"""The scoring service called as a plain function (a real worker runs it in tests/integration)."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from leaderboards.models import LeaderboardEntry
from leaderboards.queries import leaderboard_rows
from scoring import leases, services
from submissions.models import Submission
from submissions.services import create_submission
from tests.factories import UserFactory, joined, make_competition, predictions

# LABEL_SOLUTION: public ids 1-4 are cat, dog, cat, bird.
PERFECT_PUBLIC = predictions({1: "cat", 2: "dog", 3: "cat", 4: "bird"})


def upload(competition, user, text):
    submission, _ = create_submission(
        competition=competition, user=user, file_name="p.csv", stream=io.BytesIO(text.encode())
    )
    return submission


@pytest.fixture
def alice(competition, participant):
    joined(competition, participant)
    return participant


def test_a_valid_file_is_scored_on_both_splits_and_ranked(competition, alice):
    submission = upload(competition, alice, PERFECT_PUBLIC)

    assert services.score_submission(submission.pk) == "scored"

    submission.refresh_from_db()
    assert submission.public_score == 1.0
    assert submission.private_score == pytest.approx(2 / 6)  # ids 6 and 9 are cat
    [row] = leaderboard_rows(competition, "public")
    assert (row.rank, row.team_name, row.score, row.entries) == (1, "alice", 1.0, 1)


def test_a_second_delivery_of_the_same_submission_does_nothing(competition, alice):
    submission = upload(competition, alice, PERFECT_PUBLIC)
    services.score_submission(submission.pk)

    assert services.score_submission(submission.pk) == "skipped"

    entry = LeaderboardEntry.objects.get(split="public")
    assert entry.entries == 1


def test_an_invalid_file_fails_with_a_participant_safe_message_and_gives_the_slot_back(competition, alice):
    submission = upload(competition, alice, "id,label\n1,cat\n2,dog\n")

    assert services.score_submission(submission.pk) == "failed"

    submission.refresh_from_db()
    assert submission.error_code == "missing_ids"
    assert "3" in submission.error_message
    assert not submission.counts_against_quota
    assert not LeaderboardEntry.objects.exists()


def test_the_best_submission_counts_and_entries_add_up(competition, alice):
    for text in [predictions(), PERFECT_PUBLIC, predictions(default="dog")]:
        services.score_submission(upload(competition, alice, text).pk)

    [row] = leaderboard_rows(competition, "public")
    assert (row.score, row.entries) == (1.0, 3)


def test_ties_go_to_the_earlier_submission(competition, alice, other_participant):
    joined(competition, other_participant)
    first = upload(competition, other_participant, PERFECT_PUBLIC)
    second = upload(competition, alice, PERFECT_PUBLIC)
    Submission.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=5))

    services.score_submission(second.pk)  # scored first, submitted later
    services.score_submission(first.pk)

    assert [row.team_name for row in leaderboard_rows(competition, "public")] == ["bob", "alice"]


def test_lower_is_better_metrics_rank_ascending(host):
    solution = "id,y,Usage\n1,1.0,Public\n2,2.0,Public\n3,3.0,Private\n"
    competition = make_competition(host=host, slug="reg", metric="rmse", solution=solution, target="y")
    users = [UserFactory(username=name) for name in ["near", "far"]]
    for user, offset in zip(users, [0.1, 2.0], strict=True):
        joined(competition, user)
        text = "id,y\n" + "".join(f"{i},{i + offset}\n" for i in (1, 2, 3))
        services.score_submission(upload(competition, user, text).pk)

    assert [row.team_name for row in leaderboard_rows(competition, "public")] == ["near", "far"]


def test_the_sweeper_resends_waiting_rows_and_those_whose_worker_died(competition, alice, settings):
    waiting = upload(competition, alice, PERFECT_PUBLIC)
    abandoned = upload(competition, alice, PERFECT_PUBLIC)
    alive = upload(competition, alice, PERFECT_PUBLIC)
    long_ago = timezone.now() - timedelta(hours=2)
    Submission.objects.filter(pk__in=[waiting.pk, abandoned.pk, alive.pk]).update(enqueued_at=long_ago)
    assert leases.take(abandoned.pk, "dead-worker")
    assert leases.take(alive.pk, "live-worker")
    Submission.objects.filter(pk=abandoned.pk).update(lease_expires_at=long_ago)

    result = services.sweep_stuck_submissions()

    assert result == {"resent": 1, "abandoned": 1, "rescores_resumed": 0}
    waiting.refresh_from_db()
    abandoned.refresh_from_db()
    assert (waiting.status, waiting.enqueue_count) == ("queued", 2)
    assert (abandoned.status, abandoned.enqueue_count) == ("scoring", 2)  # re-sent, for a worker to take over


def test_leaderboard_api_reads_in_a_fixed_number_of_queries(
    api_for, competition, django_assert_max_num_queries
):
    for n in range(12):
        user = UserFactory(username=f"p{n}")
        joined(competition, user)
        services.score_submission(upload(competition, user, predictions({1: "dog"} if n % 2 else {})).pk)
    client = api_for()

    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/competitions/animals/leaderboard/?limit=5&offset=5").json()

    assert body["count"] == 12
    assert [row["rank"] for row in body["results"]] == [6, 7, 8, 9, 10]


def test_the_sweeper_backs_off_and_never_fails_a_submission_for_waiting(competition, alice, settings):
    settings.PODIUM_REQUEUE_AFTER = 60
    waiting = upload(competition, alice, PERFECT_PUBLIC)
    Submission.objects.filter(pk=waiting.pk).update(
        enqueued_at=timezone.now() - timedelta(seconds=100), enqueue_count=2
    )

    first = services.sweep_stuck_submissions()  # 100 s < 60 s x 2: not due yet
    Submission.objects.filter(pk=waiting.pk).update(
        enqueued_at=timezone.now() - timedelta(days=3), enqueue_count=40
    )
    second = services.sweep_stuck_submissions()

    waiting.refresh_from_db()
    assert (first["resent"], second["resent"]) == (0, 1)
    assert (waiting.status, waiting.enqueue_count) == ("queued", 41)


def test_a_failure_while_saving_scores_fails_the_submission_instead_of_leaving_it_stuck(
    competition, alice, monkeypatch
):
    def broken_leaderboard(submission):
        raise RuntimeError("leaderboard write failed")

    monkeypatch.setattr("leaderboards.receivers.record_on_leaderboard", broken_leaderboard)
    submission = upload(competition, alice, PERFECT_PUBLIC)

    assert services.score_submission(submission.pk) == "failed"

    submission.refresh_from_db()
    assert (submission.status, submission.error_code) == ("failed", "internal_error")
    assert submission.public_score is None
    assert "leaderboard write failed" in submission.host_error_detail
    assert not submission.counts_against_quota


def test_a_lower_is_better_entry_keeps_its_best_and_counts_every_scored_file(host):
    solution = "id,y,Usage\n1,1.0,Public\n2,2.0,Public\n3,3.0,Private\n"
    competition = make_competition(host=host, slug="reg", metric="rmse", solution=solution, target="y")
    user = UserFactory(username="near")
    joined(competition, user)
    made = [
        upload(competition, user, "id,y\n" + "".join(f"{i},{i + offset}\n" for i in (1, 2, 3)))
        for offset in (1.0, 0.1, 0.1, 2.0)  # the third ties the second: the earlier one stays
    ]
    for submission in made:
        services.score_submission(submission.pk)

    entry = LeaderboardEntry.objects.get(split="public")
    assert (entry.entries, entry.best_submission_id, entry.score) == (4, made[1].pk, pytest.approx(0.1))
    assert entry.last_submitted_at == made[3].created_at
