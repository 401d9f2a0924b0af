"""A team's progress chart: its best public score so far in the metric's direction, against the public leader,
from public scores only."""

import xml.etree.ElementTree as ET
from datetime import timedelta

from django.utils import timezone

from leaderboards.progress import best_so_far, progress_chart, team_progress
from leaderboards.services import recompute_public_entry
from submissions.models import Submission
from tests.factories import UserFactory, joined, make_competition, make_submission

NUMBER_SOLUTION = "id,y,Usage\n" + "".join(
    f"{i},{i * 1.5},{'Public' if i <= 4 else 'Private'}\n" for i in range(1, 11)
)


def history(team, scores, *, private=None, start=None):
    """Scored submissions of the team, one hour apart, oldest first; private scores differ from public."""
    start = start or timezone.now() - timedelta(days=2)
    made = []
    for number, score in enumerate(scores):
        submission = make_submission(team, public_score=score, created_at=start + timedelta(hours=number))
        Submission.objects.filter(pk=submission.pk).update(
            private_score=private[number] if private else 0.123456
        )
        made.append(submission)
    recompute_public_entry(team)
    return made


def test_best_so_far_follows_the_metric_direction():
    scores = [0.5, 0.7, 0.6, 0.9]

    assert best_so_far(scores, higher_is_better=True) == [0.5, 0.7, 0.7, 0.9]
    assert best_so_far(scores, higher_is_better=False) == [0.5, 0.5, 0.5, 0.5]
    assert best_so_far([], higher_is_better=True) == []


def test_progress_has_the_running_best_and_the_public_leader(competition, participant, other_participant):
    ours, theirs = joined(competition, participant), joined(competition, other_participant)
    history(ours, [0.25, 0.75, 0.5])
    history(theirs, [1.0])

    progress = team_progress(ours)

    assert [point.best_so_far for point in progress.submissions] == [0.25, 0.75, 0.75]
    assert [point.public_score for point in progress.submissions] == [0.25, 0.75, 0.5]
    assert progress.leader_score == 1.0
    assert progress.leader_team == theirs.name
    assert not progress.leader_is_team
    assert progress.labels == ["#1", "#2", "#3", "now"]  # the team's numbers, as its table shows them


def test_lower_is_better_keeps_the_lowest_score(host, participant, other_participant):
    competition = make_competition(
        host=host, slug="numbers", metric="rmse", solution=NUMBER_SOLUTION, target="y"
    )
    ours, theirs = joined(competition, participant), joined(competition, other_participant)
    history(ours, [3.0, 2.0, 2.5])
    history(theirs, [1.5, 4.0])

    progress = team_progress(ours)

    assert [point.best_so_far for point in progress.submissions] == [3.0, 2.0, 2.0]
    assert progress.leader_score == 1.5
    assert not progress.higher_is_better


def test_the_leader_can_be_the_team_itself(competition, participant):
    ours = joined(competition, participant)
    history(ours, [0.5])

    progress = team_progress(ours)

    assert progress.leader_is_team
    assert progress.leader_score == 0.5


def test_late_deleted_failed_and_disqualified_submissions_are_left_out(competition, participant):
    ours = joined(competition, participant)
    kept, late, deleted, disqualified = history(ours, [0.25, 0.9, 0.8, 0.7])
    Submission.objects.filter(pk=late.pk).update(is_late=True)
    Submission.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    Submission.objects.filter(pk=disqualified.pk).update(disqualified_at=timezone.now())
    make_submission(ours, status="failed")
    make_submission(ours, status="queued")

    progress = team_progress(ours)

    assert [point.submission_id for point in progress.submissions] == [kept.pk]


def test_a_team_with_no_scored_submission_has_an_empty_progress(competition, participant, other_participant):
    ours, theirs = joined(competition, participant), joined(competition, other_participant)
    history(theirs, [0.5])

    progress = team_progress(ours)

    assert progress.is_empty
    assert progress.leader_score == 0.5


def test_the_chart_draws_public_scores_only_and_is_accessible(competition, participant):
    ours = joined(competition, participant)
    history(ours, [0.25, 0.75], private=[0.987654, 0.876543])
    leader = UserFactory(username="leader")
    history(joined(competition, leader), [0.95], private=[0.111111])

    drawn = progress_chart(team_progress(ours))

    svg = ET.fromstring(drawn["chart"])
    assert svg.get("role") == "img"
    assert svg.find("{http://www.w3.org/2000/svg}title").text == "Your best public score against the leader"
    assert "0.75 now, against the leader's 0.95" in svg.find("{http://www.w3.org/2000/svg}desc").text
    assert len(svg.findall("{http://www.w3.org/2000/svg}polyline")) == 2
    for hidden in ("0.9877", "0.987654", "0.8765", "0.1111"):
        assert hidden not in drawn["chart"]
        assert hidden not in drawn["table"]
    assert "<caption>Best public score after each submission</caption>" in drawn["table"]


def test_a_single_score_gets_a_band_around_it_not_a_unit_above_it():
    from leaderboards.charts import value_range

    low, high = value_range([0.878852], y_from_zero=False)

    assert low < 0.878852 < high
    assert high - low <= 0.5
    assert value_range([0.0], y_from_zero=True) == (0.0, 1.0)  # counts still start at zero
