import io
import zipfile

from datasets.models import Dataset
from tests.factories import PASSWORD


def named(name, text):
    stream = io.BytesIO(text.encode())
    stream.name = name
    return stream


def test_a_user_creates_a_dataset_with_files_through_the_api(api_for, participant):
    response = api_for(participant).post(
        "/api/v1/datasets/",
        {
            "title": "Iris measurements",
            "license": "CC0",
            "files": [named("iris.csv", "a,b\n1,2\n"), named("README.txt", "hello")],
        },
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "iris-measurements"
    [version] = body["versions"]
    assert {f["name"]: f["size"] for f in version["files"]} == {"README.txt": 5, "iris.csv": 8}


def test_dataset_files_and_zip_download_for_logged_in_users(api_for, participant, other_participant):
    api_for(participant).post(
        "/api/v1/datasets/", {"title": "Tiny", "files": [named("t.csv", "x\n1\n")]}, format="multipart"
    )
    bob = api_for(other_participant)

    single = bob.get("/api/v1/datasets/tiny/versions/1/files/t.csv")
    archive = bob.get("/api/v1/datasets/tiny/versions/1/download/")
    anonymous = api_for().get("/api/v1/datasets/tiny/versions/1/files/t.csv")

    assert b"".join(single.streaming_content) == b"x\n1\n"
    assert zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).read("t.csv") == b"x\n1\n"
    assert anonymous.status_code == 401
    assert anonymous.json()["message"] == "Log in to download data."


def test_a_private_dataset_is_hidden_from_others(api_for, participant, other_participant):
    api_for(participant).post(
        "/api/v1/datasets/",
        {"title": "Secret", "visibility": "private", "files": [named("s.csv", "x\n")]},
        format="multipart",
    )

    assert api_for(other_participant).get("/api/v1/datasets/secret/").status_code == 404
    assert api_for(participant).get("/api/v1/datasets/secret/").status_code == 200


def test_competition_data_is_not_reachable_as_a_dataset(api_for, competition, participant):
    slug = competition.data_version.dataset.slug

    assert Dataset.objects.get(slug=slug).visibility == "competition"
    assert api_for(participant).get(f"/api/v1/datasets/{slug}/").status_code == 404


def test_a_dataset_without_files_is_refused(api_for, participant):
    response = api_for(participant).post("/api/v1/datasets/", {"title": "Empty"}, format="multipart")

    assert response.status_code == 400
    assert "files" in response.json()["details"]["fields"]


def test_an_unsafe_file_name_is_refused(api_for, participant):
    response = api_for(participant).post(
        "/api/v1/datasets/", {"title": "Bad", "files": [named(".hidden", "x")]}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "bad_file_name"
    assert not Dataset.objects.exists()


def test_the_dataset_form_creates_a_dataset(client, participant):
    client.login(username="alice", password=PASSWORD)

    response = client.post(
        "/datasets/new/",
        {
            "title": "Form data",
            "license": "CC-BY-4.0",
            "visibility": "public",
            "files": [named("f.csv", "a\n1\n")],
        },
    )

    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
