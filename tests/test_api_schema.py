"""The OpenAPI schema at /api/schema/ and the docs pages that render it without any other host."""

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.conf import settings
from django.urls import URLResolver, get_resolver
from drf_spectacular.validation import validate_schema
from openapi_spec_validator import validate as validate_openapi

from leaderboards.services import recompute_public_entry
from tests.api_coverage import PARAMETER
from tests.factories import joined, make_submission, predictions

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
DOCS_PAGES = ("/api/docs/",)
# What a page loads: scripts, stylesheets and icons (a plain link, such as the way back to the site, is not).
ASSET = re.compile(r"""<(?:script|link)\b[^>]*?(?:src|href)\s*=\s*["']([^"']+)["']""")


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def api_v1_routes() -> set[tuple[str, str]]:
    """(OpenAPI path, method) of every view under /api/v1/, read from Django's URL resolver."""
    api = next(
        p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and str(p.pattern) == "api/v1/"
    )
    routes = set()
    for pattern in api.url_patterns:
        path = "/api/v1/" + PARAMETER.sub(r"{\1}", str(pattern.pattern))
        view = pattern.callback.view_class
        routes |= {(path, method) for method in HTTP_METHODS if hasattr(view, method)}
    return routes


def schema_operations(schema: dict) -> set[tuple[str, str]]:
    return {
        (path, method) for path, item in schema["paths"].items() for method in item if method in HTTP_METHODS
    }


def local_assets(html: str) -> list[str]:
    return ASSET.findall(html)


def as_json_schema(node):
    """An OpenAPI 3.0 schema as plain JSON Schema: `nullable` becomes "or null", as OpenAPI 3.1 says."""
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: as_json_schema(value) for key, value in node.items()}
    if converted.pop("nullable", False):
        return {"anyOf": [{"type": "null"}, converted]}
    return converted


def assert_answer_matches_schema(schema: dict, response, path: str, method: str = "get") -> None:
    """The body of a real answer fits what the schema documents for its path, method and status."""
    documented = schema["paths"][path][method]["responses"]
    assert str(response.status_code) in documented, (
        f"{method.upper()} {path} does not document {response.status_code}"
    )
    body_schema = documented[str(response.status_code)]["content"]["application/json"]["schema"]
    root = as_json_schema({**body_schema, "components": schema["components"]})
    jsonschema.validate(response.json(), root, cls=jsonschema.Draft202012Validator)


def test_the_served_schema_is_valid_openapi_3(schema):
    validate_openapi(schema)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Podium API"


def test_the_schema_is_yaml_unless_json_is_asked_for(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(response.content)["info"]["title"] == "Podium API"


def test_the_schema_is_json_when_the_client_accepts_json(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert json.loads(response.content)["openapi"].startswith("3.")


def test_the_spectacular_command_finds_no_warning_and_no_error(tmp_path):
    target = tmp_path / "schema.yaml"

    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", str(target)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr, result.stderr
    assert "Error" not in result.stderr, result.stderr
    assert yaml.safe_load(target.read_text())["paths"]


def test_every_api_route_is_an_operation_of_the_schema(schema):
    routes = api_v1_routes()

    assert routes, "no route found under /api/v1/"
    assert routes - schema_operations(schema) == set()
    assert schema_operations(schema) - routes == set()


def test_every_operation_has_a_tag_a_summary_and_its_own_id(schema):
    operations = [
        item[method] for item in schema["paths"].values() for method in item if method in HTTP_METHODS
    ]
    known_tags = {tag["name"] for tag in schema["tags"]}

    assert all(len(op["tags"]) == 1 and op["tags"][0] in known_tags for op in operations)
    assert all(op.get("summary") for op in operations)
    assert len({op["operationId"] for op in operations}) == len(operations)


def test_every_error_answer_has_the_shared_error_shape(schema):
    error_answers = [
        response
        for item in schema["paths"].values()
        for method, operation in item.items()
        if method in HTTP_METHODS
        for status, response in operation["responses"].items()
        if status.startswith(("4", "5")) and "content" in response
    ]

    assert error_answers
    assert all(
        answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
        for answer in error_answers
    )
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"code", "message", "details"}


def test_the_bearer_scheme_is_declared_and_required_where_a_login_is(schema):
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token from your profile page, sent as `Authorization: Bearer <token>`.",
    }
    assert schema["paths"]["/api/v1/me/"]["get"]["security"] == [{"bearerAuth": []}, {"cookieAuth": []}]
    assert {} in schema["paths"]["/api/v1/competitions/"]["get"]["security"]  # reading needs no login


