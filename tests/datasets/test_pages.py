"""The dataset pages: a searchable, ordered, paginated list, and a detail page with the description, licence,
versions, files with their columns, previews, downloads and the Croissant metadata."""

import io

import pytest

from datasets.models import Dataset
from datasets.services import NewFile, add_version, create_dataset
from tests.factories import PASSWORD, UserFactory


def logged_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def csv_file(name="data.csv", text="id,x\n1,2\n"):
    return NewFile(name, io.BytesIO(text.encode()))


def dataset(owner, title, description="", **fields):
    return create_dataset(owner=owner, title=title, description=description, files=[csv_file()], **fields)


def test_the_list_searches_titles_and_descriptions(client, participant):
    dataset(participant, "Weather stations", "Hourly readings.")
    dataset(participant, "Bird songs", "Recordings of weather-proof birds.")
    dataset(participant, "Traffic counts")

    page = client.get("/datasets/?q=weather").content.decode()

    assert "Weather stations" in page
    assert "Bird songs" in page
    assert "Traffic counts" not in page
    assert "2 datasets match" in page
    assert '<label for="id_q">Search</label>' in page


def test_the_list_orders_by_title_or_newest(client, participant):
    for title in ("Banana", "Apple", "Cherry"):
        dataset(participant, title)

    by_title = client.get("/datasets/?ordering=title").content.decode()
    newest = client.get("/datasets/").content.decode()
    unknown = client.get("/datasets/?ordering=bogus").content.decode()

    assert by_title.index("Apple") < by_title.index("Banana") < by_title.index("Cherry")
    assert newest.index("Cherry") < newest.index("Apple") < newest.index("Banana")
    assert unknown.index("Cherry") < unknown.index("Apple")


def test_the_list_pages_by_24_and_keeps_the_search_in_page_links(client, participant):
    owner_files = [csv_file()]
    created = [
        create_dataset(owner=participant, title=f"Set {n:02}", description="many", files=owner_files)
        for n in range(26)
    ]
    assert len(created) == 26

    first = client.get("/datasets/?q=many&ordering=title").content.decode()
    second = client.get("/datasets/?q=many&ordering=title&page=2").content.decode()

    assert "Set 00" in first
    assert "Set 23" in first
    assert "Set 24" not in first
    assert "Set 24" in second
    assert "Set 25" in second
    assert "Set 00" not in second
    assert 'href="?q=many&amp;ordering=title&amp;page=2"' in first
    assert "Page 2 of 2" in second


def test_the_list_reads_in_a_bounded_number_of_queries(client, participant, django_assert_max_num_queries):
    for n in range(30):
        dataset(UserFactory(username=f"owner{n}"), f"Set {n}")
    logged_in(client, participant)

    with django_assert_max_num_queries(6):
        response = client.get("/datasets/")

    assert response.status_code == 200


def test_private_and_competition_data_stay_off_the_list(client, participant, other_participant, competition):
    dataset(participant, "Secret notes", visibility=Dataset.Visibility.PRIVATE)

    page = logged_in(client, other_participant).get("/datasets/").content.decode()

    assert "Secret notes" not in page
    assert "Animals data" not in page


@pytest.fixture
def pets(participant):
    participant.display_name = "Alice Liddell"
    participant.save()
    first = create_dataset(
        owner=participant,
        title="Pets",
        description="Cats & dogs.\n\n<b>Second</b> paragraph.",
        license="CC0 1.0",
        files=[
            csv_file("pets.csv", "id,kind,weight\n1,cat,4.2\n2,dog,12.5\n"),
            NewFile("notes.txt", io.BytesIO(b"hi")),
        ],
    )
    add_version(
        dataset=first,
        files=[csv_file("pets.csv", "id,kind,weight,age\n1,cat,4.2,3\n2,dog,12.5,7\n3,bird,0.1,1\n")],
        notes="Adds the age column and a bird.",
    )
    return first


def test_the_detail_shows_the_description_as_sanitised_markdown_with_paragraphs(client, pets):
    page = client.get("/datasets/pets/").content.decode()

    assert "<p>Cats &amp; dogs.</p>" in page
    assert "<p><b>Second</b> paragraph.</p>" in page  # an allowed tag, as in comments
    assert (
        '<dd id="licence"><a href="https://spdx.org/licenses/CC0-1.0.html" class="licence" rel="license">'
        "Creative Commons Zero v1.0 Universal (CC0-1.0)</a></dd>"
    ) in page
    assert "<dd>Alice Liddell</dd>" in page


def test_the_detail_shows_the_latest_version_its_files_columns_and_preview(client, participant, pets):
    page = logged_in(client, participant).get("/datasets/pets/").content.decode()

    assert "v2 (latest) of 2" in page
    assert "Adds the age column and a bird." in page
    assert '<td class="num hide-narrow">4</td>' in page  # pets.csv v2 has four columns
    assert '<code>age</code> <span class="muted">integer</span>' in page
    assert "First 3 rows of <code>pets.csv</code>" in page
    assert 'href="/datasets/pets/v2/pets.csv"' in page
    assert 'id="download-all" href="/datasets/pets/v2.zip"' in page
    assert '<label for="version-select">Version</label>' in page


def test_an_older_version_is_one_choice_away(client, participant, pets):
    page = logged_in(client, participant).get("/datasets/pets/?version=1").content.decode()

    assert "v1 of 2" in page
    assert "First 2 rows of <code>pets.csv</code>" in page
    assert "<code>notes.txt</code>" in page
    assert 'href="/datasets/pets/v1/notes.txt"' in page
    assert '<option value="1" selected>' in page
    assert "/api/v1/datasets/pets/croissant/?version=1" in page


def test_the_detail_links_the_croissant_metadata_and_embeds_it(client, pets):
    page = client.get("/datasets/pets/").content.decode()

    assert 'id="croissant"' in page
    assert "http://testserver/api/v1/datasets/pets/croissant/" in page
    assert '<script type="application/ld+json">' in page


def test_visitors_see_the_preview_but_log_in_to_download(client, pets):
    page = client.get("/datasets/pets/").content.decode()

    assert "First 3 rows of <code>pets.csv</code>" in page
    assert 'href="/datasets/pets/v2/pets.csv"' not in page
    assert "to download" in page
