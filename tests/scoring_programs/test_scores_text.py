"""Version 1.5 programs write scores.txt ("key: value" lines) instead of scores.json: read when scores.json
is absent, with the same refusals (no database: the reading is plain)."""

import pytest

from scoring_programs.runs import ScoresRefused, scores_from

COLUMNS = [
    {"key": "accuracy", "label": "Accuracy", "primary": True},
    {"key": "errors", "label": "Errors", "primary": False},
]


def test_scores_txt_gives_each_columns_value():
    files = {"scores.txt": b"accuracy: 0.75\n\nerrors:3\nignored: x\n"}
    assert scores_from(files, COLUMNS) == {"Accuracy": 0.75, "Errors": 3.0}


def test_scores_json_wins_over_scores_txt():
    files = {"scores.json": b'{"accuracy": 1, "errors": 0}', "scores.txt": b"accuracy: 0\nerrors: 9\n"}
    assert scores_from(files, COLUMNS) == {"Accuracy": 1.0, "Errors": 0.0}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"accuracy: 0.5\n", "scores.txt has no key 'errors' (column Errors); it has accuracy."),
        (
            b"accuracy: high\nerrors: 1\n",
            "scores.txt's 'accuracy' (column Accuracy) is 'high', not a finite number.",
        ),
        (
            b"accuracy: nan\nerrors: 1\n",
            "scores.txt's 'accuracy' (column Accuracy) is nan, not a finite number.",
        ),
        (b"accuracy 0.5\n", "scores.txt, line 1: write 'key: value', not 'accuracy 0.5'."),
        (b"\xff\xfe", "scores.txt is not UTF-8 text"),
    ],
)
def test_a_bad_scores_txt_is_refused_naming_the_key(text, message):
    with pytest.raises(ScoresRefused) as refused:
        scores_from({"scores.txt": text}, COLUMNS)
    assert str(refused.value).startswith(message)


def test_neither_file_is_refused_naming_both():
    with pytest.raises(ScoresRefused) as refused:
        scores_from({}, COLUMNS)
    assert str(refused.value) == (
        "The scoring program wrote no scores.json (nor scores.txt) in its output folder (/app/output)."
    )