def test_downloads_are_binary_and_document_range_requests(schema):
    operation = schema["paths"]["/api/v1/datasets/{slug}/versions/{number}/download/"]["get"]

    assert {"Range", "If-Range"} <= {p["name"] for p in operation["parameters"] if p["in"] == "header"}
    assert operation["responses"]["206"]["content"]["application/zip"]["schema"]["format"] == "binary"
    assert "Content-Range" in operation["responses"]["206"]["headers"]


def test_uploads_are_multipart(schema):
    upload = schema["paths"]["/api/v1/competitions/{slug}/submissions/"]["post"]
    body = upload["requestBody"]["content"]

    assert list(body) == ["multipart/form-data"]
    assert (
        schema["components"]["schemas"]["SubmissionCreateRequest"]["properties"]["file"]["format"] == "binary"
    )
    assert {"202", "413", "429"} <= set(upload["responses"])


@pytest.mark.parametrize("page", DOCS_PAGES)
def test_a_docs_page_loads_only_assets_of_this_site(client, page):
    response = client.get(page)

    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"https?://|[\"'(]//", html), "the page names another host"
    assets = local_assets(html)
    assert assets
    own = ("/static/drf_spectacular_sidecar/", "/static/podium/", f"{page}?")  # ?script: its setup script
    assert all(url.startswith(own) for url in assets), assets
    assert any(url.startswith(f"{page}?") and "script" in url for url in assets)


@pytest.mark.parametrize("page", DOCS_PAGES)
def test_the_assets_of_a_docs_page_are_served_by_the_site(client, page):
    assets = local_assets(client.get(page).content.decode())

    for url in assets:
        response = client.get(url)
        assert response.status_code == 200, url
        assert int(response["Content-Length"]) > 0, url


def test_the_docs_assets_come_from_the_installed_sidecar(client):
    import drf_spectacular_sidecar

    bundle = Path(drf_spectacular_sidecar.__file__).parent / "static/drf_spectacular_sidecar/swagger-ui-dist"
    served = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")

    assert served.status_code == 200
    assert int(served["Content-Length"]) == (bundle / "swagger-ui-bundle.js").stat().st_size


# --- Hand-built answers keep the shape the schema documents --------------------------------------------


@pytest.fixture
def alice(api_for, competition, participant):
    joined(competition, participant)
    return api_for(participant)


def test_the_account_answers_match_the_schema(schema, api_for, participant, client):
    assert_answer_matches_schema(schema, api_for(participant).get("/api/v1/me/"), "/api/v1/me/")
    client.force_login(participant)
    created = client.post("/api/v1/me/tokens/", {"name": "laptop"}, content_type="application/json")
    assert_answer_matches_schema(schema, created, "/api/v1/me/tokens/", "post")


def test_the_competition_answers_match_the_schema(schema, alice, competition):
    for path in (
        "/api/v1/competitions/",
        "/api/v1/competitions/animals/",
        "/api/v1/competitions/animals/files/",
    ):
        assert_answer_matches_schema(schema, alice.get(path), path.replace("animals", "{slug}"))


def test_the_submission_answers_match_the_schema(
    schema, alice, competition, django_capture_on_commit_callbacks
):
    upload = io.BytesIO(predictions().encode())
    upload.name = "predictions.csv"
    with django_capture_on_commit_callbacks(execute=False):
        accepted = alice.post(
            "/api/v1/competitions/animals/submissions/", {"file": upload}, format="multipart"
        )
    submission_id = accepted.json()["id"]

    assert_answer_matches_schema(schema, accepted, "/api/v1/competitions/{slug}/submissions/", "post")
    for path, template in (
        ("/api/v1/competitions/animals/submissions/", "/api/v1/competitions/{slug}/submissions/"),
        ("/api/v1/competitions/animals/quota/", "/api/v1/competitions/{slug}/quota/"),
        (f"/api/v1/submissions/{submission_id}/", "/api/v1/submissions/{submission_id}/"),
    ):
        assert_answer_matches_schema(schema, alice.get(path), template)


