"""What a code upload is refused for, by the service and the API in the same words, and the host's setup of
a track that takes code. Nothing here runs code (test_ingestion.py does)."""

import io
import zipfile

import pytest

from competitions.phases import pairs_of
from submissions.code import CodeRefused, set_code_inputs
from submissions.models import Submission
from submissions.services import create_submission, scoring_route
from tests.code.conftest import MODE_MODEL, code_zip
from tests.factories import TEST_CSV, predictions


def zip_with_raw_names(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(zipfile.ZipInfo(name), "x = 1\n")
    return buffer.getvalue()


def zip_with_link() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("model.py", "x = 1\n")
        link = zipfile.ZipInfo("secrets")
        link.external_attr = (0o120777 << 16) | 0
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


REFUSALS = [
    ("not_zip", "model.zip", b"this is not a zip", "'model.zip' is not a zip file."),
    ("empty_file", "model.zip", b"", "'model.zip' is empty."),
    (
        "no_entry_point",
        "model.zip",
        code_zip({"helpers.py": "x = 1\n"}),
        "'model.zip' has no model.py, main.py or metadata file at its top level.",
    ),
    (
        "no_entry_point",
        "model.zip",
        code_zip({"model/model.py": MODE_MODEL}),
        "It has model/model.py: zip the folder's contents, not the folder.",
    ),
    (
        "bad_zip",
        "model.zip",
        zip_with_raw_names(["model.py", "../escape.py"]),
        "../escape.py: a path in the archive may not leave its folder.",
    ),
    (
        "bad_zip",
        "model.zip",
        zip_with_raw_names(["model.py", "/etc/cron.d/evil"]),
        "/etc/cron.d/evil: a path in the archive may not leave its folder.",
    ),
    ("bad_zip", "model.zip", zip_with_link(), "secrets: links are refused in an archive."),
]


def upload(competition, user, name: str, content: bytes):
    return create_submission(competition=competition, user=user, file_name=name, stream=io.BytesIO(content))


# Ids of their own: a zip's bytes hold the time it was made, and pytest-xdist's workers must agree on ids.
REFUSAL_IDS = ["not-zip", "empty", "no-entry-point", "folder-zipped", "parent-path", "absolute-path", "link"]


@pytest.mark.parametrize(("code", "name", "content", "message"), REFUSALS, ids=REFUSAL_IDS)
def test_a_bad_code_zip_is_refused_by_the_service_before_it_counts(
    code_competition, coder, code, name, content, message
):
    with pytest.raises(CodeRefused) as refused:
        upload(code_competition, coder, name, content)

    assert refused.value.code == code
    assert message in refused.value.message
    assert not Submission.objects.exists()


# An empty file is refused by the API's form before the service, as an empty CSV is (code invalid).
@pytest.mark.parametrize(
    ("code", "name", "content", "message"),
    [refusal for refusal in REFUSALS if refusal[2]],
    ids=[name for name, refusal in zip(REFUSAL_IDS, REFUSALS, strict=True) if refusal[2]],
)
def test_a_bad_code_zip_is_refused_by_the_api_in_the_same_words(
    code_competition, coder, api_for, code, name, content, message
):
    stream = io.BytesIO(content)
    stream.name = name

    response = api_for(coder).post(
        f"/api/v1/competitions/{code_competition.slug}/submissions/", {"file": stream}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert message in response.json()["message"]


def test_a_zip_over_the_unpacked_limit_is_refused(code_competition, coder, settings):
    settings.PODIUM_SANDBOX_INPUT_MB = 1
    big = code_zip({"model.py": MODE_MODEL, "weights.txt": "0" * (2 * 1024 * 1024)})

    with pytest.raises(CodeRefused) as refused:
        upload(code_competition, coder, "model.zip", big)

    assert refused.value.code == "bad_zip"
    assert "more than the limit of 1048576" in refused.value.message


def test_a_zip_over_the_upload_limit_is_refused(code_competition, coder, settings):
    settings.PODIUM_MAX_UPLOAD_MB = 0

    with pytest.raises(CodeRefused) as refused:
        upload(code_competition, coder, "model.zip", code_zip({"model.py": MODE_MODEL}))

    assert refused.value.code == "file_too_large"


def test_a_prediction_file_is_refused_where_only_code_is_taken(code_competition, coder):
    with pytest.raises(CodeRefused) as refused:
        upload(code_competition, coder, "p.csv", predictions().encode())

    assert refused.value.code == "files_not_accepted"
    assert "Phase 1 / Main track takes code only" in refused.value.message


def test_code_is_refused_where_only_files_are_taken(competition, participant):
    from tests.factories import joined

    joined(competition, participant)

    with pytest.raises(CodeRefused) as refused:
        upload(competition, participant, "model.zip", code_zip({"model.py": MODE_MODEL}))

    assert refused.value.code == "code_not_accepted"
    assert "takes prediction files (.csv), not code" in refused.value.message


def test_a_good_zip_is_stored_as_a_code_submission_routed_to_the_sandbox_workers(code_competition, coder):
    submission, quota = upload(code_competition, coder, "model.zip", code_zip({"model.py": MODE_MODEL}))

    assert submission.kind == Submission.Kind.CODE
    assert submission.file_key.endswith("code.zip")
    assert quota.used == 1
    assert scoring_route(submission.pk)["queue"] == "sandbox"
    Submission.objects.filter(pk=submission.pk).update(predictions_key="stored/predictions.csv")
    assert scoring_route(submission.pk) == {}  # ran already: scoring it again needs no sandbox


def test_a_track_that_takes_both_takes_a_file_and_a_zip(competition, host, participant):
    from tests.factories import joined

    [pair] = pairs_of(competition)
    set_code_inputs(
        competition=competition,
        user=host,
        pair=pair,
        accepts="both",
        hidden_inputs=("test.csv", io.BytesIO(TEST_CSV.encode())),
    )
    joined(competition, participant)

    made = [
        upload(competition, participant, "p.csv", predictions().encode())[0].kind,
        upload(competition, participant, "m.zip", code_zip({"model.py": MODE_MODEL}))[0].kind,
    ]

    assert made == ["file", "code"]


def test_hidden_inputs_holding_the_targets_are_refused(competition, host):
    [pair] = pairs_of(competition)

    with pytest.raises(CodeRefused) as refused:
        set_code_inputs(
            competition=competition,
            user=host,
            pair=pair,
            accepts="code",
            hidden_inputs=("test.csv", io.BytesIO(b"id,feature,label\n1,0.5,cat\n")),
        )

    assert refused.value.code == "inputs_hold_targets"
    assert refused.value.details == {"field": "hidden_inputs"}


def test_taking_code_needs_hidden_inputs(competition, host):
    [pair] = pairs_of(competition)

    with pytest.raises(CodeRefused) as refused:
        set_code_inputs(competition=competition, user=host, pair=pair, accepts="code")

    assert refused.value.code == "hidden_inputs_missing"
    pair.refresh_from_db()
    assert pair.accepts == "files"


def test_the_host_sets_a_track_to_take_code_through_the_api(competition, host, api_for):
    hidden = io.BytesIO(TEST_CSV.encode())
    hidden.name = "test.csv"

    response = api_for(host).put(
        f"/api/v1/competitions/{competition.slug}/phases/1/tracks/main/code/",
        {"accepts": "code", "hidden_inputs": hidden},
        format="multipart",
    )

    assert response.status_code == 200
    assert response.json() == {
        "phase": 1,
        "track": "main",
        "accepts": "code",
        "has_hidden_inputs": True,
        "has_sample_inputs": False,
        "has_ingestion_program": False,
        "rerun": None,
    }


def test_the_api_refuses_code_without_hidden_inputs_naming_the_field(competition, host, api_for):
    response = api_for(host).put(
        f"/api/v1/competitions/{competition.slug}/phases/1/tracks/main/code/",
        {"accepts": "code"},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "hidden_inputs_missing"
    assert response.json()["details"] == {"field": "hidden_inputs"}


def test_a_participant_cannot_set_a_track_to_take_code(competition, participant, api_for):
    response = api_for(participant).put(
        f"/api/v1/competitions/{competition.slug}/phases/1/tracks/main/code/",
        {"accepts": "files"},
        format="multipart",
    )

    assert response.status_code == 403


def test_the_submission_answer_names_its_kind_and_runs(code_competition, coder, api_for):
    submission, _ = upload(code_competition, coder, "model.zip", code_zip({"model.py": MODE_MODEL}))

    body = api_for(coder).get(f"/api/v1/submissions/{submission.pk}/").json()

    assert body["kind"] == "code"
    assert body["code_runs"] == []


@pytest.mark.parametrize(
    ("files", "message"),
    ids=["no-metadata", "no-command", "bad-yaml"],
    argvalues=[
        ({"ingest.py": "x = 1\n"}, "'ingestion.zip' has no metadata.yaml at its top level."),
        ({"metadata.yaml": "description: no command\n"}, "'ingestion.zip': metadata.yaml has no `command`."),
        (
            {"metadata.yaml": "command: [unclosed\n"},
            "'ingestion.zip': metadata.yaml is not valid YAML (line 2",
        ),
    ],
)
def test_a_host_ingestion_program_without_a_command_is_refused(competition, host, files, message):
    [pair] = pairs_of(competition)

    with pytest.raises(CodeRefused) as refused:
        set_code_inputs(
            competition=competition,
            user=host,
            pair=pair,
            accepts="code",
            hidden_inputs=("test.csv", io.BytesIO(TEST_CSV.encode())),
            ingestion_program=("ingestion.zip", io.BytesIO(code_zip(files))),
        )

    assert refused.value.code == "ingestion_program_invalid"
    assert message in refused.value.message
    assert refused.value.details == {"field": "ingestion_program"}


def test_the_pre_upload_check_tells_whether_the_track_takes_a_zip(
    code_competition, coder, competition, api_for
):
    def check(user):
        head = io.BytesIO(b"PK")
        head.name = "model.zip"
        return api_for(user).post(
            f"/api/v1/competitions/{competition.slug}/submissions/check/",
            {"head": head, "size": 2},
            format="multipart",
        )

    assert check(coder).json() == {"ok": True}
    [pair] = pairs_of(type(competition).objects.get(pk=competition.pk))
    type(pair).objects.filter(pk=pair.pk).update(accepts="files")
    refused = check(coder)
    assert refused.status_code == 400
    assert refused.json()["code"] == "code_not_accepted"


def test_the_api_refuses_new_hidden_inputs_on_scored_code_until_the_host_confirms_the_rerun(
    code_competition, coder, host, api_for
):
    submission, _ = create_submission(
        competition=code_competition,
        user=coder,
        file_name="model.zip",
        stream=io.BytesIO(code_zip({"model.py": MODE_MODEL})),
    )
    Submission.objects.filter(pk=submission.pk).update(
        status="scored", public_score=0.25, predictions_key="some/predictions.csv"
    )
    url = f"/api/v1/competitions/{code_competition.slug}/phases/1/tracks/main/code/"

    def put(**fields):
        hidden = io.BytesIO(TEST_CSV.replace("\n1,0.5\n", "\n1,0.75\n").encode())
        hidden.name = "test.csv"
        return api_for(host).put(
            url, {"accepts": "code", "hidden_inputs": hidden, **fields}, format="multipart"
        )

    refused = put()

    assert refused.status_code == 400
    assert refused.json()["code"] == "pair_has_scores"
    assert refused.json()["details"] == {"field": "hidden_inputs"}
    assert "rerun=true" in refused.json()["message"]
    assert Submission.objects.get(pk=submission.pk).status == "scored"

    confirmed = put(rerun="true")
    assert confirmed.status_code == 200
    rerun = confirmed.json()["rerun"]
    assert (rerun["status"], rerun["done"], rerun["total"]) == ("running", 0, 1)
    kept = Submission.objects.get(pk=submission.pk)  # until the rescore switches
    assert (kept.status, kept.predictions_key, kept.public_score) == ("scored", "some/predictions.csv", 0.25)
    assert confirmed.json()["has_hidden_inputs"] is True
    follow = api_for(host).get(f"/api/v1/competitions/{code_competition.slug}/rescore/").json()
    assert (follow["id"], follow["reruns_code"], follow["reason"]) == (rerun["id"], True, "New hidden inputs")

    refused_while_running = put(rerun="true")
    assert refused_while_running.status_code == 400
    assert refused_while_running.json()["code"] == "rescore_running"
