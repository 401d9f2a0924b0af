"""Each user chooses per kind, on the profile page (one checkbox each) or through the API."""

import pytest

from mail.services import mail_preferences
from tests.mail_notifications.test_unsubscribe import DEFAULTS


def test_the_profile_has_one_checkbox_per_kind_ticked_as_the_defaults_say(client, participant):
    client.force_login(participant)

    text = client.get("/accounts/profile/").content.decode()

    assert 'id="mail-preferences-form"' in text
    assert '<input type="checkbox" name="team_requests" id="id_team_requests" checked>' in text
    assert '<input type="checkbox" name="submission_results" id="id_submission_results">' in text
    assert "A submission of mine was scored or failed" in text


def test_the_form_saves_ticked_kinds_on_and_unticked_ones_off(client, participant):
    client.force_login(participant)

    answer = client.post("/mail/preferences/", {"submission_results": "on", "team_requests": "on"})

    assert answer.status_code == 302
    assert answer["Location"] == "/accounts/profile/#mail"
    assert mail_preferences(participant) == {
        **dict.fromkeys(DEFAULTS, False),
        "submission_results": True,
        "team_requests": True,
    }
    assert "Mail preferences saved." in client.get("/accounts/profile/").content.decode()


def test_the_form_needs_a_login(client):
    answer = client.post("/mail/preferences/", {"team_requests": "on"})

    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/")


def test_the_api_reads_every_kind(api_for, participant):
    answer = api_for(participant).get("/api/v1/me/mail-preferences/")

    assert answer.status_code == 200
    assert answer.json() == DEFAULTS


def test_the_api_changes_the_kinds_it_names_and_keeps_the_others(api_for, participant):
    answer = api_for(participant).put(
        "/api/v1/me/mail-preferences/", {"submission_results": True, "private_board": False}, format="json"
    )

    assert answer.status_code == 200
    assert answer.json() == {**DEFAULTS, "submission_results": True, "private_board": False}
    assert mail_preferences(participant) == answer.json()


def test_the_api_refuses_an_unknown_kind_by_name(api_for, participant):
    answer = api_for(participant).put(
        "/api/v1/me/mail-preferences/", {"join_request": False, "team_requests": False}, format="json"
    )

    assert answer.status_code == 400
    fields = answer.json()["details"]["fields"]
    assert fields == {
        "join_request": [
            "Not a kind of mail; the kinds are: submission_results, team_requests, join_requests, "
            "deadline_reminders, thread_replies, private_board."
        ]
    }
    assert mail_preferences(participant) == DEFAULTS


def test_the_api_refuses_a_value_that_is_not_true_or_false(api_for, participant):
    answer = api_for(participant).put(
        "/api/v1/me/mail-preferences/", {"team_requests": "sometimes"}, format="json"
    )

    assert answer.status_code == 400
    assert answer.json()["details"]["fields"] == {"team_requests": ["Must be a valid boolean."]}


@pytest.mark.parametrize(
    ("value", "body_format"), [(0, "json"), (1, "json"), ("0", "multipart"), ("yes", "json")]
)
def test_the_api_takes_only_true_or_false_not_what_could_pass_for_one(
    api_for, participant, value, body_format
):
    answer = api_for(participant).put(
        "/api/v1/me/mail-preferences/", {"private_board": value}, format=body_format
    )

    assert answer.status_code == 400
    assert answer.json()["details"]["fields"] == {"private_board": ["Must be a valid boolean."]}
    assert mail_preferences(participant) == DEFAULTS


def test_a_form_may_say_true_or_false_in_text(api_for, participant):
    answer = api_for(participant).put(
        "/api/v1/me/mail-preferences/", {"private_board": "false"}, format="multipart"
    )

    assert answer.status_code == 200
    assert answer.json()["private_board"] is False


def test_the_api_needs_credentials(api_for):
    assert api_for().get("/api/v1/me/mail-preferences/").status_code == 401
    assert api_for().put("/api/v1/me/mail-preferences/", {}, format="json").status_code == 401