def test_the_submission_actions_answer_the_submission_as_the_schema_says(
    schema, alice, competition, participant
):
    team = competition.teams.get(memberships__user=participant)
    scored = make_submission(team, public_score=0.7)
    queued = make_submission(team, status="queued")

    selected = alice.post(f"/api/v1/submissions/{scored.pk}/select/", {"selected": True}, format="json")
    cancelled = alice.post(f"/api/v1/submissions/{queued.pk}/cancel/")
    deleted = alice.delete(f"/api/v1/submissions/{scored.pk}/")

    assert selected.json()["is_final"] is True
    assert cancelled.json()["status"] == "cancelled"
    assert deleted.json()["deleted_at"] is not None
    for answer, path, method in (
        (selected, "/api/v1/submissions/{submission_id}/select/", "post"),
        (cancelled, "/api/v1/submissions/{submission_id}/cancel/", "post"),
        (deleted, "/api/v1/submissions/{submission_id}/", "delete"),
    ):
        assert_answer_matches_schema(schema, answer, path, method)


def test_the_leaderboard_answer_matches_the_schema(schema, alice, competition, participant):
    team = competition.teams.get(memberships__user=participant)
    make_submission(team, public_score=0.8)
    recompute_public_entry(team)
    response = alice.get("/api/v1/competitions/animals/leaderboard/")

    assert_answer_matches_schema(schema, response, "/api/v1/competitions/{slug}/leaderboard/")


def test_the_team_answers_match_the_schema(schema, alice, api_for, competition, other_participant):
    joined(competition, other_participant)
    invited = alice.post("/api/v1/competitions/animals/team/invitations/", {"username": "bob"}, format="json")

    assert_answer_matches_schema(schema, invited, "/api/v1/competitions/{slug}/team/invitations/", "post")
    team = alice.get("/api/v1/competitions/animals/team/")
    assert_answer_matches_schema(schema, team, "/api/v1/competitions/{slug}/team/")
    accepted = api_for(other_participant).post(
        f"/api/v1/competitions/animals/invitations/{invited.json()['id']}/accept/"
    )
    assert_answer_matches_schema(
        schema, accepted, "/api/v1/competitions/{slug}/invitations/{invitation_id}/accept/", "post"
    )


def test_the_host_answers_match_the_schema(schema, api_for, host, competition, participant):
    joined(competition, participant)
    team = competition.teams.get(memberships__user=participant)
    as_host = api_for(host)

    disqualified = as_host.post(
        f"/api/v1/competitions/animals/teams/{team.pk}/disqualify/",
        {"reason": "Shared accounts."},
        format="json",
    )

    assert_answer_matches_schema(
        schema, disqualified, "/api/v1/competitions/{slug}/teams/{team_id}/disqualify/", "post"
    )


def test_error_answers_match_the_schema(schema, api_for, alice, competition):
    assert_answer_matches_schema(schema, api_for().get("/api/v1/me/"), "/api/v1/me/")
    assert_answer_matches_schema(
        schema, alice.get("/api/v1/competitions/nothing-here/"), "/api/v1/competitions/{slug}/"
    )
    assert_answer_matches_schema(
        schema, alice.get("/api/v1/competitions/?ordering=sideways"), "/api/v1/competitions/"
    )


# --- What the schema says a request may be is what the views accept (schemathesis found these) ----------


def query_parameter(schema: dict, path: str, name: str) -> dict:
    return next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name)


@pytest.mark.parametrize(
    ("path", "operation"), [("/api/v1/datasets/", "post"), ("/api/v1/datasets/{slug}/versions/", "post")]
)
def test_a_new_dataset_or_version_needs_at_least_one_file_as_the_schema_says(schema, path, operation):
    body = schema["paths"][path][operation]["requestBody"]["content"]["multipart/form-data"]["schema"]
    component = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]

    assert "files" in component["required"]
    assert component["properties"]["files"]["minItems"] == 1


def test_a_comment_edit_documents_its_body_as_required(schema):
    edit = schema["paths"]["/api/v1/comments/{comment_id}/"]["patch"]["requestBody"]
    component = schema["components"]["schemas"][
        edit["content"]["application/json"]["schema"]["$ref"].rsplit("/")[-1]
    ]

    assert edit["required"] is True
    assert component["required"] == ["body"]


