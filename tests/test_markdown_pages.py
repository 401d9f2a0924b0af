"""What hosts and dataset owners write is Markdown, rendered with the comments' sanitiser: on the overview,
evaluation and rules tabs and a dataset's page; the forms say so and preview it through one endpoint."""

import io

import pytest

from competitions.models import Competition
from datasets.services import NewFile, create_dataset
from tests.factories import UserFactory

WRITTEN = (
    "# Iris\n\nThere are **four** features.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
    "<script>alert(1)</script> [docs](https://example.org)"
)


def assert_rendered(page: str) -> None:
    assert "<h1>Iris</h1>" in page
    assert "<strong>four</strong>" in page
    assert "<table>" in page
    assert "<td>1</td>" in page
    assert '<a href="https://example.org" rel="nofollow ugc noopener">docs</a>' in page
    assert "<script>alert(1)</script>" not in page
    assert "<p>There are <strong>four</strong> features.</p>" in page


@pytest.mark.parametrize(
    ("field", "tab"), [("overview", ""), ("evaluation", "evaluation/"), ("rules", "rules/")]
)
def test_a_competitions_texts_are_rendered_as_sanitised_markdown(client, competition, field, tab):
    Competition.objects.filter(pk=competition.pk).update(**{field: WRITTEN})

    assert_rendered(client.get(f"/competitions/animals/{tab}").content.decode())


def test_a_datasets_description_is_rendered_as_sanitised_markdown(client, host):
    create_dataset(
        owner=host, title="Iris", description=WRITTEN, files=[NewFile("iris.csv", io.BytesIO(b"a,b\n1,2\n"))]
    )

    assert_rendered(client.get("/datasets/iris/").content.decode())


def test_the_dataset_list_shows_a_descriptions_text_without_its_markdown(client, host):
    create_dataset(
        owner=host, title="Iris", description=WRITTEN, files=[NewFile("iris.csv", io.BytesIO(b"a,b\n1,2\n"))]
    )

    page = client.get("/datasets/").content.decode()

    assert "Iris There are four features. a b 1 2 docs" in page
    assert "**four**" not in page
    assert "<script>" not in page


def test_a_long_description_is_cut_on_a_word_with_an_ellipsis():
    from config.rendering import markdown_excerpt_filter

    assert markdown_excerpt_filter("*one* two three four", 12) == "one two…"
    assert markdown_excerpt_filter("one & two", 160) == "one & two"
    assert markdown_excerpt_filter(None) == ""


def test_the_hosts_form_says_markdown_is_accepted_and_offers_a_preview(client, competition, host):
    client.force_login(host)

    page = client.get("/competitions/animals/host/").content.decode()

    for name in ("overview", "evaluation", "rules"):
        assert f'name="{name}"' in page
    assert page.count("data-markdown") >= 3
    assert "Markdown: **bold**" in page
    assert "podium/markdown-preview.js" in page


def test_the_preview_renders_as_the_page_will(api_for, db):
    writer = UserFactory(username="writer")

    answer = api_for(writer).post("/api/v1/markdown/preview/", {"text": WRITTEN}, format="json")

    assert answer.status_code == 200
    assert_rendered(answer.json()["html"])


def test_the_preview_needs_a_login_and_has_a_size_limit(api_for, db):
    writer = UserFactory(username="writer")

    assert api_for(None).post("/api/v1/markdown/preview/", {"text": "x"}, format="json").status_code == 401
    too_long = api_for(writer).post("/api/v1/markdown/preview/", {"text": "x" * 100_001}, format="json")
    assert too_long.status_code == 400
    assert "text" in too_long.json()["details"]["fields"]
