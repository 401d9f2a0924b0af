"""Unlisted and private competitions admit participants by invitation link, allow-list or an approved join
request; each way, and each bad input, on the pages and through the API."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from community.models import Notification
from competitions import admission
from competitions.co_hosts import add_co_host
from competitions.models import Admission, Competition, InvitationCode, JoinRequest
from competitions.services import update_competition
from tests.factories import LABEL_SOLUTION, TEST_CSV, UserFactory, competition_form, make_competition

pytestmark = pytest.mark.django_db


def with_visibility(competition: Competition, visibility: str, **more) -> Competition:
    update_competition(
        competition=competition, user=competition.host, changes={"visibility": visibility, **more}
    )
    competition.refresh_from_db()
    return competition


@pytest.fixture
def private(host):
    return with_visibility(make_competition(host=host), Competition.Visibility.PRIVATE)


@pytest.fixture
def unlisted(host):
    return with_visibility(
        make_competition(host=host), Competition.Visibility.UNLISTED, accepts_join_requests=True
    )


# Invitation links


def test_an_invitation_link_admits_a_student_to_a_private_competition(client, private, host, participant):
    link = admission.create_invitation(competition=private, user=host, label="Class of 2026")
    client.force_login(participant)
    assert client.get("/competitions/animals/").status_code == 404

    page = client.get(f"/competitions/animals/invitation/{link.code}/")
    accepted = client.post(f"/competitions/animals/invitation/{link.code}/")
    joined = client.post("/competitions/animals/join/")

    assert "Accept the invitation" in page.content.decode()
    assert accepted.status_code == 302
    assert accepted.url == "/competitions/animals/rules/"
    assert joined.status_code == 302
    assert client.get("/competitions/animals/").status_code == 200
    assert Admission.objects.get(user=participant).via == Admission.Via.INVITATION
    link.refresh_from_db()
    assert link.use_count == 1


def test_a_wrong_invitation_code_answers_not_found(client, private, participant):
    client.force_login(participant)

    answer = client.get("/competitions/animals/invitation/guessed-code/")

    assert answer.status_code == 404
    assert "No competition 'animals' exists" in answer.content.decode().replace("&#x27;", "'")


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (
            {"revoked_at": timezone.now()},
            "Invitation code: the host revoked this invitation link; ask them for a new one.",
        ),
        (
            {"max_uses": 1, "use_count": 1},
            "Invitation code: this invitation link has been used its 1 time allowed",
        ),
        (
            {"expires_at": timezone.now() - timedelta(hours=1)},
            "Invitation code: this invitation link expired on",
        ),
    ],
    ids=["revoked", "used-up", "expired"],
)
def test_a_spent_invitation_code_is_refused_saying_why(
    client, api_for, private, host, participant, spoil, message
):
    link = admission.create_invitation(competition=private, user=host)
    InvitationCode.objects.filter(pk=link.pk).update(**spoil)
    client.force_login(participant)

    page = client.get(f"/competitions/animals/invitation/{link.code}/")
    refused_page = client.post(f"/competitions/animals/invitation/{link.code}/")
    api = api_for(participant).post(
        "/api/v1/competitions/animals/invitation/", {"code": link.code}, format="json"
    )

    assert message in page.content.decode()
    assert refused_page.status_code == 400
    assert message in refused_page.content.decode()
    assert api.status_code == 400
    assert api.json()["code"] == "invitation_refused"
    assert message in api.json()["message"]
    assert api.json()["details"] == {"field": "code"}
    assert not Admission.objects.exists()


def test_a_link_limited_to_two_uses_admits_two_people(api_for, private, host):
    link = admission.create_invitation(competition=private, user=host, max_uses=2)
    answers = [
        api_for(UserFactory(username=name)).post(
            "/api/v1/competitions/animals/invitation/", {"code": link.code}, format="json"
        )
        for name in ("ann", "ben", "cat")
    ]

    assert [a.status_code for a in answers] == [200, 200, 400]
    assert answers[0].json() == {"competition": "animals", "is_admitted": True, "via": "invitation"}
    assert Admission.objects.count() == 2


def test_the_host_makes_lists_and_revokes_links_through_the_api(api_for, private, host):
    client = api_for(host)
    made = client.post(
        "/api/v1/competitions/animals/access/invitation-links/",
        {"label": "Tuesday group", "max_uses": 30},
        format="json",
    )
    link_id = made.json()["id"]
    listed = client.get("/api/v1/competitions/animals/access/invitation-links/")
    revoked = client.post(f"/api/v1/competitions/animals/access/invitation-links/{link_id}/revoke/")

    assert made.status_code == 201
    assert made.json()["url"].endswith(f"/competitions/animals/invitation/{made.json()['code']}/")
    assert [link["label"] for link in listed.json()] == ["Tuesday group"]
    assert revoked.json()["revoked_at"] is not None


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"expires_at": "2001-01-01T00:00:00Z"}, "expires_at", "Expiry: choose a time in the future"),
        ({"max_uses": 0}, "max_uses", "greater than or equal to 1"),
    ],
)
def test_a_bad_invitation_link_setting_is_refused_naming_the_field(
    api_for, private, host, body, field, message
):
    answer = api_for(host).post("/api/v1/competitions/animals/access/invitation-links/", body, format="json")

    assert answer.status_code == 400
    assert message in str(answer.json())
    assert field in str(answer.json()["details"])


def test_a_bad_invitation_setting_on_the_host_tab_comes_back_with_its_message(client, private, host):
    client.force_login(host)

    answer = client.post(
        "/competitions/animals/host/access/invitations/", {"expires_at": "2001-01-01 00:00"}, follow=True
    )

    assert "Expiry: choose a time in the future (UTC), or leave it empty." in answer.content.decode()
    assert not InvitationCode.objects.exists()


def test_only_the_host_manages_invitation_links(api_for, unlisted, participant):
    answer = api_for(participant).post(
        "/api/v1/competitions/animals/access/invitation-links/", {}, format="json"
    )
    listed = api_for(participant).get("/api/v1/competitions/animals/access/invitation-links/")

    assert answer.status_code == 403
    assert listed.status_code == 403
    assert answer.json()["message"] == "Only the competition's host or a co-host can create invitation links."


# The allow-list


def test_a_domain_on_the_allow_list_admits_a_class(client, api_for, private, host):
    added = api_for(host).post(
        "/api/v1/competitions/animals/access/allow-list/",
        {"entries": ["@Example.edu", "ta@other.org"]},
        format="json",
    )
    student = UserFactory(username="student", email="student@example.edu", confirmed=True)
    stranger = UserFactory(username="stranger", email="stranger@elsewhere.org", confirmed=True)

    assert added.status_code == 200
    assert sorted(e["entry"] for e in added.json()) == ["@example.edu", "ta@other.org"]
    client.force_login(student)
    assert client.get("/competitions/animals/").status_code == 200
    assert client.post("/competitions/animals/join/").status_code == 302
    client.force_login(stranger)
    assert client.get("/competitions/animals/").status_code == 404


def test_an_allow_list_entry_that_is_neither_an_address_nor_a_domain_is_refused(
    client, api_for, private, host
):
    message = (
        "Allow-list: 'example.edu' is neither an e-mail address (ada@example.edu) nor a domain starting with @ "
        "(@example.edu)."
    )
    api = api_for(host).post(
        "/api/v1/competitions/animals/access/allow-list/",
        {"entries": ["ok@example.edu", "example.edu"]},
        format="json",
    )
    client.force_login(host)
    page = client.post(
        "/competitions/animals/host/access/allow-list/", {"entries": "example.edu"}, follow=True
    )

    assert api.status_code == 400
    assert api.json()["message"] == message
    assert api.json()["details"] == {"field": "entries"}
    assert message in page.content.decode().replace("&#x27;", "'")
    assert not private.allow_list.exists()  # all or nothing


def test_an_allow_list_entry_longer_than_an_address_may_be_is_refused_on_the_page(client, private, host):
    too_long = "@" + ("a" * 60 + ".") * 5 + "com"
    client.force_login(host)

    page = client.post("/competitions/animals/host/access/allow-list/", {"entries": too_long}, follow=True)

    assert page.status_code == 200
    assert "is longer than an e-mail address may be (254 characters)." in page.content.decode()
    assert not private.allow_list.exists()


def test_the_host_lists_and_removes_allow_list_entries(api_for, private, host):
    client = api_for(host)
    client.post("/api/v1/competitions/animals/access/allow-list/", {"entries": ["a@b.org"]}, format="json")
    entry_id = client.get("/api/v1/competitions/animals/access/allow-list/").json()[0]["id"]

    removed = client.delete(f"/api/v1/competitions/animals/access/allow-list/{entry_id}/")
    again = client.delete(f"/api/v1/competitions/animals/access/allow-list/{entry_id}/")

    assert removed.status_code == 204
    assert again.status_code == 404
    assert client.get("/api/v1/competitions/animals/access/allow-list/").json() == []


# Unlisted competitions and join requests


def test_an_unlisted_competition_is_reached_by_its_link_but_not_listed(client, unlisted, participant):
    client.force_login(participant)

    assert client.get("/competitions/animals/").status_code == 200
    assert "/competitions/animals/" not in client.get("/competitions/").content.decode()
    assert client.get("/api/v1/competitions/?search=animals").json()["count"] == 0


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_an_unlisted_competition_is_in_no_list_search_or_api_list_for_outsiders(client, unlisted, who):
    if who == "outsider":
        client.force_login(UserFactory(username="outsider"))
    title = unlisted.title.lower()
    for url in [
        "/",
        "/competitions/",
        "/competitions/?q=animals",
        "/api/v1/competitions/",
        "/api/v1/competitions/?search=animals",
        "/search/?q=animals",
    ]:
        body = (
            client.get(url)
            .content.decode()
            .lower()
            .replace('value="animals"', "")
            .replace("match “animals”", "")
        )
        assert "/competitions/animals/" not in body, url
        assert '"animals"' not in body, url
        assert title not in body, url
    assert client.get("/competitions/animals/").status_code == 200
    assert client.get("/api/v1/competitions/animals/").json()["visibility"] == "unlisted"


def test_joining_without_admission_says_what_is_missing(client, api_for, unlisted, participant):
    message = (
        "This competition admits invited participants only: ask its host for an invitation link, or request "
        "to join on its overview page."
    )
    api = api_for(participant).post("/api/v1/competitions/animals/join/")
    client.force_login(participant)
    overview = client.get("/competitions/animals/").content.decode().replace("&#x27;", "'")

    assert api.status_code == 403
    assert api.json() == {"code": "not_admitted", "message": message, "details": {}}
    assert message in overview
    assert 'id="request-to-join"' in overview


def test_a_join_request_approved_by_the_host_admits_and_notifies(
    client, api_for, unlisted, host, participant
):
    asked = api_for(participant).post(
        "/api/v1/competitions/animals/join-request/", {"message": "I am in the course."}, format="json"
    )
    pending = api_for(host).get("/api/v1/competitions/animals/access/join-requests/").json()
    approved = api_for(host).post(
        f"/api/v1/competitions/animals/access/join-requests/{asked.json()['id']}/approve/"
    )
    own = api_for(participant).get("/api/v1/competitions/animals/join-request/")
    joined = api_for(participant).post("/api/v1/competitions/animals/join/")

    assert asked.status_code == 201
    assert [(r["user"], r["message"], r["status"]) for r in pending] == [
        ("alice", "I am in the course.", "pending")
    ]
    assert approved.json()["status"] == "approved"
    assert own.json()["status"] == "approved"
    assert joined.status_code == 200
    notes = {
        n.recipient.username: n.text for n in Notification.objects.filter(kind=Notification.Kind.ADMISSION)
    }
    assert notes == {
        "host": "alice asks to join Animals.",
        "alice": "The host admitted you to Animals: read the rules and join.",
    }
    client.force_login(host)
    page = client.get("/notifications/").content.decode()
    assert 'href="/competitions/animals/host/#access"' in page


def test_a_refusal_needs_a_reason_and_the_requester_reads_it(client, api_for, unlisted, host, participant):
    join_request = admission.request_to_join(competition=unlisted, user=participant)
    without = api_for(host).post(
        f"/api/v1/competitions/animals/access/join-requests/{join_request.pk}/refuse/", {}, format="json"
    )
    client.force_login(host)
    page = client.post(
        f"/competitions/animals/host/access/requests/{join_request.pk}/refuse/", {"reason": " "}, follow=True
    )
    refused = api_for(host).post(
        f"/api/v1/competitions/animals/access/join-requests/{join_request.pk}/refuse/",
        {"reason": "This course is for enrolled students."},
        format="json",
    )
    client.force_login(participant)
    overview = client.get("/competitions/animals/").content.decode()

    assert without.status_code == 400
    assert "reason" in without.json()["details"]["fields"]
    assert "Reason: say why you refuse; the requester reads it." in page.content.decode()
    assert refused.json()["status"] == "refused"
    assert "The host refused your request: “This course is for enrolled students.”" in overview
    assert Notification.objects.get(recipient=participant).text.endswith(
        "This course is for enrolled students."
    )
    assert not Admission.objects.exists()


def test_a_second_pending_request_is_refused(api_for, unlisted, participant):
    client = api_for(participant)
    client.post("/api/v1/competitions/animals/join-request/", {}, format="json")

    again = client.post("/api/v1/competitions/animals/join-request/", {}, format="json")

    assert again.status_code == 400
    assert again.json()["message"] == "You already asked to join; the host has not answered yet."


def test_after_a_refusal_the_requester_waits_a_week_and_after_three_only_an_invitation_helps(
    api_for, unlisted, host, participant
):
    def refused_request():
        join_request = admission.request_to_join(competition=unlisted, user=participant)
        admission.answer_join_request(
            join_request=join_request, user=host, approve=False, reason="Not enrolled."
        )
        JoinRequest.objects.filter(pk=join_request.pk).update(answered_at=timezone.now() - timedelta(days=8))

    join_request = admission.request_to_join(competition=unlisted, user=participant)
    admission.answer_join_request(join_request=join_request, user=host, approve=False, reason="Not enrolled.")
    too_soon = api_for(participant).post("/api/v1/competitions/animals/join-request/", {}, format="json")
    JoinRequest.objects.filter(pk=join_request.pk).update(answered_at=timezone.now() - timedelta(days=8))
    refused_request()
    refused_request()
    used_up = api_for(participant).post("/api/v1/competitions/animals/join-request/", {}, format="json")

    assert too_soon.status_code == 400
    assert too_soon.json()["code"] == "join_request_refused_recently"
    assert too_soon.json()["message"].startswith(
        "The host refused your last request; you may ask again from "
    )
    assert used_up.json() == {
        "code": "join_requests_used_up",
        "message": "The host refused your request 3 times; only an invitation link from the host lets you in "
        "now.",
        "details": {},
    }
    assert Notification.objects.filter(recipient=host, kind=Notification.Kind.ADMISSION).count() == 3


def test_a_join_request_reaches_every_organiser_who_may_answer_it(api_for, unlisted, host, participant):
    add_co_host(
        competition=unlisted, actor=host, username=UserFactory(username="carol").username, role="co_host"
    )
    add_co_host(
        competition=unlisted, actor=host, username=UserFactory(username="dave").username, role="reviewer"
    )

    api_for(participant).post("/api/v1/competitions/animals/join-request/", {}, format="json")

    told = Notification.objects.filter(kind=Notification.Kind.ADMISSION).values_list(
        "recipient__username", flat=True
    )
    assert sorted(told) == ["carol", "host"]


def test_a_competition_that_takes_no_requests_refuses_one(api_for, host, participant):
    with_visibility(make_competition(host=host), Competition.Visibility.UNLISTED)

    answer = api_for(participant).post("/api/v1/competitions/animals/join-request/", {}, format="json")
    own = api_for(participant).get("/api/v1/competitions/animals/join-request/")

    assert answer.status_code == 400
    assert (
        answer.json()["message"]
        == "This competition takes no join requests: ask its host for an invitation link."
    )
    assert own.status_code == 404


def test_the_host_answers_requests_from_the_host_tab(client, unlisted, host, participant):
    join_request = admission.request_to_join(competition=unlisted, user=participant, message="Hello")
    client.force_login(host)
    tab = client.get("/competitions/animals/host/").content.decode()

    answer = client.post(
        f"/competitions/animals/host/access/requests/{join_request.pk}/approve/", follow=True
    )

    assert 'id="join-requests"' in tab
    assert "Hello" in tab
    assert "alice&#x27;s request is approved." in answer.content.decode()
    assert JoinRequest.objects.get().status == JoinRequest.Status.APPROVED


def test_the_host_makes_a_link_and_the_allow_list_from_the_host_tab(client, private, host):
    client.force_login(host)

    made = client.post(
        "/competitions/animals/host/access/invitations/", {"label": "Lab", "max_uses": "3"}, follow=True
    )
    listed = client.post(
        "/competitions/animals/host/access/allow-list/", {"entries": "a@b.org, @uni.edu"}, follow=True
    )
    link = InvitationCode.objects.get()
    revoked = client.post(f"/competitions/animals/host/access/invitations/{link.pk}/revoke/", follow=True)
    entry = private.allow_list.get(entry="a@b.org")
    removed = client.post(f"/competitions/animals/host/access/allow-list/{entry.pk}/remove/", follow=True)

    assert f"/competitions/animals/invitation/{link.code}/" in made.content.decode()
    assert "The allow-list admits @uni.edu, a@b.org." in listed.content.decode()
    assert "revoked" in revoked.content.decode()
    assert "Removed from the allow-list" in removed.content.decode()
    assert list(private.allow_list.values_list("entry", flat=True)) == ["@uni.edu"]


def test_a_bad_visibility_is_refused_naming_the_field(api_for, competition, host):
    answer = api_for(host).patch("/api/v1/competitions/animals/", {"visibility": "secret"}, format="json")

    assert answer.status_code == 400
    assert answer.json()["details"]["fields"]["visibility"] == ['"secret" is not a valid choice.']


def test_the_host_makes_a_competition_private_through_the_api(api_for, competition, host, participant):
    answer = api_for(host).patch("/api/v1/competitions/animals/", {"visibility": "private"}, format="json")

    assert answer.json()["visibility"] == "private"
    assert api_for(participant).get("/api/v1/competitions/animals/").status_code == 404


def test_huge_numbers_are_refused_not_a_500(api_for, private, host):
    client = api_for(host)

    too_many = client.post(
        "/api/v1/competitions/animals/access/invitation-links/", {"max_uses": 2**40}, format="json"
    )
    huge_id = client.post(f"/api/v1/competitions/animals/access/invitation-links/{2**70}/revoke/")

    assert too_many.status_code == 400
    assert "max_uses" in too_many.json()["details"]["fields"]
    assert huge_id.status_code == 404


def test_the_create_form_and_the_api_make_a_private_competition(client, api_for, host, participant):
    client.force_login(host)
    start = timezone.now().replace(microsecond=0)
    solution = SimpleUploadedFile("solution.csv", LABEL_SOLUTION.encode())
    made = client.post(
        "/competitions/new/",
        {
            "title": "Class exercise",
            "start_at": start.strftime("%Y-%m-%dT%H:%M"),
            "end_at": (start + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "daily_submission_limit": 5,
            "metric": "accuracy",
            "id_column": "id",
            "target_columns": "label",
            "public_fraction": 0.3,
            "visibility": "private",
            "solution": solution,
            "data_files": [SimpleUploadedFile("test.csv", TEST_CSV.encode())],
        },
    )
    by_api = api_for(host).post(
        "/api/v1/competitions/",
        competition_form(title="Unlisted one", visibility="unlisted"),
        format="multipart",
    )

    assert made.status_code == 302
    assert Competition.objects.get(slug="class-exercise").visibility == Competition.Visibility.PRIVATE
    assert by_api.status_code == 201
    assert by_api.json()["visibility"] == "unlisted"
