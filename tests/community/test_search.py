"""Site search from the top bar: papers, competitions, datasets and tasks, grouped by kind, only what the reader
may see. This file runs on the test database (SQLite: the icontains fallback); tests/integration/test_search.py
runs the same questions on PostgreSQL's full-text search."""

import pytest

from community.papers import create_paper
from community.search import SOURCES, SearchHit, SearchSource, register_source
from competitions import admission
from competitions.models import Competition
from competitions.services import update_competition
from datasets.models import Dataset
from tests.factories import UserFactory, make_competition

pytestmark = pytest.mark.django_db
SEARCH = "/api/v1/search/"


def hits(answer) -> dict[str, list[str]]:
    return {group["kind"]: [hit["title"] for hit in group["hits"]] for group in answer.json()["groups"]}


@pytest.fixture
def things(host):
    create_paper(title="Whisker features for animal recognition", arxiv_id="2106.01345")
    public = make_competition(host=host, title="Animals", slug="animals")
    secret = make_competition(host=host, title="Secret animals", slug="secret-animals")
    update_competition(competition=secret, user=host, changes={"visibility": Competition.Visibility.PRIVATE})
    hidden = make_competition(host=host, title="Unlisted animals", slug="unlisted-animals")
    update_competition(competition=hidden, user=host, changes={"visibility": Competition.Visibility.UNLISTED})
    Dataset.objects.create(owner=host, title="Animal photos", slug="animal-photos")
    return {"public": public, "secret": secret, "hidden": hidden}


def test_search_finds_each_kind_grouped_and_hides_private_and_unlisted_competitions(things, api_for):
    answer = api_for(None).get(SEARCH, {"q": "animal"})
    assert answer.status_code == 200
    found = hits(answer)
    assert list(found)[:4] == ["papers", "competitions", "datasets", "tasks"]
    assert found["papers"] == ["Whisker features for animal recognition"]
    assert found["competitions"] == ["Animals"]
    assert found["datasets"] == ["Animal photos"]


def test_an_admitted_user_finds_the_private_competition(things, api_for, host):
    insider = UserFactory(username="insider", email="insider@example.com", confirmed=True)
    admission.add_to_allow_list(competition=things["secret"], user=host, entries=["insider@example.com"])
    assert "Secret animals" in hits(api_for(insider).get(SEARCH, {"q": "animals"}))["competitions"]
    assert "Secret animals" not in hits(api_for(UserFactory()).get(SEARCH, {"q": "animals"}))["competitions"]
    assert "Secret animals" in hits(api_for(host).get(SEARCH, {"q": "animals"}))["competitions"]


def test_an_empty_or_too_long_query_is_refused_by_name(api_for, client):
    empty = api_for(None).get(SEARCH, {"q": "   "})
    assert empty.status_code == 400
    assert (empty.json()["code"], empty.json()["message"]) == ("search_empty", "Type what to search for.")
    long = api_for(None).get(SEARCH, {"q": "x" * 201})
    assert long.status_code == 400
    assert long.json()["code"] == "search_too_long"
    assert long.json()["message"] == "The search is 201 characters long; search with at most 200."
    page = client.get("/search/", {"q": "x" * 201})
    assert page.status_code == 400
    assert "search with at most 200" in page.content.decode()


def test_the_search_page_groups_results_and_the_top_bar_has_the_box(things, client):
    page = client.get("/search/", {"q": "animal"}).content.decode()
    assert 'id="site-search-q"' in page
    assert 'id="search-papers"' in page
    assert "Whisker features for animal recognition" in page
    assert "Secret animals" not in page
    assert "Unlisted animals" not in page


def test_another_app_adds_its_kind_to_search(api_for, monkeypatch):
    monkeypatch.setitem(SOURCES, "projects", SOURCES.get("projects"))  # restored after the test
    register_source(
        SearchSource(
            "projects", "Projects", lambda user, query, limit: [SearchHit("projects", query, "", "/p/")]
        )
    )
    assert hits(api_for(None).get(SEARCH, {"q": "whiskers"}))["projects"] == ["whiskers"]


def test_a_query_with_a_control_character_is_refused_by_name(api_for):
    answer = api_for(None).get(SEARCH, {"q": "cats\x00"})
    assert answer.status_code == 400
    assert answer.json()["message"] == (
        "The search holds a control character (U+0000 CONTROL CHARACTER); use plain text on one line."
    )
