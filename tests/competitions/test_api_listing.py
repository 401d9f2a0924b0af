"""The competition list API: search, filters, ordering and paging, and the detail's submission format."""

import pytest

from tests.factories import make_competition


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_default_order_is_running_ending_soonest_then_upcoming_then_finished(api_for, participant, catalogue):
    response = api_for(participant).get("/api/v1/competitions/")
    assert slugs(response) == ["houses", "animals", "future", "old"]
    assert response.json()["count"] == 4


def test_the_host_also_sees_their_draft_before_finished_ones(api_for, host, catalogue):
    assert slugs(api_for(host).get("/api/v1/competitions/")) == [
        "houses",
        "animals",
        "future",
        "draft",
        "old",
    ]


def test_search_matches_title_subtitle_and_slug_case_insensitively(api_for, participant, catalogue):
    assert slugs(api_for(participant).get("/api/v1/competitions/?search=HOUSE")) == ["houses"]
    assert slugs(api_for(participant).get("/api/v1/competitions/?search=secret")) == []


@pytest.mark.parametrize(
    ("status", "expected"),
    [("running", ["houses", "animals"]), ("upcoming", ["future"]), ("finished", ["old"])],
)
def test_status_filter(api_for, participant, catalogue, status, expected):
    assert slugs(api_for(participant).get(f"/api/v1/competitions/?status={status}")) == expected


def test_prediction_kind_filter(api_for, participant, catalogue):
    assert slugs(api_for(participant).get("/api/v1/competitions/?prediction=number")) == ["houses"]


def test_ordering_by_teams_and_team_counts(api_for, participant, catalogue):
    results = api_for(participant).get("/api/v1/competitions/?ordering=teams").json()["results"]
    assert results[0]["slug"] == "animals"
    assert results[0]["teams"] == 2


def test_paging_with_limit_and_offset(api_for, participant, catalogue):
    body = api_for(participant).get("/api/v1/competitions/?limit=2&offset=2").json()
    assert [row["slug"] for row in body["results"]] == ["future", "old"]
    assert body["count"] == 4
    assert body["next"] is None
    assert "offset=0" in body["previous"] or "limit=2" in body["previous"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("status=closed", "status"), ("ordering=best", "ordering"), ("prediction=x", "prediction")],
)
def test_unknown_filter_values_are_refused_naming_the_field(api_for, participant, catalogue, query, field):
    response = api_for(participant).get(f"/api/v1/competitions/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["details"]["fields"]


def test_detail_describes_the_submission_format(api_for, participant, catalogue):
    body = api_for(participant).get("/api/v1/competitions/houses/").json()
    assert body["submission_format"] == {
        "id_column": "id",
        "columns": ["id", "y"],
        "prediction": "number",
        "prediction_range": None,
        "sample_file": "sample_submission.csv",
        "max_megabytes": body["submission_format"]["max_megabytes"],
        "max_rows": 4,
    }
    assert body["submission_format"]["max_megabytes"] > 0


def test_probability_metrics_give_their_range(api_for, participant, host):
    solution = "id,y,Usage\n1,1,Public\n2,0,Public\n3,1,Private\n4,0,Private\n"
    make_competition(host=host, slug="auc", metric="log_loss", solution=solution, target="y")
    body = api_for(participant).get("/api/v1/competitions/auc/").json()
    assert body["submission_format"]["prediction"] == "probability"
    assert body["submission_format"]["prediction_range"] == [0.0, 1.0]
