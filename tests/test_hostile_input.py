"""Inputs that used to answer 500 now answer a clear 4xx naming the problem: bodies too large or nested too
deeply, numbers beyond what the database holds, pages too large, NUL characters through the site's forms."""

import json

import pytest

from config.api_input_limits import MAX_JSON_DEPTH, MAX_PAGE_SIZE
from tests.community.conftest import discussion_url, old_account
from tests.factories import PASSWORD, competition_form

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def carol(db):
    return old_account("carol")


def test_a_json_body_over_the_size_limit_is_413(api_for, competition, carol, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = json.dumps({"body": "x" * (2 * 1024 * 1024)})

    answer = api_for(carol).post(
        discussion_url("competition", "animals"), body, content_type="application/json"
    )

    assert answer.status_code == 413
    assert answer.json()["message"] == "The request body is over 1 MB."


def test_json_nested_100000_levels_is_refused_on_any_json_route(api_for, competition, carol):
    answer = api_for(carol).post(
        discussion_url("competition", "animals"), DEEP, content_type="application/json"
    )

    assert answer.status_code == 400
    assert answer.json()["message"] == f"The JSON body is nested too deeply: at most {MAX_JSON_DEPTH} levels."


def test_deep_json_as_metric_parameters_is_refused(api_for, host):
    data = competition_form(metric_params=DEEP)

    answer = api_for(host).post("/api/v1/competitions/", data, format="multipart")

    assert answer.status_code == 400
    assert "'metric_params' is nested too deeply" in answer.json()["message"]


@pytest.mark.parametrize(
    ("field", "bound"), [("total_submission_limit", "1000000"), ("max_in_flight", "1000")]
)
def test_a_number_beyond_the_databases_range_is_refused_with_its_bounds(
    api_for, competition, host, field, bound
):
    answer = api_for(host).patch("/api/v1/competitions/animals/", {field: 2**63}, format="json")

    assert answer.status_code == 400
    assert field in answer.json()["details"]["fields"]
    assert bound in answer.json()["message"]


def test_an_id_beyond_the_databases_range_is_refused(api_for, competition, carol):
    answer = api_for(carol).post(
        discussion_url("competition", "animals"), {"body": "Hi", "parent": 2**70}, format="json"
    )

    assert answer.status_code == 400
    assert "parent" in answer.json()["details"]["fields"]


@pytest.mark.parametrize("query", [f"limit={2**63}", f"offset={2**63}", f"limit={2**63}&offset={2**63}"])
def test_huge_pages_are_clamped_not_500(api_for, competition, query):
    answer = api_for(None).get(f"/api/v1/competitions/?{query}")

    assert answer.status_code == 200
    assert answer.json()["count"] == 1
    assert len(answer.json()["results"]) <= MAX_PAGE_SIZE


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/competitions/animals/discussion/", "body"),
        ("/competitions/animals/team/rename/", "name"),
    ],
)
def test_a_nul_character_through_a_form_is_refused_by_name(client, competition, carol, path, field):
    client.login(username="carol", password=PASSWORD)

    page = client.post(path, {field: "Hello\x00world"})

    assert page.status_code == 400
    assert f"The field &#x27;{field}&#x27; holds a NUL character" in page.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/competitions/?offset=null",
        "/api/v1/competitions/?limit=",
        "/api/v1/competitions/?limit=0",
        "/api/v1/competitions/?offset=-1",
        "/api/v1/competitions/?limit=3.5e%2B16",
        "/api/v1/competitions/animals/leaderboard/?limit=x",
        "/api/v1/competitions/animals/leaderboard/?offset=%C2%B2",
    ],
)
def test_a_page_parameter_that_is_not_a_whole_number_is_refused_by_name(api_for, competition, url):
    answer = api_for(None).get(url)

    assert answer.status_code == 400
    name = "limit" if "limit=" in url else "offset"
    assert answer.json()["details"]["fields"][name][0].startswith("Give a whole number of at least ")


def test_a_page_parameter_of_thousands_of_digits_is_clamped(api_for, competition):
    answer = api_for(None).get(f"/api/v1/competitions/?limit={'9' * 5000}&offset={'0' * 5000}")

    assert answer.status_code == 200
    assert answer.json()["count"] == 1


@pytest.mark.parametrize("number", [9.87e42, 7, True])
def test_a_number_where_the_schema_says_text_is_refused_by_name(api_for, competition, carol, number):
    answer = api_for(carol).post(discussion_url("competition", "animals"), {"body": number}, format="json")

    assert answer.status_code == 400
    assert answer.json()["details"]["fields"] == {"body": ["Must be text, not a number or true/false."]}


def test_text_in_a_form_is_still_text(api_for, competition, carol):
    answer = api_for(carol).post(discussion_url("competition", "animals"), {"body": "42"})

    assert answer.status_code == 201
    assert answer.json()["body"] == "42"


def test_a_multipart_body_without_its_boundary_is_refused_not_read_as_an_empty_form(api_for, carol):
    """Read as an empty form, it would ask to mark every notification read."""
    answer = api_for(carol).generic(
        "POST",
        "/api/v1/me/notifications/read/",
        b"\x10\xb6garbage with no boundary in it",
        content_type="multipart/form-data; boundary=59c7f685f5cf5fdd33ca05bf6fc9c47e",
    )

    assert answer.status_code == 400
    assert answer.json()["message"] == (
        "The multipart/form-data body holds no parts: check the boundary in its Content-Type."
    )


def test_an_empty_request_to_mark_notifications_read_still_marks_them_all(api_for, carol):
    answer = api_for(carol).post("/api/v1/me/notifications/read/")

    assert answer.status_code == 200
