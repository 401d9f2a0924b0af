import io
import zipfile
from datetime import timedelta

import pandas as pd
from django.utils import timezone

from competitions.models import Competition, Team, TeamMembership
from datasets.storage import private_storage
from tests.factories import LABEL_SOLUTION, TEST_CSV, joined, make_competition

SOLUTION_WITHOUT_USAGE = "id,y\n" + "".join(f"{i},{i % 2}\n" for i in range(1, 101))


def create_payload(**overrides):
    start = timezone.now()
    payload = {
        "title": "Coin flips",
        "slug": "coin-flips",
        "start_at": start.isoformat(),
        "end_at": (start + timedelta(days=7)).isoformat(),
        "metric": "accuracy",
        "id_column": "id",
        "target_columns": "y",
        "daily_submission_limit": "3",
        "solution": io.BytesIO(SOLUTION_WITHOUT_USAGE.encode()),
        "data_files": [io.BytesIO(TEST_CSV.encode())],
    }
    payload["solution"].name = "solution.csv"
    payload["data_files"][0].name = "test.csv"
    payload.update(overrides)
    return payload


def test_host_creates_a_draft_with_a_seeded_split_and_a_generated_sample(api_for, host):
    response = api_for(host).post("/api/v1/competitions/", create_payload(), format="multipart")

    assert response.status_code == 201, response.json()
    competition = Competition.objects.get(slug="coin-flips")
    assert competition.status == "draft"
    assert (competition.public_rows, competition.private_rows) == (30, 70)
    stored = pd.read_csv(private_storage().open(competition.solution_key), dtype=str)
    assert list(stored.columns) == ["id", "y", "Usage"]
    assert (stored["Usage"] == "Public").sum() == 30
    names = sorted(f.name for f in competition.data_version.files.all())
    assert names == ["sample_submission.csv", "test.csv"]
    sample = competition.data_version.files.get(name="sample_submission.csv")
    from datasets.storage import public_storage

    sample_frame = pd.read_csv(public_storage().open(sample.storage_key), dtype=str)
    assert list(sample_frame.columns) == ["id", "y"]
    assert sorted(sample_frame["id"], key=int) == [str(i) for i in range(1, 101)]


def test_usage_column_fixes_the_split(host):
    competition = make_competition(host=host, solution=LABEL_SOLUTION)

    assert (competition.public_rows, competition.private_rows) == (4, 6)


