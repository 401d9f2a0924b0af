"""Behind nginx (PODIUM_ACCEL_REDIRECT_PREFIX set), Django checks the rights and answers with an empty body
naming the file in X-Accel-Redirect, with the headers a streamed download has; nginx sends the bytes."""

import hashlib

import pytest

from datasets.models import DatasetFile
from tests.datasets.test_datasets import named

BODY = "id,value\n" + "".join(f"{i},{i * 7}\n" for i in range(50))
URL = "/api/v1/datasets/numbers/versions/1/files/my%20numbers.csv"


@pytest.fixture
def behind_nginx(settings):
    settings.PODIUM_ACCEL_REDIRECT_PREFIX = "/_podium_files/"


@pytest.fixture
def alice(api_for, participant):
    return api_for(participant)


@pytest.fixture
def numbers(alice):
    response = alice.post(
        "/api/v1/datasets/",
        {"title": "Numbers", "visibility": "private", "files": [named("my numbers.csv", BODY)]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    return DatasetFile.objects.get(name="my numbers.csv")


def test_a_download_names_the_file_for_nginx_with_the_usual_headers(alice, numbers, behind_nginx):
    response = alice.get(URL)

    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == "/_podium_files/public/" + numbers.storage_key.replace(" ", "%20")
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="my numbers.csv"'
    assert response["X-Checksum-SHA256"] == hashlib.sha256(BODY.encode()).hexdigest()
    assert response["ETag"] == f'"{numbers.sha256}"'
    assert response["Accept-Ranges"] == "bytes"


def test_a_range_request_is_left_to_nginx(alice, numbers, behind_nginx):
    response = alice.get(URL, HTTP_RANGE="bytes=10-19")

    assert response.status_code == 200
    assert "Content-Range" not in response
    assert response["X-Accel-Redirect"].endswith("/my%20numbers.csv")


def test_the_version_zip_goes_through_nginx_too(alice, numbers, behind_nginx):
    response = alice.get("/api/v1/datasets/numbers/versions/1/download/")

    assert response["X-Accel-Redirect"].startswith("/_podium_files/public/")
    assert response["Content-Disposition"] == 'attachment; filename="numbers-v1.zip"'


def test_a_refused_download_names_no_file(api_for, other_participant, numbers, behind_nginx):
    response = api_for(other_participant).get(URL)

    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response
    assert response.json()["code"] == "not_found"


def test_without_the_prefix_django_streams_the_file(alice, numbers):
    response = alice.get(URL)

    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == BODY.encode()
