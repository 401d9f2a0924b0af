"""A file name that would leave the project ("../", an absolute path, a folder, NUL) is refused by name on the
API, although Django's parser would quietly keep only its base name; nothing is created. A page's upload
goes through Django's parser (the CSRF check reads the form first), which stores the base name, inside the
project."""

import pytest

from projects.models import Project, ProjectFile
from projects.services import NewFile, create_project
from tests.projects.conftest import named

pytestmark = pytest.mark.django_db

BOUNDARY = "podium-test-boundary"


def multipart(fields: dict[str, str], file_name: str, content: bytes = b"print(1)\n") -> bytes:
    """A multipart body written by hand: Django's test client would send only the file's base name."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="{file_name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def post(api, url: str, fields: dict, file_name: str):
    return api.generic(
        "POST", url, multipart(fields, file_name), content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )


@pytest.mark.parametrize(
    "file_name", ["../escape.py", "/etc/passwd", "sub/dir.py", "..\\up.py", "a\x00b.py", ".."]
)
def test_the_api_refuses_a_name_that_leaves_the_project(api_for, participant, file_name):
    response = post(api_for(participant), "/api/v1/projects/", {"title": "Sneaky"}, file_name)

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "bad_file_name"
    assert response.json()["details"] == {"field": "files"}
    assert (
        "a project's files are plain names, without folders, '..' or NUL characters"
        in (response.json()["message"])
    )
    assert not Project.objects.exists()


def test_a_new_version_with_such_a_name_is_refused_and_the_project_keeps_its_version(api_for, participant):
    create_project(owner=participant, title="Base", files=[NewFile("a.py", named("a.py", "1"))])

    response = post(api_for(participant), "/api/v1/projects/base/versions/", {"notes": "x"}, "../../a.py")

    assert response.status_code == 400
    assert response.json()["code"] == "bad_file_name"
    assert Project.objects.get().versions.count() == 1


def test_a_plain_name_passes_the_same_parser(api_for, participant):
    response = post(api_for(participant), "/api/v1/projects/", {"title": "Plain"}, "train.py")

    assert response.status_code == 201, response.json()
    assert ProjectFile.objects.get().name == "train.py"


def test_a_page_upload_keeps_only_the_base_name_inside_the_project(client, participant):
    client.force_login(participant)
    fields = {"title": "Sneaky", "license": "MIT", "visibility": "public"}

    response = post(client, "/projects/new/", fields, "../../escape.py")

    assert response.status_code == 302
    stored = ProjectFile.objects.get()
    assert stored.name == "escape.py"
    assert stored.storage_key.startswith("projects/sneaky/")
