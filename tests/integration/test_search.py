"""Site search on a live Podium, on the embedded defaults (SQLite: a case-insensitive match) and on
PostgreSQL (full-text search ranked by SearchRank): the same answers about what each reader may see. The
seeded `wine-class` is private and admits the demo participant only."""

import json

import pytest
import requests

pytestmark = pytest.mark.integration

PAPER = {
    "paper_url": "https://paperswithcode.com/paper/telling-wine-cultivars-apart",
    "arxiv_id": "2101.00001",
    "title": "Telling wine cultivars apart",
    "abstract": "Thirteen chemical measurements are enough.",
    "url_abs": "https://arxiv.org/abs/2101.00001",
    "url_pdf": "",
    "proceeding": None,
    "authors": ["A. Vintner"],
    "tasks": [],
    "date": "2021-01-01",
    "methods": [],
}


def titles(answer: requests.Response, kind: str) -> list[str]:
    assert answer.status_code == 200, answer.text
    return next(group for group in answer.json()["groups"] if group["kind"] == kind)["hits"]


def test_search_finds_the_paper_and_shows_the_private_competition_only_to_the_admitted(stack, tmp_path):
    papers = tmp_path / "papers-with-abstracts.json"
    papers.write_text(json.dumps([PAPER]))
    stack.manage("import_papers", str(papers), "--kind", "papers")
    query = {"q": "wine cultivars"}

    anonymous = requests.get(f"{stack.url}/api/v1/search/", params=query, timeout=30)
    assert [hit["title"] for hit in titles(anonymous, "papers")] == ["Telling wine cultivars apart"]
    # The demo's public code competition on the same wine data is found by everyone; the private class
    # exercise only by those admitted to it.
    public = ["/competitions/wine-code/"]
    assert [hit["url"] for hit in titles(anonymous, "competitions")] == public
    outsider = stack.add_users("outsider")["outsider"]
    assert [
        hit["url"] for hit in titles(outsider.get("/api/v1/search/", params=query), "competitions")
    ] == public
    admitted = stack.client("demo").get("/api/v1/search/", params=query)
    assert sorted(hit["url"] for hit in titles(admitted, "competitions")) == [
        "/competitions/wine-class/",
        *public,
    ]

    empty = requests.get(f"{stack.url}/api/v1/search/", params={"q": ""}, timeout=30)
    assert (empty.status_code, empty.json()["code"]) == (400, "search_empty")
