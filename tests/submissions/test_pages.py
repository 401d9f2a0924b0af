"""The My submissions page: the progress chart against the leader, the live table, quota and final
selection, and private scores kept from participants until the end."""

from datetime import timedelta

import pytest
from django.utils import timezone

from leaderboards.services import recompute_public_entry
from submissions.models import Submission
from tests.factories import PASSWORD, joined, make_competition, make_submission

URL = "/competitions/animals/submissions/"


def logged_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def scored(team, public, private, hours_ago):
    submission = make_submission(
        team, public_score=public, created_at=timezone.now() - timedelta(hours=hours_ago)
    )
    Submission.objects.filter(pk=submission.pk).update(private_score=private)
    return submission


@pytest.fixture
def alice_team(competition, participant, other_participant):
    """Alice's team scored 0.25 then 0.75 (private 0.987654 and 0.876543); Bob's team leads with 0.95."""
    team = joined(competition, participant)
    scored(team, 0.25, 0.987654, hours_ago=5)
    scored(team, 0.75, 0.876543, hours_ago=3)
    recompute_public_entry(team)
    bob_team = joined(competition, other_participant)
    scored(bob_team, 0.95, 0.111111, hours_ago=4)
    recompute_public_entry(bob_team)
    return team


def test_the_page_charts_the_best_public_score_against_the_leader(client, participant, alice_team):
    page = logged_in(client, participant).get(URL).content.decode()

    assert 'id="progress-chart"' in page
    assert "Your best public score against the leader" in page
    assert "Your best public score: <strong>0.750000</strong>" in page
    assert "leader: bob with <strong>0.950000</strong>" in page
    assert "higher is better" in page
    assert "<polyline" in page


def test_private_scores_are_never_on_the_page_before_the_end(client, participant, alice_team):
    page = logged_in(client, participant).get(URL).content.decode()

    for hidden in ("0.987654", "0.9877", "0.876543", "0.8765", "0.111111", "0.1111"):
        assert hidden not in page
    assert "Private score" not in page


def test_after_the_end_the_table_shows_private_scores_but_the_chart_stays_public(client, host, participant):
    competition = make_competition(host=host, starts_in=timedelta(days=-10), lasts=timedelta(days=5))
    team = joined(competition, participant)
    scored(team, 0.5, 0.987654, hours_ago=24 * 7)

    page = logged_in(client, participant).get(URL).content.decode()

    assert "Private score" in page
    chart = page[page.index('id="progress-chart"') : page.index("</figure>")]
    assert "0.9877" not in chart
    assert "0.987654" not in chart


def test_a_team_without_a_score_sees_the_empty_state(client, competition, participant):
    team = joined(competition, participant)
    make_submission(team, status="queued")

    page = logged_in(client, participant).get(URL).content.decode()

    assert 'id="progress-empty"' in page
    assert "No scored submissions yet" in page
    assert "<svg" not in page


def test_visitors_and_the_host_get_no_chart(client, competition, host, alice_team):
    assert "Your progress" not in client.get(URL).content.decode()
    assert "Your progress" not in logged_in(client, host).get(URL).content.decode()


def test_the_table_shows_status_errors_quota_and_final_selection(client, competition, participant):
    team = joined(competition, participant)
    make_submission(team, public_score=0.5)
    failed = make_submission(team, status="failed")
    Submission.objects.filter(pk=failed.pk).update(
        error_message="Row 3 has the id 12, which is not in the test set."
    )
    make_submission(team, status="scoring")

    page = logged_in(client, participant).get(URL).content.decode()

    assert 'data-status="scoring"' in page  # submit.js polls these rows until they finish
    assert "Row 3 has the id 12, which is not in the test set." in page
    assert 'id="quota-remaining">2</strong> of 5 submissions left today' in page
    assert "resets <time" in page
    assert "Select as final" in page
    assert "podium/submit.js" in page
