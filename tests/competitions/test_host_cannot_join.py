"""A host can read the solution, so cannot enter their own competition: a clear refusal on the page and the
API; staff joining someone else's competition are ordinary participants."""

from competitions.models import TeamMembership
from tests.factories import UserFactory, make_competition


def test_the_host_is_refused_on_the_api(api_for, competition, host):
    answer = api_for(host).post("/api/v1/competitions/animals/join/")

    assert answer.status_code == 400
    assert answer.json()["code"] == "host_cannot_join"
    assert answer.json()["message"].startswith("You host this competition and can read its solution")
    assert not TeamMembership.objects.filter(user=host).exists()
    you = api_for(host).get("/api/v1/competitions/animals/").json()["you"]
    assert (you["may_join"], you["hosts_it"]) == (False, True)


def test_the_host_sees_why_instead_of_a_join_button(client, competition, host):
    client.force_login(host)

    page = client.get("/competitions/animals/rules/").content.decode()
    refused = client.post("/competitions/animals/join/", follow=True)

    assert 'id="accept-rules"' not in page
    assert "You host this competition and can read its solution, so you cannot enter it." in page
    assert refused.status_code == 400
    assert not TeamMembership.objects.filter(user=host).exists()


def test_staff_join_someone_elses_competition_as_ordinary_participants(api_for, db):
    staff = UserFactory(username="moderator", is_staff=True)
    make_competition(host=UserFactory(username="someone"))

    answer = api_for(staff).post("/api/v1/competitions/animals/join/")

    assert answer.status_code == 200
    assert answer.json()["team"] == "moderator"
