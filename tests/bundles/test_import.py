"""Importing makes a draft competition, keeps the programs and data privately, and says the same thing on the
page and through the API. The request only queues the import; each test runs it as the worker would
(bundles.importing.run_import, the task's service, called as a plain function), then reads the outcome."""

import pathlib
import zipfile

import pytest
from django.urls import reverse

from bundles.importing import run_import
from bundles.models import BundleImport
from competitions.models import Competition
from competitions.services import publish_competition
from config.errors import DomainError
from datasets.storage import private_storage, public_storage
from tests.bundles.builders import (
    RESULT_FILES,
    code_with_ingestion,
    result_only,
    several_tasks_two_phases,
    zipped,
)
from tests.conftest import api_client_for
from tests.images import png

pytestmark = pytest.mark.django_db


def post_bundle(host, upload, **fields):
    return api_client_for(host).post(reverse("api-bundles"), {"bundle": upload, **fields}, format="multipart")


def import_through_api(host, upload, **fields):
    """Post the bundle (202, queued), run its import as the worker does, and read the outcome."""
    posted = post_bundle(host, upload, **fields)
    assert posted.status_code == 202, posted.json()
    run_import(posted.json()["id"])
    return api_client_for(host).get(posted["Location"])


def post_page(client, upload, **fields):
    """Post the bundle on the page, run its import as the worker does, and follow to its page."""
    posted = client.post(reverse("bundles:import"), {"bundle": upload, **fields})
    assert posted.status_code == 302, posted.content.decode()
    run_import(BundleImport.objects.latest("pk").pk)
    return client.get(posted.url)


def test_importing_makes_a_draft_with_phases_tracks_and_texts(host, upload):
    spec, files = several_tasks_two_phases()
    answer = import_through_api(host, upload(spec, files))
    assert answer.json()["status"] == "imported", answer.json()
    competition = Competition.objects.get(slug=answer.json()["competition"])
    assert (competition.status, competition.title, competition.host) == ("draft", "Two tasks", host)
    assert competition.rules == "Be fair.\n"
    assert "<script>" not in competition.evaluation
    assert list(competition.phases.values_list("name", "total_submission_limit")) == [
        ("Development", None),
        ("Final", 3),
    ]
    assert list(competition.tracks.values_list("slug", "is_default")) == [
        ("labels", True),
        ("labels-hard", False),
    ]
    assert competition.phase_tracks.count() == 4
    assert competition.start_at == competition.phases.first().start_at


def test_every_program_and_data_file_is_stored_privately(host, upload):
    spec, files = code_with_ingestion()
    answer = import_through_api(host, upload(spec, files))
    imported = BundleImport.objects.get(pk=answer.json()["id"])
    assert set(imported.stored_files) == {
        "ingestion_program",
        "input_data.zip",
        "reference_data.zip",
        "scoring_program.zip",
        "starting_kit",
    }
    with private_storage().open(imported.stored_files["ingestion_program"]["key"]) as stored:
        assert set(zipfile.ZipFile(stored).namelist()) == {"metadata", "ingest.py"}
    with private_storage().open(imported.stored_files["reference_data.zip"]["key"]) as stored:
        assert stored.read() == RESULT_FILES["reference_data.zip"]
    assert imported.plan["pairs"][0]["files"]["ingestion_program"] == "ingestion_program"
    assert answer.json()["stored_files"] == sorted(imported.stored_files)


def test_the_bundles_image_becomes_the_drafts_logo(client, host, upload):
    answer = import_through_api(host, upload(result_only()))
    competition = Competition.objects.get(slug=answer.json()["competition"])
    assert competition.logo_key.endswith(".png")
    client.force_login(host)
    served = client.get(competition.logo_url)
    assert (served.status_code, served.content, served["Content-Type"]) == (200, png(3, 2), "image/png")
    overview = client.get(reverse("competitions:overview", args=[competition.slug])).content.decode()
    assert f'src="{competition.logo_url}" alt="{competition.title}"' in overview


def test_a_bad_image_is_dropped_and_the_rest_is_imported(host, upload):
    answer = import_through_api(
        host, upload(result_only(), {**RESULT_FILES, "logo.png": b"<svg onload=alert(1)>"})
    )
    assert answer.json()["status"] == "imported", answer.json()
    competition = Competition.objects.get(slug=answer.json()["competition"])
    assert competition.logo_key == ""
    assert {
        "status": "dropped",
        "subject": "image",
        "detail": "'logo.png': SVG logos are refused: an SVG file is a document that can carry script. Export it "
        "as PNG or WebP.",
    } in answer.json()["report"]
    assert competition.phase_tracks.count() == 1


