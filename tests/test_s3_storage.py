"""Files on S3 (PODIUM_S3_BUCKET), against a real S3 API (moto's server): the storages config/settings.py
builds from the operator's variables, signed downloads, previews, scoring input and the storage cleanup.

tests/integration/test_across_machines.py runs the whole site on the same kind of server."""

import hashlib
import io

import pytest
import requests

from datasets.models import DatasetFile
from datasets.previews import read_preview
from datasets.storage import private_storage, public_storage, store
from submissions import cleanup
from submissions.cleanup import clean_storage
from submissions.services import create_submission
from tests.datasets.test_datasets import named
from tests.factories import joined, predictions

BODY = "id,value\n" + "".join(f"{i},{i * 7}\n" for i in range(50))


@pytest.fixture
def numbers(api_for, participant, on_s3):
    alice = api_for(participant)
    response = alice.post(
        "/api/v1/datasets/",
        {"title": "Numbers", "visibility": "private", "files": [named("my numbers.csv", BODY)]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    return alice, DatasetFile.objects.get(name="my numbers.csv")


def test_files_land_in_the_bucket_under_the_public_and_private_prefixes(on_s3):
    public = store(public_storage(), "data", "a.csv", io.BytesIO(b"id\n1\n"))
    private = store(private_storage(), "solutions", "s.csv", io.BytesIO(b"id,y\n1,0\n"))

    assert on_s3.keys() == sorted([f"public/{public.key}", f"private/{private.key}"])


def test_a_download_redirects_to_a_short_lived_signature_v4_url_that_answers_with_the_file(numbers):
    """boto3 signs S3 URLs in Signature Version 2 unless told otherwise, which AWS regions opened since 2014
    and buckets made since 2020 refuse: every download from such a bucket failed."""
    alice, _ = numbers

    response = alice.get("/api/v1/datasets/numbers/versions/1/files/my%20numbers.csv")

    assert response.status_code == 302
    location = response["Location"]
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in location
    assert "X-Amz-Expires=300" in location
    fetched = requests.get(location, timeout=10)
    assert fetched.status_code == 200
    assert fetched.content == BODY.encode()
    assert fetched.headers["Content-Disposition"] == 'attachment; filename="my numbers.csv"'


def test_the_signed_url_answers_a_range_request(numbers):
    alice, _ = numbers
    location = alice.get("/api/v1/datasets/numbers/versions/1/files/my%20numbers.csv")["Location"]

    fetched = requests.get(location, headers={"Range": "bytes=9-13"}, timeout=10)

    assert fetched.status_code == 206
    assert fetched.content == BODY.encode()[9:14]


def test_the_version_zip_is_stored_in_the_bucket_and_signed_too(numbers):
    alice, _ = numbers

    location = alice.get("/api/v1/datasets/numbers/versions/1/download/")["Location"]
    fetched = requests.get(location, timeout=10)

    assert fetched.status_code == 200
    assert fetched.content[:2] == b"PK"
    assert hashlib.sha256(fetched.content).hexdigest() == numbers[1].version.zip_sha256


def test_the_preview_reads_the_head_of_the_object(numbers):
    _, dataset_file = numbers

    preview = read_preview(dataset_file)

    assert preview.header == ["id", "value"]
    assert preview.rows[:2] == [["0", "0"], ["1", "7"]]


def test_the_cleanup_removes_an_orphaned_submission_file_from_the_bucket(
    on_s3, competition, participant, monkeypatch
):
    """On S3 a folder is only a prefix of keys and `exists()` of a prefix is false, so the cleanup, which asked
    whether the submissions folder existed, never looked at a single file there."""
    joined(competition, participant)
    kept, _ = create_submission(
        competition=competition,
        user=participant,
        file_name="p.csv",
        stream=io.BytesIO(predictions().encode()),
    )
    orphan = store(
        private_storage(), f"submissions/{competition.pk}/1", "submission.csv", io.BytesIO(b"id\n")
    )
    monkeypatch.setattr(cleanup, "GRACE", -cleanup.GRACE)  # both files count as an hour old

    done = clean_storage()

    assert done.orphaned_files == [orphan.key]
    assert on_s3.keys(f"private/{orphan.key}") == []
    assert on_s3.keys(f"private/{kept.file_key}") == [f"private/{kept.file_key}"]


def test_the_redirect_carries_the_files_sha256(numbers):
    """The store's answer cannot carry Podium's checksum; the redirect does, so a client can verify."""
    alice, dataset_file = numbers

    response = alice.get("/api/v1/datasets/numbers/versions/1/files/my%20numbers.csv")

    assert response["X-Checksum-SHA256"] == dataset_file.sha256 == hashlib.sha256(BODY.encode()).hexdigest()
    assert response["ETag"] == f'"{dataset_file.sha256}"'
