"""A dataset's owner edits it, publishes a new version and deletes it from its page; nobody else can."""

import io

import pytest

from community.models import Comment, Vote
from community.services import cast_vote, post_comment
from datasets.models import Dataset
from datasets.services import DatasetError, NewFile, add_version, create_dataset, delete_dataset
from datasets.storage import public_storage
from tests.datasets.test_datasets import named
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

DETAILS = {
    "title": "Tides of Brest",
    "subtitle": "Hourly sea level, 1990-2020",
    "description": "# Tides\n\nFrom the **harbour** gauge.",
    "license": "ODbL-1.0",
    "license_url": "",
    "license_name": "",
    "visibility": "public",
}


@pytest.fixture
def tides(participant):
    return create_dataset(
        owner=participant,
        title="Tides",
        files=[
            NewFile("tides.csv", io.BytesIO(b"hour,level\n1,2.5\n")),
            NewFile("README.txt", io.BytesIO(b"Gauge data.")),
        ],
    )


def logged_in(client, username="alice"):
    client.login(username=username, password=PASSWORD)
    return client


def test_the_owner_sees_edit_new_version_and_delete_on_the_page(client, tides):
    page = logged_in(client).get("/datasets/tides/").content.decode()

    assert 'href="/datasets/tides/edit/"' in page
    assert 'href="/datasets/tides/versions/new/"' in page
    assert 'href="/datasets/tides/delete/"' in page


def test_others_and_visitors_see_no_owner_buttons(client, tides, other_participant):
    assert 'id="owner-actions"' not in client.get("/datasets/tides/").content.decode()
    assert 'id="owner-actions"' not in logged_in(client, "bob").get("/datasets/tides/").content.decode()


@pytest.mark.parametrize("path", ["edit/", "versions/new/", "delete/"])
def test_another_user_is_refused_each_owner_page(client, tides, other_participant, path):
    response = logged_in(client, "bob").get(f"/datasets/tides/{path}")

    assert response.status_code == 403
    assert "Only the owner of &#x27;tides&#x27; can" in response.content.decode()


@pytest.mark.parametrize("path", ["edit/", "versions/new/", "delete/"])
def test_a_visitor_is_sent_to_log_in(client, tides, path):
    response = client.get(f"/datasets/tides/{path}")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_another_users_private_dataset_is_not_found(client, tides, other_participant):
    Dataset.objects.filter(pk=tides.pk).update(visibility="private")

    assert logged_in(client, "bob").post("/datasets/tides/delete/").status_code == 404
    assert Dataset.objects.filter(pk=tides.pk).exists()


def test_the_owner_edits_the_details_and_the_page_shows_them(client, tides):
    client = logged_in(client)
    form = client.get("/datasets/tides/edit/").content.decode()
    assert 'value="Tides"' in form

    response = client.post("/datasets/tides/edit/", DETAILS, follow=True)

    page = response.content.decode()
    assert response.redirect_chain == [("/datasets/tides/", 302)]
    assert "The dataset&#x27;s details are saved." in page
    assert '<p class="subtitle" id="subtitle">Hourly sea level, 1990-2020</p>' in page
    assert "<h1>Tides</h1>" in page
    assert "<strong>harbour</strong>" in page
    assert "Open Data Commons Open Database License v1.0 (ODbL-1.0)</a>" in page
    tides.refresh_from_db()
    assert (tides.title, tides.slug, tides.license) == ("Tides of Brest", "tides", "ODbL-1.0")


def test_staff_may_edit_anyones_dataset(client, tides, moderator):
    client.force_login(moderator)

    response = client.post("/datasets/tides/edit/", {**DETAILS, "title": "Tides (checked)"})

    assert response.status_code == 302
    tides.refresh_from_db()
    assert tides.title == "Tides (checked)"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": "  "}, "title", "A dataset needs a title."),
        (
            {"title": "a\x1bb"},
            "title",
            "The title holds a control character (U+001B CONTROL CHARACTER); use plain text on one line.",
        ),
        (
            {"license": "other"},
            "license_url",
            "With the licence 'other', give the address (URL) of the licence's terms.",
        ),
        (
            {"license": "other", "license_url": "not a url"},
            "license_url",
            "'not a url' is not a web address: give the licence's URL, starting with https://.",
        ),
        (
            {"visibility": "competition"},
            "visibility",
            "Select a valid choice. competition is not one of the available choices.",
        ),
    ],
)
def test_a_bad_edit_is_refused_on_its_field(client, tides, change, field, message):
    response = logged_in(client).post("/datasets/tides/edit/", {**DETAILS, **change})

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    tides.refresh_from_db()
    assert tides.title == "Tides"