def test_creation_refuses_a_solution_without_the_target_column(api_for, host):
    response = api_for(host).post(
        "/api/v1/competitions/", create_payload(target_columns="label"), format="multipart"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_solution"
    assert "label" in body["message"]
    assert not Competition.objects.exists()


def test_creation_refuses_an_end_before_the_start(api_for, host):
    start = timezone.now()
    payload = create_payload(end_at=(start - timedelta(days=1)).isoformat(), start_at=start.isoformat())

    response = api_for(host).post("/api/v1/competitions/", payload, format="multipart")

    assert response.status_code == 400
    assert response.json()["message"] == "The end must come after the start."


def test_creation_refuses_an_unknown_metric(api_for, host):
    response = api_for(host).post("/api/v1/competitions/", create_payload(metric="vibes"), format="multipart")

    assert response.status_code == 400
    assert "metric" in response.json()["details"]["fields"]


def test_creation_requires_login(api_for, db):
    response = api_for().post("/api/v1/competitions/", create_payload(), format="multipart")

    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_a_draft_is_invisible_to_participants_until_published(api_for, host, participant):
    make_competition(host=host, publish=False)

    assert api_for(participant).get("/api/v1/competitions/animals/").status_code == 404
    assert api_for(participant).get("/api/v1/competitions/").json()["results"] == []
    assert api_for(host).get("/api/v1/competitions/animals/").status_code == 200

    published = api_for(host).post("/api/v1/competitions/animals/publish/")

    assert published.status_code == 200
    assert api_for(participant).get("/api/v1/competitions/animals/").json()["phase"] == "running"


def test_only_the_host_can_publish(api_for, host, participant):
    competition = make_competition(host=host, publish=False)
    competition.status = (
        Competition.Status.PUBLISHED
    )  # visible, so the refusal is about rights, not existence
    competition.save()

    response = api_for(participant).post("/api/v1/competitions/animals/publish/")

    assert response.status_code == 403
    assert response.json()["message"] == "Only the competition's host or a co-host can publish it."


def test_joining_accepts_the_rules_and_makes_a_team_of_one(api_for, competition, participant):
    response = api_for(participant).post("/api/v1/competitions/animals/join/")

    assert response.status_code == 200
    assert response.json() == {
        "has_joined": True,
        "has_accepted_current_rules": True,
        "may_join": True,
        "hosts_it": False,
        "team": "alice",
        "is_host": False,
        "host_role": None,
        "may_manage": False,
        "is_admitted": True,
    }
    team = Team.objects.get(competition=competition)
    assert list(team.members.values_list("username", flat=True)) == ["alice"]


def test_joining_twice_keeps_one_team(api_for, competition, participant):
    client = api_for(participant)
    client.post("/api/v1/competitions/animals/join/")
    client.post("/api/v1/competitions/animals/join/")

    assert TeamMembership.objects.filter(competition=competition, user=participant).count() == 1


def test_data_download_is_refused_before_joining(api_for, competition, participant):
    response = api_for(participant).get("/api/v1/competitions/animals/files/test.csv")

    assert response.status_code == 403
    assert response.json() == {
        "code": "rules_not_accepted",
        "message": "Join the competition by accepting its rules to download its data.",
        "details": {},
    }


def test_data_download_is_refused_when_logged_out(api_for, competition):
    response = api_for().get("/api/v1/competitions/animals/files/test.csv")

    assert response.status_code == 401
    assert response.json()["message"] == "Log in and join the competition to download its data."


def test_participant_downloads_a_file_and_the_zip_after_joining(api_for, competition, participant):
    joined(competition, participant)
    client = api_for(participant)

    single = client.get("/api/v1/competitions/animals/files/test.csv")
    archive = client.get("/api/v1/competitions/animals/download/")

    assert single.status_code == 200
    assert b"".join(single.streaming_content).decode() == TEST_CSV
    assert single["X-Checksum-SHA256"] == competition.data_version.files.get(name="test.csv").sha256
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert sorted(names) == ["sample_submission.csv", "test.csv", "train.csv"]


def test_the_solution_is_never_among_the_data_files(api_for, competition, participant):
    joined(competition, participant)

    files = api_for(participant).get("/api/v1/competitions/animals/files/").json()

    assert sorted(f["name"] for f in files) == ["sample_submission.csv", "test.csv", "train.csv"]
    for f in files:
        response = api_for(participant).get(f"/api/v1/competitions/animals/files/{f['name']}")
        assert "Usage" not in b"".join(response.streaming_content).decode()


def test_missing_file_gives_a_clear_404(api_for, competition, participant):
    joined(competition, participant)

    response = api_for(participant).get("/api/v1/competitions/animals/files/solution.csv")

    assert response.status_code == 404
    assert response.json()["message"] == "Competition 'animals' has no data file 'solution.csv'."


def test_a_competition_can_reuse_the_files_of_the_hosts_dataset(api_for, host):
    client = api_for(host)
    files = io.BytesIO(b"id,x\n1,2\n")
    files.name = "extra.csv"
    client.post("/api/v1/datasets/", {"title": "Host data", "files": [files]}, format="multipart")

    response = client.post(
        "/api/v1/competitions/", create_payload(source_dataset="host-data"), format="multipart"
    )

    assert response.status_code == 201, response.json()
    competition = Competition.objects.get()
    names = sorted(f.name for f in competition.data_version.files.all())
    assert names == ["extra.csv", "sample_submission.csv", "test.csv"]


def test_a_competition_cannot_take_another_users_dataset(api_for, host, participant):
    files = io.BytesIO(b"id,x\n1,2\n")
    files.name = "theirs.csv"
    api_for(participant).post(
        "/api/v1/datasets/", {"title": "Alice data", "files": [files]}, format="multipart"
    )

    response = api_for(host).post(
        "/api/v1/competitions/", create_payload(source_dataset="alice-data"), format="multipart"
    )

    assert response.status_code == 403
    assert response.json()["message"] == (
        "You can only build a competition from your own datasets or your organisation's."
    )
    assert not Competition.objects.exists()


def test_metric_params_must_be_a_json_object(api_for, host):
    response = api_for(host).post(
        "/api/v1/competitions/", create_payload(metric_params="[1, 2]"), format="multipart"
    )

    assert response.status_code == 400
    assert "metric_params" in response.json()["details"]["fields"]
    assert "JSON object" in response.json()["message"]


def test_a_roc_auc_solution_with_text_labels_asks_for_the_positive_label(api_for, host):
    solution = io.BytesIO(
        ("id,y\n" + "".join(f"{i},{'yes' if i % 2 else 'no'}\n" for i in range(1, 21))).encode()
    )
    solution.name = "solution.csv"

    response = api_for(host).post(
        "/api/v1/competitions/", create_payload(metric="roc_auc", solution=solution), format="multipart"
    )

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["details"]["field"]) == ("invalid_metric_params", "metric_params")
    assert "positive_label" in body["message"]


