"""The table printer, the progress bar and list paging, on their own (no server)."""

import io

from podium_cli.client import Client
from podium_cli.config import Config
from podium_cli.terminal import Progress, print_table

ROWS = [
    {"slug": "animals", "title": "Animals of the savannah and of the forest", "end": "2026-12-22 15:16 UTC"},
    {"slug": "birds", "title": "Birds", "end": "2027-01-05 09:00 UTC"},
]
COLUMNS = [("slug", "slug"), ("title", "title"), ("end", "deadline")]


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_table_fits_the_terminal_by_shortening_free_text_first(monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    out = io.StringIO()

    print_table(ROWS, COLUMNS, out=out)

    lines = out.getvalue().splitlines()
    assert all(len(line) <= 50 for line in lines)
    assert lines[2].startswith("animals  Animals of")
    assert "…" in lines[2]
    assert lines[2].endswith("2026-12-22 15:16 UTC")  # the date keeps its width


def test_a_wide_terminal_shows_every_cell_whole(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    out = io.StringIO()

    print_table(ROWS, COLUMNS, out=out)

    assert "Animals of the savannah and of the forest" in out.getvalue()
    assert "…" not in out.getvalue()


def test_numbers_align_right(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = io.StringIO()

    print_table([{"rank": "1"}, {"rank": "10"}], [("rank", "rank")], out=out)

    assert out.getvalue().splitlines()[2:] == ["   1", "  10"]


def test_the_progress_bar_is_silent_when_stderr_is_not_a_terminal():
    stream = io.StringIO()
    progress = Progress("train.csv", 100, stream=stream)

    progress.update(50)
    progress.close()

    assert stream.getvalue() == ""


def test_the_progress_bar_draws_on_a_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    stream = Terminal()
    progress = Progress("train.csv", 2048, stream=stream)

    progress.update(2048)
    progress.close()

    last = stream.getvalue().rstrip("\n").split("\r")[-1]
    assert last.startswith("train.csv [")
    assert "100%" in last
    assert "2.0 KB/2.0 KB" in last
    assert len(last) < 80


def test_a_paginated_list_is_followed_by_its_next_query_up_to_the_page_cap():
    pages = {
        "0": {"count": 5, "next": "http://proxy.internal/api/v1/x/?limit=2&offset=2", "results": [1, 2]},
        "2": {"count": 5, "next": "http://proxy.internal/api/v1/x/?limit=2&offset=4", "results": [3, 4]},
        "4": {"count": 5, "next": None, "results": [5]},
    }
    asked = []

    class FakeClient(Client):
        def get_json(self, path, params=None):
            asked.append((path, params))
            return pages[str(params["offset"])]

    client = FakeClient(Config(url="http://podium.example", token="pod_x", username=None, source="test"))

    everything = client.listing("x/", {"search": "a"})
    first_two = client.listing("x/", max_pages=2)

    assert everything.results == [1, 2, 3, 4, 5]
    assert not everything.is_partial
    assert asked[1] == ("x/", {"limit": "2", "offset": "2"})  # our own URL, the server's query
    assert first_two.results == [1, 2, 3, 4]
    assert first_two.count == 5
    assert first_two.is_partial


def test_a_plain_list_is_taken_whole():
    class FakeClient(Client):
        def get_json(self, path, params=None):
            return [{"slug": "a"}]

    listing = FakeClient(Config(url="http://p", token="t", username=None, source="test")).listing("x/")

    assert listing.results == [{"slug": "a"}]
    assert listing.count == 1
