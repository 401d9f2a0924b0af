"""Write-ups through the API: a team publishes one on its own scored submission once write-ups are open,
readers see them best score first, and every refusal says why."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import WriteUp
from competitions.models import Competition
from tests.factories import UserFactory, end_now, joined
from tests.moderation.conftest import ALL_RIGHT, THREE_RIGHT, TWO_RIGHT, scored

pytestmark = pytest.mark.django_db
URL = "/api/v1/competitions/animals/writeups/"
PAPER = {
    "title": "Cats are easy",
    "method_name": "Whisker features + kNN",
    "body": "We looked at **whiskers**.",
    "code_url": "https://github.com/alice/whiskers",
    "arxiv_id": "arXiv:2106.01345v2",
    "paper_title": "On whiskers",
    "paper_authors": "A. Lice, B. Ob",
    "venue": "NeurIPS",
    "year": 2025,
    "framework": "scikit-learn",
    "uses_extra_data": True,
}


@pytest.fixture
def teams(competition, participant, other_participant):
    """alice and bob, each with one scored submission (alice's is better)."""
    joined(competition, participant)
    joined(competition, other_participant)
    return {
        "alice": scored(competition, participant, ALL_RIGHT),
        "bob": scored(competition, other_participant, TWO_RIGHT),
    }


def test_a_team_publishes_a_write_up_after_the_end(api_for, competition, participant, teams):
    end_now(competition)
    answer = api_for(participant).post(URL, {**PAPER, "submission": teams["alice"].pk}, format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["arxiv_id"] == "2106.01345v2"
    assert body["paper_url"] == "https://arxiv.org/abs/2106.01345v2"
    assert body["body_html"] == "<p>We looked at <strong>whiskers</strong>.</p>"
    assert (body["team"], body["submission"], body["score_split"]) == ("alice", teams["alice"].pk, "private")
    assert body["url"] == f"/competitions/animals/writeups/{body['id']}/"
    assert (
        api_for(None).get(f"/api/v1/writeups/{body['id']}/").json()["method_name"] == "Whisker features + kNN"
    )


def test_write_ups_wait_for_the_end_unless_the_host_allows_them(api_for, competition, participant, teams):
    refused = api_for(participant).post(URL, {**PAPER, "submission": teams["alice"].pk}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "writeups_closed"
    assert refused.json()["message"].startswith("Write-ups open when the competition ends (")

    changed = api_for(competition.host).patch(
        "/api/v1/competitions/animals/", {"allows_writeups_while_running": True}, format="json"
    )
    assert changed.json()["allows_writeups_while_running"] is True
    allowed = api_for(participant).post(URL, {**PAPER, "submission": teams["alice"].pk}, format="json")
    assert allowed.status_code == 201
    assert allowed.json()["score_split"] == "public"


def test_a_write_up_on_another_teams_submission_is_refused(api_for, competition, participant, teams):
    end_now(competition)
    answer = api_for(participant).post(URL, {**PAPER, "submission": teams["bob"].pk}, format="json")
    assert answer.status_code == 403
    assert answer.json() == {
        "code": "not_your_submission",
        "message": "You can write up only your own team's submissions.",
        "details": {},
    }
    assert not WriteUp.objects.exists()


def test_one_write_up_per_submission(api_for, competition, participant, teams):
    end_now(competition)
    first = api_for(participant).post(URL, {**PAPER, "submission": teams["alice"].pk}, format="json")
    again = api_for(participant).post(URL, {**PAPER, "submission": teams["alice"].pk}, format="json")
    assert again.status_code == 409
    assert again.json()["details"] == {"writeup": first.json()["id"]}


def test_bad_fields_are_named(api_for, competition, participant, teams):
    end_now(competition)
    bad = {
        **PAPER,
        "submission": teams["alice"].pk,
        "code_url": "ftp://x.example/code",
        "year": timezone.now().year + 5,
        "title": "",
    }
    answer = api_for(participant).post(URL, bad, format="json")
    assert answer.status_code == 400
    assert set(answer.json()["details"]["fields"]) == {"code_url", "year", "title"}

    arxiv = api_for(participant).post(
        URL, {**PAPER, "submission": teams["alice"].pk, "arxiv_id": "not-an-id"}, format="json"
    )
    assert arxiv.status_code == 400
    assert (
        arxiv.json()["message"]
        == "'not-an-id' is not an arXiv id; they look like 2106.01345 (or hep-th/9901001)."
    )


def test_an_unknown_or_failed_submission_is_refused(api_for, competition, participant, teams):
    end_now(competition)
    unknown = api_for(participant).post(URL, {**PAPER, "submission": 999999}, format="json")
    assert unknown.status_code == 404
    teams["alice"].__class__.objects.filter(pk=teams["alice"].pk).update(status="failed")
    failed = api_for(participant).post(URL, {**PAPER, "submission": teams["alice"].pk}, format="json")
    assert failed.status_code == 400
    assert failed.json()["code"] == "submission_not_scored"


def test_the_list_puts_the_best_score_first_and_can_sort_by_votes(
    api_for, competition, participant, other_participant, teams
):
    carl = UserFactory(username="carl")
    joined(competition, carl)
    middle = scored(competition, carl, THREE_RIGHT)
    Competition.objects.filter(pk=competition.pk).update(allows_writeups_while_running=True)
    for user, submission in (
        (other_participant, teams["bob"]),
        (participant, teams["alice"]),
        (carl, middle),
    ):
        api_for(user).post(URL, {**PAPER, "title": user.username, "submission": submission.pk}, format="json")
    bob_writeup = WriteUp.objects.get(title="bob")
    api_for(participant).post(f"/api/v1/votes/writeup/{bob_writeup.pk}/")

    by_score = api_for(None).get(URL).json()
    assert [(row["title"], row["score"]) for row in by_score["results"]] == [
        ("alice", 1.0),
        ("carl", 0.75),
        ("bob", 0.5),
    ]
    by_votes = api_for(None).get(URL + "?ordering=votes").json()
    assert by_votes["results"][0]["title"] == "bob"


def test_the_team_edits_and_deletes_and_others_cannot(
    api_for, competition, participant, other_participant, teams
):
    end_now(competition)
    created = api_for(participant).post(URL, {**PAPER, "submission": teams["alice"].pk}, format="json").json()
    url = f"/api/v1/writeups/{created['id']}/"

    edited = api_for(participant).patch(url, {"code_url": "https://gitlab.com/alice/w"}, format="json")
    assert edited.status_code == 200
    assert edited.json()["code_url"] == "https://gitlab.com/alice/w"
    assert edited.json()["uses_extra_data"] is True  # untouched by a partial edit

    other = api_for(other_participant).patch(url, {"title": "Mine now"}, format="json")
    assert other.status_code == 403
    assert other.json()["message"] == "Only the team that wrote it can edit a write-up."
    assert api_for(other_participant).delete(url).status_code == 403
    assert api_for(participant).delete(url).status_code == 204
    assert api_for(None).get(url).status_code == 404


def test_write_ups_of_a_competition_you_cannot_see_are_not_found(api_for, competition, participant, teams):
    end_now(competition)
    created = api_for(participant).post(URL, {**PAPER, "submission": teams["alice"].pk}, format="json").json()
    Competition.objects.filter(pk=competition.pk).update(suspended_at=timezone.now())
    assert (
        api_for(UserFactory(username="stranger")).get(f"/api/v1/writeups/{created['id']}/").status_code == 404
    )


def test_write_ups_take_comments(api_for, competition, participant, other_participant, teams):
    end_now(competition)
    created = api_for(participant).post(URL, {**PAPER, "submission": teams["alice"].pk}, format="json").json()
    UserFactory._meta.model.objects.filter(pk=other_participant.pk).update(
        date_joined=timezone.now() - timedelta(days=30)
    )
    comment = api_for(other_participant).post(
        f"/api/v1/discussions/writeup/{created['id']}/", {"body": "Nice trick"}, format="json"
    )
    assert comment.status_code == 201
    assert (
        comment.json()["url"]
        == f"/competitions/animals/writeups/{created['id']}/#comment-{comment.json()['id']}"
    )