def test_the_starting_kit_becomes_the_competitions_data(host, upload):
    answer = import_through_api(host, upload(result_only()))
    competition = Competition.objects.get(slug=answer.json()["competition"])
    assert [f.name for f in competition.data_version.files.all()] == ["starting_kit.zip"]


def test_an_imported_draft_cannot_be_published_before_its_dry_runs_pass(host, upload):
    answer = import_through_api(host, upload(result_only()))
    competition = Competition.objects.get(slug=answer.json()["competition"])
    with pytest.raises(DomainError) as refused:
        publish_competition(competition=competition, user=host)
    assert refused.value.code == "scoring_program_not_checked"
    assert "The scoring program of Development / Labels cannot be published yet" in refused.value.message


def test_checking_only_creates_nothing(host, upload):
    answer = import_through_api(host, upload(result_only()), check_only="true")
    body = answer.json()
    assert (body["status"], body["check_only"], body["competition"]) == ("checked", True, None)
    assert body["summary"]["tracks"] == ["labels"]
    assert body["summary"]["columns"] == ["accuracy", "duration"]
    assert {
        "status": "mapped",
        "subject": "image",
        "detail": "'logo.png', the competition's logo (PNG, 3×2 pixels).",
    } in body["report"]
    assert not public_storage().exists("logos") or not public_storage().listdir("logos")[1]
    assert not Competition.objects.exists()
    assert BundleImport.objects.get().stored_files == {}


def test_page_and_api_give_the_same_problems(client, host, upload):
    spec = result_only()
    spec["phases"][0]["tasks"] = [7]
    body = import_through_api(host, upload(spec)).json()
    assert body["status"] == "failed"
    assert body["error"]["code"] == "invalid_bundle"
    assert (
        body["error"]["message"]
        == "The bundle cannot be imported: competition.yaml: phases[0].tasks[0]: task 7 does not exist."
    )
    assert body["error"]["details"]["errors"] == [
        {
            "file": "competition.yaml",
            "key": "phases[0].tasks[0]",
            "message": "task 7 does not exist.",
            "text": "competition.yaml: phases[0].tasks[0]: task 7 does not exist.",
        }
    ]
    client.force_login(host)
    page = post_page(client, upload(spec))
    assert page.status_code == 200
    assert "competition.yaml: phases[0].tasks[0]: task 7 does not exist." in page.content.decode()
    assert not Competition.objects.exists()


def test_the_page_imports_and_shows_the_report(client, host, upload):
    client.force_login(host)
    page = post_page(client, upload(result_only())).content.decode()
    imported = BundleImport.objects.get()
    assert imported.status == "imported"
    assert "the competition&#x27;s logo (PNG, 3×2 pixels)" in page
    assert "the scoring program is attached, scoring the columns Accuracy, Duration" in page
    assert imported.competition.title in page


def test_the_draft_pages_render_for_its_host(client, host, upload):
    client.force_login(host)
    post_page(client, upload(result_only()))
    competition = Competition.objects.get()
    pages = [f"competitions:{name}" for name in ("overview", "evaluation", "rules", "data", "host", "check")]
    pages += ["leaderboards:leaderboard", "leaderboards:host-dashboard", "submissions:list"]
    for name in pages:
        assert client.get(reverse(name, args=[competition.slug])).status_code == 200, name


def test_another_user_cannot_read_an_import(host, participant, upload):
    imported_id = import_through_api(host, upload(result_only())).json()["id"]
    answer = api_client_for(participant).get(reverse("api-bundle", args=[imported_id]))
    assert answer.status_code == 404
    assert api_client_for(host).get(reverse("api-bundle", args=[imported_id])).json()["report"]


def test_a_refused_import_leaves_no_stored_file(host, upload, settings, monkeypatch):
    """The files are stored before the competition is made; when making it fails (here a refusal injected
    into it), they are removed again, public and private, and so is the upload."""

    def refuse(**_):
        raise DomainError("Refused for the test.", code="refused")

    monkeypatch.setattr("bundles.services.create_unscored_draft", refuse)
    body = import_through_api(host, upload(result_only())).json()
    assert body["status"] == "failed"
    assert body["error"] == {"code": "refused", "message": "Refused for the test.", "details": {"errors": []}}
    for storage in ("private", "public_data"):
        root = pathlib.Path(settings.STORAGES[storage]["OPTIONS"]["location"])
        assert not [path for path in root.rglob("*") if path.is_file()], storage


def test_the_api_needs_a_signed_in_user(upload):
    answer = api_client_for().post(
        reverse("api-bundles"), {"bundle": upload(result_only())}, format="multipart"
    )
    assert answer.status_code == 401


def test_the_api_refuses_a_check_only_that_is_not_true_or_false(host, upload):
    answer = post_bundle(host, upload(result_only()), check_only="yes")
    assert answer.status_code == 400
    assert "check_only" in answer.json()["details"]["fields"]


