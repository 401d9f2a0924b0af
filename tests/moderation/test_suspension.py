"""A suspended competition: hidden from visitors and the lists, shown to its host, staff and participants
with a banner that says why, and closed to submissions, joins and team changes."""

import io

import pytest

from competitions.errors import CompetitionSuspended
from competitions.services import join_competition
from competitions.teams import rename_team
from moderation.services import restore_competition, suspend_competition
from submissions.services import create_submission
from tests.factories import UserFactory, predictions
from tests.moderation.conftest import ALL_RIGHT, scored

SUSPENDED = (
    "This competition has been suspended by the moderators (Leaked test labels): it accepts no submissions, "
    "new participants or team changes until it is restored."
)


@pytest.fixture
def suspended(competition, moderator):
    return suspend_competition(competition=competition, actor=moderator, reason="Leaked test labels.")


PAGES = [
    "/competitions/animals/",
    "/competitions/animals/data/",
    "/competitions/animals/leaderboard/",
    "/competitions/animals/submissions/",
]
API = [
    "/api/v1/competitions/animals/",
    "/api/v1/competitions/animals/leaderboard/",
    "/api/v1/competitions/animals/croissant/",
]


@pytest.mark.parametrize("path", PAGES)
def test_a_suspended_competitions_pages_are_404_for_visitors_who_did_not_join(client, alice, suspended, path):
    anonymous = client.get(path)
    client.force_login(UserFactory(username="stranger"))
    stranger = client.get(path)

    assert anonymous.status_code == 404
    assert stranger.status_code == 404


@pytest.mark.parametrize("path", PAGES)
def test_a_participant_is_told_it_is_suspended_and_why(client, alice, suspended, path):
    client.force_login(alice)

    response = client.get(path)

    assert response.status_code == 200
    page = response.content.decode()
    assert "This competition is suspended by the moderators: Leaked test labels." in page
    assert "It takes no submissions or team changes until they restore it" in page


@pytest.mark.parametrize("path", API)
def test_a_suspended_competition_is_404_for_strangers_in_the_api_and_there_for_participants(
    api_for, alice, suspended, path
):
    stranger = api_for(UserFactory(username="stranger")).get(path)

    assert stranger.status_code == 404
    assert stranger.json()["code"] == "not_found"
    assert api_for(alice).get(path).status_code == 200


def test_a_participant_still_sees_their_submissions_of_a_suspended_competition(
    api_for, competition, alice, moderator
):
    submission = scored(competition, alice, ALL_RIGHT)
    suspend_competition(competition=competition, actor=moderator, reason="Leaked test labels.")

    response = api_for(alice).get(f"/api/v1/submissions/{submission.pk}/")

    assert response.status_code == 200


def test_the_participants_profile_shows_it_suspended(client, alice, suspended):
    client.force_login(alice)

    page = client.get("/accounts/profile/").content.decode()

    assert '<span class="badge phase-suspended" title="Leaked test labels.">suspended</span>' in page


def test_a_suspended_competition_leaves_the_lists(client, api_for, alice, suspended):
    client.force_login(alice)

    page = client.get("/competitions/").content.decode()
    listed = api_for(alice).get("/api/v1/competitions/").json()

    assert "Animals" not in page
    assert listed["count"] == 0


@pytest.mark.parametrize("path", PAGES)
def test_the_host_still_sees_the_pages_with_the_reason_in_a_banner(client, host, suspended, path):
    client.force_login(host)

    response = client.get(path)

    assert response.status_code == 200
    assert "This competition is suspended by the moderators: Leaked test labels." in response.content.decode()


def test_staff_see_a_suspended_competition_in_pages_lists_and_api(client, api_for, suspended, moderator):
    client.force_login(moderator)

    page = client.get("/competitions/animals/")
    listing = client.get("/competitions/").content.decode()
    detail = api_for(moderator).get("/api/v1/competitions/animals/")

    assert page.status_code == 200
    assert "Animals" in listing
    assert detail.status_code == 200


def test_participants_see_no_banner_once_it_is_restored(client, alice, suspended, moderator):
    restore_competition(competition=suspended, actor=moderator)
    client.force_login(alice)

    response = client.get("/competitions/animals/")

    assert response.status_code == 200
    assert "suspended" not in response.content.decode()


def test_an_upload_to_a_suspended_competition_is_refused_with_the_message(competition, alice, moderator):
    competition = suspend_competition(competition=competition, actor=moderator, reason="Leaked test labels.")

    with pytest.raises(CompetitionSuspended) as refused:
        create_submission(
            competition=competition,
            user=alice,
            file_name="predictions.csv",
            stream=io.BytesIO(predictions(ALL_RIGHT).encode()),
        )

    assert refused.value.message == SUSPENDED
    assert not competition.submissions.exists()


def test_the_api_refuses_the_hosts_upload_to_a_suspended_competition_with_the_message(
    api_for, host, suspended
):
    stream = io.BytesIO(predictions(ALL_RIGHT).encode())
    stream.name = "predictions.csv"

    response = api_for(host).post(
        "/api/v1/competitions/animals/submissions/", {"file": stream}, format="multipart"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "competition_suspended"
    assert response.json()["message"] == SUSPENDED


def test_joining_a_suspended_competition_is_refused_with_the_message(
    api_for, competition, suspended, moderator
):
    newcomer = UserFactory(username="carol")

    with pytest.raises(CompetitionSuspended) as refused:
        join_competition(competition=suspended, user=newcomer)
    by_api = api_for(moderator).post("/api/v1/competitions/animals/join/")

    assert refused.value.message == SUSPENDED
    assert by_api.status_code == 403
    assert by_api.json()["message"] == SUSPENDED
    assert not competition.memberships.filter(user=newcomer).exists()


def test_team_changes_in_a_suspended_competition_are_refused_with_the_message(competition, alice, moderator):
    suspend_competition(competition=competition, actor=moderator, reason="Leaked test labels.")

    with pytest.raises(CompetitionSuspended) as refused:
        rename_team(competition=competition, user=alice, name="Cats")

    assert refused.value.message == SUSPENDED
    assert competition.teams.get().name == "alice"
