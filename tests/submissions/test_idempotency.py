"""Idempotency-Key on uploads: the same upload sent again gets the first answer back, charged once."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from submissions.models import Submission
from submissions.services import UploadRepeated, create_submission
from tests.factories import joined, make_competition, predictions

KEY = "0b8f6a1e-4c1d-4a57-9a0e-5d2f3c1e7b21"


def upload(client, text=None, *, key=KEY, slug="animals"):
    stream = io.BytesIO((text if text is not None else predictions()).encode())
    stream.name = "predictions.csv"
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(
        f"/api/v1/competitions/{slug}/submissions/",
        {"file": stream, "description": "retried"},
        format="multipart",
        headers=headers,
    )


def stored_submission_files() -> list:
    root = settings.STORAGES["private"]["OPTIONS"]["location"]
    return [path for path in (Path(root) / "submissions").rglob("*") if path.is_file()]


@pytest.fixture
def alice(api_for, competition, participant):
    joined(competition, participant)
    return api_for(participant)


def test_the_same_key_again_answers_the_first_submission_charged_once(alice):
    first = upload(alice)
    again = upload(alice)

    assert first.status_code == again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.json()["remaining_today"] == first.json()["remaining_today"] == 4
    assert Submission.objects.count() == 1
    assert len(stored_submission_files()) == 1


def test_without_a_key_or_with_a_new_key_each_upload_is_a_new_submission(alice):
    upload(alice, key=None)
    upload(alice, key=None)
    upload(alice, key="another-key")

    assert Submission.objects.count() == 3


def test_a_key_sent_again_with_another_file_is_refused_and_nothing_is_stored(alice):
    upload(alice)

    other_file = upload(alice, predictions({1: "dog"}))

    assert other_file.status_code == 422
    assert other_file.json()["code"] == "idempotency_key_reused"
    assert "another file or another competition" in other_file.json()["message"]
    assert Submission.objects.count() == 1
    assert len(stored_submission_files()) == 1


def test_a_key_sent_again_to_another_competition_is_refused(alice, host, participant):
    birds = make_competition(host=host, title="Birds", slug="birds")
    joined(birds, participant)
    upload(alice)

    elsewhere = upload(alice, slug="birds")

    assert elsewhere.status_code == 422
    assert elsewhere.json()["code"] == "idempotency_key_reused"


def test_keys_belong_to_their_user(alice, api_for, competition, other_participant):
    joined(competition, other_participant)
    upload(alice)

    bobs = upload(api_for(other_participant))

    assert bobs.status_code == 202
    assert "Idempotent-Replayed" not in bobs.headers
    assert Submission.objects.count() == 2


def test_a_key_lives_24_hours(alice):
    first = upload(alice).json()["id"]
    Submission.objects.filter(pk=first).update(created_at=timezone.now() - timedelta(hours=24, minutes=1))

    later = upload(alice)

    assert later.status_code == 202
    assert later.json()["id"] != first
    assert Submission.objects.get(pk=first).idempotency_key == ""


def test_a_replay_after_the_deadline_still_answers_the_first_submission(alice, competition):
    """The answer to an upload made in time was lost at the deadline: the retry must not say "ended"."""
    first = upload(alice).json()["id"]
    competition.end_at = timezone.now() - timedelta(minutes=1)
    competition.save(update_fields=["end_at"])

    again = upload(alice)

    assert again.status_code == 202
    assert again.json()["id"] == first
    assert not again.json()["is_late"]


@pytest.mark.parametrize("bad_key", ["", "has space", "x" * 256, "tab\there", "caf\u00e9"])
def test_a_malformed_key_is_refused_with_what_a_key_must_be(alice, bad_key):
    answer = upload(alice, key=bad_key)

    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_idempotency_key"
    assert "1 to 255 printable ASCII characters" in answer.json()["message"]
    assert Submission.objects.count() == 0


def test_the_same_key_committed_first_on_another_connection_is_found_under_the_teams_lock(
    competition, participant
):
    """Two uploads with one key at once: both miss each other before the lock, the second finds the first
    under it, and its stored file is removed."""
    team = joined(competition, participant)
    first, _ = create_submission(
        competition=competition,
        user=participant,
        file_name="a.csv",
        stream=io.BytesIO(predictions().encode()),
        idempotency_key=KEY,
    )

    with pytest.raises(UploadRepeated) as repeated:
        create_submission(
            competition=competition,
            user=participant,
            file_name="a.csv",
            stream=io.BytesIO(predictions().encode()),
            idempotency_key=KEY,
        )

    assert repeated.value.submission == first
    assert list(Submission.objects.filter(team=team)) == [first]
    assert len(stored_submission_files()) == 1