def test_the_api_refuses_an_upload_without_a_bundle(host):
    answer = api_client_for(host).post(reverse("api-bundles"), {"check_only": "true"}, format="multipart")
    assert answer.status_code == 400
    assert answer.json()["details"]["fields"] == {"bundle": ["No file was submitted."]}


def test_the_draft_reads_through_the_api_and_lists(client, host, upload):
    slug = import_through_api(host, upload(result_only())).json()["competition"]
    detail = api_client_for(host).get(reverse("api-competition", args=[slug]))
    assert detail.status_code == 200
    assert [phase["name"] for phase in detail.json()["phases"]] == ["Development"]
    client.force_login(host)
    assert "Toy accuracy" in client.get(reverse("competitions:list"), {"status": "draft"}).content.decode()


def test_the_import_says_what_to_attach_to_each_phase_and_track(host, upload):
    spec, files = several_tasks_two_phases()
    spec["phases"][1]["execution_time_limit"] = 600
    imported = BundleImport.objects.get(pk=import_through_api(host, upload(spec, files)).json()["id"])
    attachments = imported.plan["attachments"]
    assert [(item["phase"], item["track"]) for item in attachments] == [
        (1, "labels"),
        (1, "labels-hard"),
        (2, "labels-hard"),
    ]
    final = attachments[2]
    assert final["files"]["reference_data"] == imported.stored_files["reference_hard.zip"]
    assert final["solutions"] == [imported.stored_files["solution"]]
    assert final["execution_time_limit"] == 600
    pairs = {(pair.phase.number, pair.track.slug) for pair in imported.competition.phase_tracks.all()}
    assert {(item["phase"], item["track"]) for item in attachments} <= pairs


def test_publishing_an_imported_draft_is_refused_alike_on_the_page_and_the_api(client, host, upload):
    slug = import_through_api(host, upload(result_only())).json()["competition"]
    api_answer = api_client_for(host).post(reverse("api-competition-publish", args=[slug]))
    assert api_answer.status_code == 400
    assert api_answer.json()["code"] == "scoring_program_not_checked"
    client.force_login(host)
    page = client.post(reverse("competitions:publish", args=[slug]))
    assert page.status_code == 400
    assert api_answer.json()["message"].replace("'", "&#x27;") in page.content.decode()
    assert Competition.objects.get(slug=slug).status == "draft"


def test_the_draft_keeps_the_description_and_each_phases_dates_and_limits(host, upload):
    spec, files = several_tasks_two_phases()
    spec["phases"][0]["description"] = "Tune on the public rows."
    spec["phases"][0]["max_submissions_per_day"] = 4
    slug = import_through_api(host, upload(spec, files)).json()["competition"]
    competition = Competition.objects.get(slug=slug)

    assert competition.subtitle == "Predict the labels of two rows."
    phases = list(competition.phases.order_by("number"))
    for phase, given in zip(phases, spec["phases"], strict=True):
        assert phase.start_at.date().isoformat() == given["start"]
        assert phase.end_at.date().isoformat() == given["end"]
    assert phases[0].description == "Tune on the public rows."
    assert (phases[0].daily_submission_limit, phases[1].total_submission_limit) == (4, 3)
    assert competition.end_at == phases[1].end_at


def test_public_data_and_the_starting_kit_are_both_the_competitions_data(host, upload):
    spec = result_only()
    spec["phases"][0]["public_data"] = "public_data.zip"
    files = {**RESULT_FILES, "public_data.zip": zipped({"train.csv": "id,f,label\n1,0.5,0\n"})}
    slug = import_through_api(host, upload(spec, files)).json()["competition"]
    competition = Competition.objects.get(slug=slug)

    data = {f.name: f for f in competition.data_version.files.all()}
    assert sorted(data) == ["public_data.zip", "starting_kit.zip"]
    with public_storage().open(data["public_data.zip"].storage_key) as stored:
        assert zipfile.ZipFile(stored).read("train.csv") == b"id,f,label\n1,0.5,0\n"


def test_markdown_and_html_pages_reach_the_pages_sanitised(client, host, upload):
    spec = result_only()
    files = {
        **RESULT_FILES,
        "pages/overview.md": "# Toy\n\nTwo **rows**.\n\n<script>alert('md')</script><img src=x onerror=alert(2)>\n",
    }
    slug = import_through_api(host, upload(spec, files)).json()["competition"]
    client.force_login(host)

    overview = client.get(reverse("competitions:overview", args=[slug])).content.decode()
    evaluation = client.get(reverse("competitions:evaluation", args=[slug])).content.decode()

    assert "<strong>rows</strong>" in overview
    assert "alert('md')" not in overview
    assert "onerror" not in overview
    assert "<h2>Scoring</h2>" in evaluation
    assert "alert(1)" not in evaluation
