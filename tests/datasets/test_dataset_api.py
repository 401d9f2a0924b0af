"""Dataset listing, versions through the API, and resumable downloads with checksums."""

import base64
import hashlib
import io

import pytest

from tests.datasets.test_datasets import named

BODY = "id,value\n" + "".join(f"{i},{i * 3}\n" for i in range(200))


@pytest.fixture
def alice(api_for, participant):
    return api_for(participant)


@pytest.fixture
def numbers(alice):
    response = alice.post(
        "/api/v1/datasets/",
        {"title": "Numbers", "description": "Counting to 200", "files": [named("numbers.csv", BODY)]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_list_is_paginated_searchable_and_ordered(alice, numbers):
    for title in ("Apples", "Zebras"):
        alice.post(
            "/api/v1/datasets/", {"title": title, "files": [named("a.csv", "x\n1\n")]}, format="multipart"
        )

    newest = alice.get("/api/v1/datasets/?limit=2").json()
    by_title = alice.get("/api/v1/datasets/?ordering=title").json()
    searched = alice.get("/api/v1/datasets/?search=counting").json()

    assert newest["count"] == 3
    assert [row["slug"] for row in newest["results"]] == ["zebras", "apples"]
    assert newest["next"]
    assert [row["slug"] for row in by_title["results"]] == ["apples", "numbers", "zebras"]
    assert [row["slug"] for row in searched["results"]] == ["numbers"]


def test_an_unknown_ordering_is_refused_naming_the_field(alice):
    response = alice.get("/api/v1/datasets/?ordering=votes-ish")
    assert response.status_code == 400
    assert "ordering" in response.json()["details"]["fields"]


def test_the_owner_publishes_a_new_version_with_notes(alice, numbers):
    response = alice.post(
        "/api/v1/datasets/numbers/versions/",
        {"notes": "Fixed row 7.", "files": [named("numbers.csv", "id,value\n7,21\n")]},
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["number"] == 2
    assert response.json()["notes"] == "Fixed row 7."
    versions = alice.get("/api/v1/datasets/numbers/versions/").json()
    assert [v["number"] for v in versions] == [2, 1]
    first = alice.get("/api/v1/datasets/numbers/versions/1/").json()
    assert first["files"][0]["sha256"] == hashlib.sha256(BODY.encode()).hexdigest()
    latest = alice.get("/api/v1/datasets/numbers/versions/2/files/numbers.csv")
    assert body_of(latest) == b"id,value\n7,21\n"


def test_only_the_owner_adds_versions(api_for, other_participant, numbers):
    response = api_for(other_participant).post(
        "/api/v1/datasets/numbers/versions/",
        {"notes": "Mine now", "files": [named("numbers.csv", "x\n")]},
        format="multipart",
    )
    assert response.status_code == 403
    assert response.json()["message"] == "Only the owner of 'numbers' can add versions to it."


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"files": [named("n.csv", "x\n")]}, "notes"), ({"notes": "Nothing attached"}, "files")],
)
def test_a_version_needs_notes_and_files(alice, numbers, payload, field):
    response = alice.post("/api/v1/datasets/numbers/versions/", payload, format="multipart")
    assert response.status_code == 400
    assert field in response.json()["details"]["fields"]


def test_an_unknown_version_is_a_json_404(alice, numbers):
    response = alice.get("/api/v1/datasets/numbers/versions/9/")
    assert response.status_code == 404
    assert response.json()["message"] == "Dataset 'numbers' has no version 9."


URL = "/api/v1/datasets/numbers/versions/1/files/numbers.csv"


def test_a_whole_download_carries_its_size_and_checksums(alice, numbers):
    response = alice.get(URL)
    digest = hashlib.sha256(BODY.encode())

    assert response.status_code == 200
    assert response["Content-Length"] == str(len(BODY))
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Checksum-SHA256"] == digest.hexdigest()
    assert response["Repr-Digest"] == f"sha-256=:{base64.b64encode(digest.digest()).decode()}:"
    assert response["ETag"] == f'"{digest.hexdigest()}"'
    assert body_of(response) == BODY.encode()


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=100-", 100, len(BODY) - 1),
        ("bytes=10-19", 10, 19),
        ("bytes=-25", len(BODY) - 25, len(BODY) - 1),
    ],
)
def test_a_range_request_resumes_a_download(alice, numbers, header, first, last):
    response = alice.get(URL, HTTP_RANGE=header)

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(BODY)}"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["X-Checksum-SHA256"] == hashlib.sha256(BODY.encode()).hexdigest()
    assert response["Content-Disposition"].startswith("attachment")
    assert body_of(response) == BODY.encode()[first : last + 1]


def test_a_range_past_the_end_is_416_with_the_size(alice, numbers):
    response = alice.get(URL, HTTP_RANGE=f"bytes={len(BODY)}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(BODY)}"


def test_a_range_for_another_version_of_the_file_sends_the_whole_file(alice, numbers):
    response = alice.get(URL, HTTP_RANGE="bytes=100-", HTTP_IF_RANGE='"not-this-file"')
    assert response.status_code == 200
    assert body_of(response) == BODY.encode()


def test_a_malformed_range_is_ignored(alice, numbers):
    assert alice.get(URL, HTTP_RANGE="bytes=5-1").status_code == 200
    assert alice.get(URL, HTTP_RANGE="lines=1-2").status_code == 200


def test_the_version_zip_has_a_checksum_and_resumes(alice, numbers):
    whole = alice.get("/api/v1/datasets/numbers/versions/1/download/")
    content = body_of(whole)
    tail = alice.get("/api/v1/datasets/numbers/versions/1/download/", HTTP_RANGE="bytes=30-")

    assert whole["X-Checksum-SHA256"] == hashlib.sha256(content).hexdigest()
    assert whole["Content-Length"] == str(len(content))
    assert body_of(tail) == content[30:]
    assert numbers["versions"][0]["zip_sha256"] == hashlib.sha256(content).hexdigest()


def test_the_site_download_links_resume_too(client, participant, numbers):
    client.force_login(participant)
    response = client.get("/datasets/numbers/v1/numbers.csv", HTTP_RANGE="bytes=0-8")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == io.BytesIO(BODY.encode()).read(9)


def test_lists_never_show_what_the_reader_may_not_see(alice, api_for, other_participant, competition):
    alice.post(
        "/api/v1/datasets/",
        {"title": "Private notes", "visibility": "private", "files": [named("p.csv", "x\n1\n")]},
        format="multipart",
    )

    def listed(client):
        return {row["slug"] for row in client.get("/api/v1/datasets/?limit=100").json()["results"]}

    assert listed(alice) == {"private-notes"}
    assert listed(api_for(other_participant)) == set()  # nor the competition's hidden data dataset
    assert listed(api_for()) == set()