def test_a_comment_edit_without_a_body_is_refused_by_name(api_for, competition):
    from tests.community.conftest import discussion_url, old_account

    carol = api_for(old_account("carol"))
    posted = carol.post(discussion_url("competition", "animals"), {"body": "Hi"}, format="json").json()

    answer = carol.patch(f"/api/v1/comments/{posted['id']}/", {}, format="json")

    assert answer.status_code == 400
    assert answer.json()["details"]["fields"] == {"body": ["This field is required."]}


@pytest.mark.parametrize(
    ("path", "default"),
    [
        ("/api/v1/competitions/", "default"),
        ("/api/v1/datasets/", "newest"),
        ("/api/v1/competitions/{slug}/writeups/", "score"),
    ],
)
def test_every_ordering_documents_that_empty_means_the_default(schema, path, default):
    ordering = query_parameter(schema, path, "ordering")["schema"]

    assert "" in ordering["enum"]
    assert ordering["default"] == default


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/competitions/?ordering=",
        "/api/v1/datasets/?ordering=",
        "/api/v1/competitions/animals/writeups/?ordering=",
    ],
)
def test_an_empty_ordering_lists_in_the_default_order(api_for, competition, url):
    assert api_for(None).get(url).status_code == 200


@pytest.mark.parametrize(
    ("url", "orderings"),
    [
        ("/api/v1/competitions/", "default, newest, ending, teams, title, prize"),
        ("/api/v1/datasets/", "newest, votes, rating, title"),
        ("/api/v1/competitions/animals/writeups/", "score, votes"),
    ],
)
def test_an_unknown_ordering_is_refused_naming_the_orderings(api_for, competition, url, orderings):
    answer = api_for(None).get(url + "?ordering=sideways")

    assert answer.status_code == 400
    assert answer.json()["details"]["fields"]["ordering"] == [
        f'"sideways" is not an ordering; use one of: {orderings}.'
    ]


def test_the_unread_filter_is_a_boolean_in_the_schema_and_in_the_view(schema, api_for, participant):
    assert query_parameter(schema, "/api/v1/me/notifications/", "unread")["schema"]["type"] == "boolean"

    refused = api_for(participant).get("/api/v1/me/notifications/?unread=null")

    assert refused.status_code == 400
    assert "unread" in refused.json()["details"]["fields"]
    assert api_for(participant).get("/api/v1/me/notifications/?unread=false").status_code == 200


def test_metric_parameters_are_documented_as_an_object_of_plain_values(schema):
    for component in ("CompetitionCreateRequest", "NewRescoreRequest"):
        params = schema["components"]["schemas"][component]["properties"]["metric_params"]
        assert params["type"] == "object"
        assert params["additionalProperties"] == {
            "anyOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]
        }


def test_a_stored_file_may_come_in_any_type_its_name_says(schema):
    for path in (
        "/api/v1/datasets/{slug}/versions/{number}/files/{name}",
        "/api/v1/competitions/{slug}/files/{name}",
        "/api/v1/submissions/{submission_id}/file/",
    ):
        assert list(schema["paths"][path]["get"]["responses"]["200"]["content"]) == ["*/*"], path


def test_paging_parameters_are_whole_numbers_and_every_paged_list_documents_the_400(schema):
    paged = [
        operation
        for item in schema["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and any(p["name"] == "limit" for p in operation.get("parameters", []))
    ]

    assert len(paged) >= 7
    for operation in paged:
        limit, offset = (
            next(p for p in operation["parameters"] if p["name"] == name)["schema"]
            for name in ("limit", "offset")
        )
        assert (limit["minimum"], offset["minimum"]) == (1, 0), operation["operationId"]
        assert "400" in operation["responses"], operation["operationId"]


def test_an_empty_license_is_documented_and_means_the_default(schema):
    assert "minLength" not in schema["components"]["schemas"]["DatasetCreateRequest"]["properties"]["license"]


def test_a_required_true_or_false_left_out_of_a_form_is_refused_not_read_as_false(
    alice, competition, participant
):
    team = competition.teams.get(memberships__user=participant)
    scored = make_submission(team, public_score=0.7, is_final=True)

    answer = alice.post(f"/api/v1/submissions/{scored.pk}/select/", {"other": "x"}, format="multipart")

    assert answer.status_code == 400
    assert answer.json()["details"]["fields"] == {"selected": ["This field is required."]}
    scored.refresh_from_db()
    assert scored.is_final
