import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_validation_page_says_what_the_engine_says():
    spec = importlib.util.spec_from_file_location("validation_examples", DOCS / "validation_examples.py")
    examples = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(examples)

    assert (DOCS / "validation.md").read_text() == examples.render(), (
        "docs/validation.md is out of date: run .venv/bin/python docs/validation_examples.py > docs/validation.md"
    )
