import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_metrics_page_says_what_the_catalogue_says():
    spec = importlib.util.spec_from_file_location("metrics_page", DOCS / "metrics_page.py")
    page = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(page)

    assert (DOCS / "metrics.md").read_text() == page.render(), (
        "docs/metrics.md is out of date: run .venv/bin/python docs/metrics_page.py > docs/metrics.md"
    )
