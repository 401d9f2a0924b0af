"""Papers in Chromium: a reader searches from the top bar, finds a paper and a competition in their groups,
and opens the paper's page with its implementations."""

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAPER = {
    "paper_url": "https://paperswithcode.com/paper/handwritten-digits-by-strokes",
    "arxiv_id": "2102.00002",
    "title": "Handwritten digits by their strokes",
    "abstract": "Strokes tell digits apart.",
    "url_abs": "https://arxiv.org/abs/2102.00002",
    "url_pdf": "",
    "proceeding": None,
    "authors": ["S. Troke", "D. Igit"],
    "tasks": [],
    "date": "2021-02-02",
    "methods": [],
}
LINK = {
    "paper_url": PAPER["paper_url"],
    "paper_title": PAPER["title"],
    "paper_arxiv_id": "2102.00002",
    "paper_url_abs": PAPER["url_abs"],
    "paper_url_pdf": "",
    "repo_url": "https://github.com/stroke/digits",
    "is_official": True,
    "mentioned_in_paper": True,
    "mentioned_in_github": True,
    "framework": "pytorch",
}


def test_search_from_the_top_bar_finds_a_paper_and_a_competition_and_opens_the_paper(page, site, tmp_path):
    for kind, rows in (("papers", [PAPER]), ("links", [LINK])):
        path = tmp_path / f"{kind}.json"
        path.write_text(json.dumps(rows))
        site.manage("import_papers", str(path), "--kind", kind)

    page.goto("/")
    box = page.get_by_role("searchbox", name="Search papers, projects, competitions, datasets and tasks")
    box.fill("handwritten digits")
    box.press("Enter")

    papers = page.locator("#search-papers")
    expect(papers.get_by_role("link", name="Handwritten digits by their strokes")).to_be_visible()
    expect(
        page.locator("#search-competitions").get_by_role("link", name="Handwritten digits")
    ).to_be_visible()

    papers.get_by_role("link", name="Handwritten digits by their strokes").click()
    expect(page.get_by_role("heading", name="Handwritten digits by their strokes")).to_be_visible()
    expect(page.locator("#paper-authors")).to_have_text("S. Troke, D. Igit")
    row = page.locator("#implementations tbody tr").first
    expect(row).to_contain_text("https://github.com/stroke/digits")
    expect(row).to_contain_text("pytorch")
    expect(row).to_contain_text("official")