def test_the_owner_publishes_a_version_keeping_replacing_and_adding_files(client, tides):
    client = logged_in(client)
    form = client.get("/datasets/tides/versions/new/").content.decode()
    assert 'value="tides.csv"' in form
    assert 'value="README.txt"' in form

    response = client.post(
        "/datasets/tides/versions/new/",
        {
            "keep": ["tides.csv", "README.txt"],
            "files": [named("tides.csv", "hour,level\n1,2.5\n2,2.7\n"), named("gauges.csv", "id\n1\n")],
            "notes": "A second hour, and the gauges.",
        },
        follow=True,
    )

    assert "Version 2 is published." in response.content.decode()
    version = tides.versions.get(number=2)
    files = {f.name: f for f in version.files.all()}
    first = {f.name: f for f in tides.versions.get(number=1).files.all()}
    assert sorted(files) == ["README.txt", "gauges.csv", "tides.csv"]
    assert files["README.txt"].storage_key == first["README.txt"].storage_key  # kept: shared, not copied
    assert files["tides.csv"].sha256 != first["tides.csv"].sha256  # replaced by the new upload
    assert version.notes == "A second hour, and the gauges."


def test_unticking_a_file_leaves_it_out_of_the_new_version(client, tides):
    logged_in(client).post("/datasets/tides/versions/new/", {"keep": ["tides.csv"], "notes": "No readme."})

    assert [f.name for f in tides.versions.get(number=2).files.all()] == ["tides.csv"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"keep": ["tides.csv"], "notes": ""}, "notes", "Say what changed in this version."),
        ({"notes": "Nothing"}, "files", "Upload at least one file."),
        (
            {"keep": ["gone.csv"], "notes": "x"},
            "keep",
            "Select a valid choice. gone.csv is not one of the available choices.",
        ),
        (
            {"notes": "x", "files": [named("../x;rm.csv", "a\n")]},
            None,
            "File name 'x;rm.csv' is not allowed: use letters, digits, dots, dashes, underscores and spaces.",
        ),
    ],
)
def test_a_bad_version_is_refused_with_a_clear_message(client, tides, data, field, message):
    response = logged_in(client).post("/datasets/tides/versions/new/", data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors.get(field or "__all__") == [message]
    assert tides.versions.count() == 1


def test_keeping_a_file_the_latest_version_lacks_is_refused_by_the_service(tides):
    with pytest.raises(DatasetError, match=r"The latest version has no file 'gone\.csv' to keep\."):
        add_version(dataset=tides, files=[], keep=["gone.csv"], notes="x")


def test_the_delete_page_says_what_goes_and_asks_to_confirm(client, tides):
    page = logged_in(client).get("/datasets/tides/delete/").content.decode()

    assert "Delete “Tides”?" in page
    assert "This deletes its 1 version and 2 files, its votes and its discussion" in page
    assert Dataset.objects.filter(pk=tides.pk).exists()


def test_the_owner_deletes_a_dataset_with_its_files_votes_and_comments(
    client, tides, other_participant, django_capture_on_commit_callbacks
):
    add_version(dataset=tides, files=[], keep=["tides.csv"], notes="Kept the data only.")
    keys = [f.storage_key for v in tides.versions.all() for f in v.files.all()]
    keys += [v.zip_key for v in tides.versions.all()]
    post_comment(author=other_participant, target=tides, body="Lovely tides.")
    cast_vote(user=other_participant, target=tides)

    with_pages = logged_in(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = with_pages.post("/datasets/tides/delete/", follow=True)

    assert response.redirect_chain == [("/datasets/", 302)]
    assert "The dataset &#x27;Tides&#x27; is deleted." in response.content.decode()
    assert not Dataset.objects.exists()
    assert not Comment.objects.exists()
    assert not Vote.objects.exists()
    assert not [key for key in keys if public_storage().exists(key)]
    assert with_pages.get("/datasets/tides/").status_code == 404


def test_deleting_keeps_stored_files_another_dataset_shares(
    tides, participant, django_capture_on_commit_callbacks
):
    kept = tides.latest_version.files.get(name="tides.csv")
    readme = tides.latest_version.files.get(name="README.txt")
    other = create_dataset(owner=participant, title="Copy", files=[kept])

    with django_capture_on_commit_callbacks(execute=True):
        delete_dataset(dataset=tides)

    assert not public_storage().exists(readme.storage_key)

    assert public_storage().exists(kept.storage_key)
    assert other.latest_version.files.get().storage_key == kept.storage_key


def test_a_competitions_data_cannot_be_deleted(competition):
    data = competition.data_version.dataset

    with pytest.raises(DatasetError, match=r"is the data of a competition, so it cannot be deleted\."):
        delete_dataset(dataset=data)

    assert Dataset.objects.filter(pk=data.pk).exists()


def test_another_user_cannot_delete_by_posting(client, tides, other_participant):
    response = logged_in(client, "bob").post("/datasets/tides/delete/")

    assert response.status_code == 403
    assert Dataset.objects.filter(pk=tides.pk).exists()


def test_a_user_with_no_part_in_it_keeps_their_own_datasets(client, tides):
    mine = create_dataset(
        owner=UserFactory(username="carol"), title="Carol's", files=[NewFile("c.csv", io.BytesIO(b"c\n1\n"))]
    )

    logged_in(client).post("/datasets/tides/delete/")

    assert list(Dataset.objects.all()) == [mine]
