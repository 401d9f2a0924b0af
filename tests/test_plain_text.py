"""Names and titles are plain text on one line: a control character (ESC, BEL, a newline, a bidirectional
override) is refused on the way in, naming the field and the character."""

import io

import pytest

from tests.factories import PASSWORD, competition_form, joined


@pytest.mark.parametrize("name", ["bad\x1bname", "two\nlines", "ring\x07", "evil\u202eeman"])
def test_a_team_name_with_a_control_character_is_refused(api_for, competition, participant, name):
    joined(competition, participant)

    answer = api_for(participant).patch("/api/v1/competitions/animals/team/", {"name": name}, format="json")

    assert answer.status_code == 400
    assert answer.json()["code"] == "control_characters"
    assert answer.json()["message"].startswith("The team name holds a control character (U+")
    assert answer.json()["details"] == {"field": "name"}


def test_a_competition_title_with_a_control_character_is_refused(api_for, competition, host):
    answer = api_for(host).patch("/api/v1/competitions/animals/", {"title": "Cats\u202e"}, format="json")

    assert answer.status_code == 400
    assert answer.json()["message"] == (
        "The title holds a control character (U+202E RIGHT-TO-LEFT OVERRIDE); use plain text on one line."
    )


def test_a_new_competition_subtitle_with_a_newline_is_refused(api_for, host):
    data = competition_form(subtitle="first line\nsecond line")

    answer = api_for(host).post("/api/v1/competitions/", data, format="multipart")

    assert answer.status_code == 400
    assert answer.json()["details"] == {"field": "subtitle"}


def test_a_dataset_title_and_a_token_name_are_plain_text_too(api_for, client, host):
    answer = api_for(host).post(
        "/api/v1/datasets/",
        {"title": "Weather\x1b[31m", "files": [io.BytesIO(b"a,b\n1,2\n")]},
        format="multipart",
    )
    client.login(username=host.username, password=PASSWORD)
    token = client.post("/api/v1/me/tokens/", {"name": "laptop\x07"}, content_type="application/json")

    assert answer.status_code == 400
    assert answer.json()["details"] == {"field": "title"}
    assert token.status_code == 400
    assert "U+0007" in token.json()["message"]


def test_a_display_name_with_a_control_character_is_refused_on_the_profile_page(client, participant):
    client.login(username=participant.username, password=PASSWORD)

    page = client.post("/accounts/profile/", {"profile-display_name": "Alice\x1b[2J"})

    assert "holds a control character (U+001B" in page.content.decode()
    participant.refresh_from_db()
    assert participant.display_name == ""
