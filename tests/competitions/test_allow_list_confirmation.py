"""The allow-list admits a confirmed address only: an unconfirmed address it names is told to confirm it (with
the button that mails a new link), on the pages and through the API; invitation links and approved join
requests need no confirmation."""

import html

import pytest

from accounts import email_confirmation
from competitions import admission
from competitions.models import Admission, Competition, TeamMembership
from competitions.services import update_competition
from tests.factories import UserFactory, make_competition

pytestmark = pytest.mark.django_db

WAIT_MESSAGE = (
    "This competition's allow-list admits your address student@example.edu, but you have not confirmed it yet: "
    "open the link in the confirmation mail we sent you, or send a new one."
)


def listed(host, visibility: str, entries: list[str], **more) -> Competition:
    competition = make_competition(host=host)
    update_competition(competition=competition, user=host, changes={"visibility": visibility, **more})
    admission.add_to_allow_list(competition=competition, user=host, entries=entries)
    competition.refresh_from_db()
    return competition


@pytest.fixture
def student(db):
    return UserFactory(username="student", email="student@example.edu")


@pytest.fixture
def private(host):
    return listed(host, Competition.Visibility.PRIVATE, ["@example.edu"])


def page_text(answer) -> str:
    return html.unescape(answer.content.decode())


def test_an_unconfirmed_student_of_an_allow_listed_domain_is_told_to_confirm_on_the_page(
    client, private, student
):
    client.force_login(student)

    answer = client.get("/competitions/animals/")

    assert answer.status_code == 403
    assert WAIT_MESSAGE in page_text(answer)
    assert 'id="resend-confirmation"' in answer.content.decode()
    assert "Animals" not in page_text(answer).split("<main", 1)[-1]  # the title stays hidden until confirmed


def test_the_api_refuses_an_unconfirmed_address_with_its_own_code(api_for, private, student):
    client = api_for(student)

    detail = client.get("/api/v1/competitions/animals/")
    join = client.post("/api/v1/competitions/animals/join/")

    assert detail.status_code == 403
    assert detail.json() == {
        "code": "email_not_confirmed",
        "message": WAIT_MESSAGE,
        "details": {"email": "student@example.edu", "resend": "/api/v1/me/email/confirmation/"},
    }
    assert (join.status_code, join.json()["code"]) == (403, "email_not_confirmed")


def test_once_confirmed_the_student_is_admitted_and_joins(client, private, student):
    client.force_login(student)
    client.post(f"/accounts/confirm-email/{email_confirmation.confirmation_token(student)}/")

    assert client.get("/competitions/animals/").status_code == 200
    assert client.post("/competitions/animals/join/").status_code == 302
    assert TeamMembership.objects.filter(competition=private, user=student).exists()


def test_an_exact_address_on_the_allow_list_also_waits_for_confirmation(client, host, student):
    listed(host, Competition.Visibility.PRIVATE, ["student@example.edu"])
    client.force_login(student)

    assert client.get("/competitions/animals/").status_code == 403


def test_an_unconfirmed_address_the_allow_list_does_not_name_still_gets_not_found(client, private):
    stranger = UserFactory(username="stranger", email="stranger@elsewhere.org")
    client.force_login(stranger)

    answer = client.get("/competitions/animals/")

    assert answer.status_code == 404
    assert "No competition 'animals' exists, or it is not published yet." in page_text(answer)


def test_an_unlisted_competition_tells_an_unconfirmed_match_to_confirm_before_joining(client, host, student):
    listed(host, Competition.Visibility.UNLISTED, ["@example.edu"], accepts_join_requests=True)
    client.force_login(student)

    overview = client.get("/competitions/animals/")
    joined = client.post("/competitions/animals/join/")

    assert overview.status_code == 200
    assert WAIT_MESSAGE in page_text(overview)
    assert 'id="resend-confirmation"' in overview.content.decode()
    assert joined.status_code == 403
    assert WAIT_MESSAGE in page_text(joined)


def test_an_invitation_link_admits_an_unconfirmed_address(api_for, private, host, student):
    link = admission.create_invitation(competition=private, user=host)

    answer = api_for(student).post(
        "/api/v1/competitions/animals/invitation/", {"code": link.code}, format="json"
    )

    assert answer.status_code == 200
    assert answer.json()["is_admitted"] is True
    assert api_for(student).get("/api/v1/competitions/animals/").status_code == 200


def test_an_approved_join_request_admits_an_unconfirmed_address(api_for, host, student):
    unlisted = listed(host, Competition.Visibility.UNLISTED, ["@other.org"], accepts_join_requests=True)
    asked = admission.request_to_join(competition=unlisted, user=student)
    admission.answer_join_request(join_request=asked, user=host, approve=True)

    joined = api_for(student).post("/api/v1/competitions/animals/join/")

    assert joined.status_code in (200, 201)
    assert Admission.objects.get(user=student).via == Admission.Via.REQUEST