def test_a_reserved_word_never_becomes_a_slug(host):
    competition = make_competition(host=host, title="New", slug="")

    assert competition.slug != "new"
    assert competition.slug.startswith("new-")


def test_downloads_of_a_competition_without_data_say_so(api_for, competition, participant):
    joined(competition, participant)
    Competition.objects.filter(pk=competition.pk).update(data_version=None)

    response = api_for(participant).get("/api/v1/competitions/animals/download/")

    assert response.status_code == 404
    assert response.json()["message"] == "This competition has no data files yet."


def test_a_leaderboard_offset_past_the_end_gives_an_empty_page(api_for, competition):
    response = api_for().get("/api/v1/competitions/animals/leaderboard/?offset=99999999999999999999999")

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_an_unknown_metric_lists_the_ones_podium_knows(api_for, host):
    response = api_for(host).post("/api/v1/competitions/", create_payload(metric="f2"), format="multipart")

    assert response.status_code == 400
    assert (
        '"f2" is not a metric Podium knows; choose one of: accuracy, average_precision, '
        in response.json()["message"]
    )


def test_unknown_api_paths_answer_json(api_for, db):
    response = api_for().get("/api/v1/nope/")

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "No API endpoint at /api/v1/nope/.",
        "details": {},
    }


def test_unknown_pages_answer_the_sites_own_page(client, db):
    response = client.get("/whatever/")

    assert response.status_code == 404
    assert "There is no page at /whatever/." in response.content.decode()


def test_a_logged_out_visitor_is_sent_to_log_in_before_downloading(client, competition):
    response = client.get("/competitions/animals/data/test.csv")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/competitions/animals/data/test.csv"


def test_the_old_token_keyword_gets_a_hint(competition):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token pod_abc")

    response = client.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["message"] == "Podium tokens go in 'Authorization: Bearer <token>', not 'Token'."


def test_a_test_file_that_carries_the_labels_is_refused(api_for, host):
    leaky = io.BytesIO(SOLUTION_WITHOUT_USAGE.encode())
    leaky.name = "test.csv"

    response = api_for(host).post(
        "/api/v1/competitions/", create_payload(data_files=[leaky]), format="multipart"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "labels_in_public_data"
    assert body["message"].startswith("'test.csv' has the target column for 100 test ids")
    assert not Competition.objects.exists()


def test_a_competition_that_would_already_be_over_is_refused(api_for, host):
    past = timezone.now() - timedelta(days=3)
    payload = create_payload(start_at=past.isoformat(), end_at=(past + timedelta(days=1)).isoformat())

    response = api_for(host).post("/api/v1/competitions/", payload, format="multipart")

    assert response.status_code == 400
    assert response.json()["message"] == "The end is already in the past; choose a future end date."


def test_participants_see_the_metric_parameters_and_the_submission_header(api_for, host, participant):
    solution = io.BytesIO(("id,label\n" + "".join(f"{i},{'abc'[i % 3]}\n" for i in range(1, 31))).encode())
    solution.name = "solution.csv"
    payload = create_payload(
        metric="map_at_k", target_columns="label", solution=solution, metric_params='{"k": "2"}'
    )
    api_for(host).post("/api/v1/competitions/", payload, format="multipart")
    api_for(host).post("/api/v1/competitions/coin-flips/publish/")

    body = api_for(participant).get("/api/v1/competitions/coin-flips/").json()

    assert body["metric_params"] == {"k": "2"}
    assert body["submission_columns"] == ["id", "label"]
    assert body["metric"]["key"] == "map_at_k"
