"""Each team numbers its submissions 1, 2, 3... on the page (the API keeps the id and adds the number), every
row says who in the team made it, and a row the page adds live is the server's own _row.html."""

from datetime import timedelta

from django.utils import timezone

from competitions import teams
from competitions.models import TeamMembership
from submissions.models import Submission
from tests.factories import PASSWORD, joined, make_submission
from tests.submissions.test_api import submit

ROW = "/competitions/animals/submissions/{}/row/"


def logged_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def team_of(user, competition):
    return TeamMembership.objects.get(user=user, competition=competition).team


def test_uploads_are_numbered_per_team_and_the_api_gives_id_and_number(
    api_for, competition, participant, other_participant
):
    alice, bob = api_for(participant), api_for(other_participant)
    joined(competition, participant)
    joined(competition, other_participant)

    first, second = submit(alice).json()["id"], submit(alice).json()["id"]
    bobs = submit(bob).json()["id"]

    assert [(s.pk, s.team_number) for s in Submission.objects.order_by("pk")] == [
        (first, 1),
        (second, 2),
        (bobs, 1),
    ]
    listed = alice.get("/api/v1/competitions/animals/submissions/").json()["results"]
    assert [(s["id"], s["team_number"]) for s in listed] == [(second, 2), (first, 1)]
    assert alice.get(f"/api/v1/submissions/{first}/").json()["team_number"] == 1


def test_a_deleted_submission_keeps_its_number_and_the_next_upload_does_not_reuse_it(
    api_for, competition, participant
):
    alice = api_for(participant)
    team = joined(competition, participant)
    older = make_submission(team, public_score=0.5)
    newest = make_submission(team, public_score=0.6)

    deleted = alice.delete(f"/api/v1/submissions/{newest.pk}/")
    following = submit(alice).json()["id"]

    assert deleted.status_code in (200, 204), deleted.content
    assert Submission.objects.get(pk=newest.pk).deleted_at is not None
    assert Submission.objects.get(pk=older.pk).team_number == 1
    assert Submission.objects.get(pk=newest.pk).team_number == 2
    assert Submission.objects.get(pk=following).team_number == 3


def test_a_merged_team_keeps_its_numbers_and_numbers_the_joining_submissions_after_them(
    competition, participant, other_participant
):
    alice_team = joined(competition, participant)
    bob_team = joined(competition, other_participant)
    now = timezone.now()
    alice_old = make_submission(alice_team, public_score=0.1, created_at=now - timedelta(hours=5))
    bob_first = make_submission(bob_team, public_score=0.2, created_at=now - timedelta(hours=4))
    bob_second = make_submission(bob_team, public_score=0.3, created_at=now - timedelta(hours=1))
    alice_new = make_submission(alice_team, public_score=0.4, created_at=now - timedelta(hours=2))

    request = teams.request_merge(competition=competition, user=participant, target_name=bob_team.name)
    teams.accept_merge(merge_request=request, user=other_participant)

    numbers = dict(Submission.objects.filter(team=bob_team).values_list("pk", "team_number"))
    assert numbers == {bob_first.pk: 1, bob_second.pk: 2, alice_old.pk: 3, alice_new.pk: 4}


def test_each_row_shows_the_team_number_and_who_submitted_it(
    client, competition, participant, other_participant
):
    team = joined(competition, participant)
    joined(competition, other_participant)
    invitation = teams.invite_member(
        competition=competition, user=participant, username=other_participant.username
    )
    teams.accept_invitation(invitation=invitation, user=other_participant)
    make_submission(team, public_score=0.5)
    latest = make_submission(team, user=other_participant, public_score=0.6)

    page = logged_in(client, participant).get("/competitions/animals/submissions/").content.decode()

    assert f'<td class="sub-id" title="Id {latest.pk} in the API">2</td>' in page
    assert f'<div class="sub-by">by {other_participant.username}</div>' in page
    assert f'<div class="sub-by">by {participant.username}</div>' in page


def test_the_live_row_is_the_page_row_with_its_buttons(client, competition, participant):
    team = joined(competition, participant)
    submission = make_submission(team, public_score=0.5)
    browser = logged_in(client, participant)

    row = browser.get(ROW.format(submission.pk)).content.decode()
    page = browser.get("/competitions/animals/submissions/").content.decode()

    assert row.startswith(f'<tr data-id="{submission.pk}" data-status="scored"')
    assert "Select as final" in row
    assert ">Delete</button>" in row
    assert f"by {participant.username}" in row
    assert page.count("Select as final") == row.count("Select as final") == 1


def test_the_live_row_of_another_team_or_another_competition_is_not_found(
    client, competition, participant, other_participant
):
    bobs = make_submission(joined(competition, other_participant), public_score=0.5)
    joined(competition, participant)

    response = logged_in(client, participant).get(ROW.format(bobs.pk))
    wrong_slug = logged_in(client, other_participant).get(f"/competitions/other/submissions/{bobs.pk}/row/")

    assert response.status_code == 404
    assert f"No submission {bobs.pk} that you may see." in response.content.decode()
    assert wrong_slug.status_code == 404


def test_the_live_row_asks_a_visitor_to_log_in(client, competition, participant):
    submission = make_submission(joined(competition, participant), public_score=0.5)

    response = client.get(ROW.format(submission.pk))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
