"""The check the upload form asks for before sending a file: the upload's and scoring's refusals, in their
words, from the file's name, size and first bytes."""

import io
from pathlib import Path

import pytest

from scoring.services import score_submission
from submissions.models import Submission
from submissions.services import HEAD_BYTES
from tests.factories import joined, predictions
from tests.submissions.test_api import submit

BINARY = b"PK\x03\x04\x00\x00binary"
SEMICOLONS = predictions().replace(",", ";")
TABS = predictions().replace(",", "\t")
WRONG_HEADER = predictions().replace("id,label", "id,prediction")


def check(client, data: bytes, name: str = "predictions.csv", size: int | None = None, slug: str = "animals"):
    head = io.BytesIO(data[:HEAD_BYTES])
    head.name = name
    return client.post(
        f"/api/v1/competitions/{slug}/submissions/check/",
        {"head": head, "size": len(data) if size is None else size},
        format="multipart",
    )


@pytest.fixture
def alice(api_for, competition, participant):
    joined(competition, participant)
    return api_for(participant)


def test_a_good_file_passes(alice):
    response = check(alice, predictions().encode())

    assert response.status_code == 200
    assert response.json() == {"ok": True}


def test_a_binary_file_gets_the_uploads_refusal(alice):
    checked = check(alice, BINARY, name="model.csv")
    uploaded = submit(alice, text=BINARY.decode("latin-1"), name="model.csv")

    assert checked.status_code == uploaded.status_code == 400
    assert checked.json()["message"] == "'model.csv' is a binary file, not a CSV text file."
    assert checked.json() == uploaded.json()


@pytest.mark.parametrize(
    ("text", "words"),
    [(SEMICOLONS, "semicolons"), (TABS, "tabs"), (WRONG_HEADER, "")],
    ids=["semicolons", "tabs", "wrong-header"],
)
def test_a_wrong_header_gets_the_message_scoring_gives(alice, text, words):
    checked = check(alice, text.encode())
    submit(alice, text=text)
    score_submission(Submission.objects.get().pk)

    failed = Submission.objects.get()
    assert checked.status_code == 400
    assert failed.status == Submission.Status.FAILED
    assert checked.json()["message"] == failed.error_message
    assert checked.json()["code"] == failed.error_code
    if words:
        assert f"Its header looks separated by {words}" in failed.error_message


def test_a_file_over_the_limit_is_refused_from_its_declared_size(alice, settings):
    settings.PODIUM_MAX_UPLOAD_MB = 1

    response = check(alice, predictions().encode(), size=3 * 2**20)

    assert response.status_code == 400
    assert response.json()["message"] == "'predictions.csv' is 3.0 MB; the limit is 1 MB."


def test_a_long_file_is_judged_on_its_whole_first_lines(alice):
    text = "id,label\n" + "".join(f"{i},{'cat' * 40}\n" for i in range(1, 2000))
    assert len(text) > HEAD_BYTES

    response = check(alice, text.encode())

    assert response.status_code == 200


def test_the_check_is_refused_before_joining(api_for, competition, participant):
    response = check(api_for(participant), predictions().encode())

    assert response.status_code == 403
    assert response.json()["message"] == "Join the competition by accepting its rules to submit."


def test_the_check_needs_a_file_part(alice):
    response = alice.post("/api/v1/competitions/animals/submissions/check/", {"size": 3}, format="multipart")

    assert response.status_code == 400
    assert response.json()["details"]["fields"]["head"] == ["No file was submitted."]


def test_the_upload_script_holds_none_of_the_servers_messages():
    script = (Path(__file__).resolve().parents[2] / "static" / "podium" / "submit.js").read_text()

    for words in (
        "binary",
        "separated",
        "has no",
        "not a .csv",
        "is empty",
        "the limit",
        "Missing",
        "Expected",
    ):
        assert words not in script
