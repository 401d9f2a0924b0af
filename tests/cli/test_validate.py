"""podium validate: a prediction file checked on this machine against the competition's format."""

import pytest

from tests.factories import joined, make_competition, predictions

# Ten test ids, Usage fixes the split; the labels are 0 and 1 so log loss can score probabilities.
BINARY_SOLUTION = "id,label,Usage\n" + "".join(
    f"{i},{i % 2},{'Public' if i <= 4 else 'Private'}\n" for i in range(1, 11)
)


@pytest.fixture
def check(podium, member, workdir):
    """check(text) -> the finished `podium validate animals predictions.csv` for a file holding text."""

    def run(text: str):
        (workdir / "predictions.csv").write_text(text)
        return podium("validate", "animals", "predictions.csv")

    return run


def test_a_good_file_is_ok(check, home):
    done = check(predictions())

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == (
        "OK: predictions.csv matches the submission format of animals "
        "(10 rows; the label values are checked when it is scored)"
    )
    assert [p.name.endswith("-sample_submission.csv") for p in (home / ".podium" / "cache").iterdir()] == [
        True
    ]


def test_a_wrong_header_names_the_missing_and_unexpected_columns(check):
    done = check(predictions().replace("id,label", "id,target", 1))

    assert done.returncode == 1
    assert "predictions.csv does not match the submission format of 'animals':" in done.stdout
    assert (
        "The header must have the columns id,label; yours is id,target: missing 1 column: 'label'; "
        "unexpected 1 column: 'target'." in done.stdout
    )


def test_columns_in_another_order_are_accepted_as_the_server_accepts_them(check):
    swapped = "label,id\n" + "".join(f"cat,{i}\n" for i in range(1, 11))
    done = check(swapped)

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("OK:")


def test_a_header_in_another_case_gets_a_hint(check):
    done = check(predictions().replace("id,label", "id,Label", 1))

    assert done.returncode == 1
    assert "(did you mean: 'Label' should be 'label'?)" in done.stdout


def test_a_missing_id_is_named(check):
    done = check(predictions().replace("10,cat\n", ""))

    assert done.returncode == 1
    assert (
        "1 test id of the sample submission is missing: '10'. It needs one row for each of the 10 test ids."
        in done.stdout
    )


def test_a_duplicate_id_is_named_with_its_count(check):
    done = check(predictions() + "1,dog\n")

    assert done.returncode == 1
    assert "1 id appears more than once: '1' (2 times). Each test id must appear exactly once." in done.stdout


def test_an_id_outside_the_test_set_is_named(check):
    done = check(predictions() + "99,dog\n")

    assert done.returncode == 1
    assert "1 id is not in the sample submission: '99'." in done.stdout


def test_an_empty_or_nan_prediction_is_named(check):
    done = check(predictions({3: "NaN", 7: ""}))

    assert done.returncode == 1
    assert "2 empty or NaN predictions, for id '3', '7'. Every test id needs a prediction." in done.stdout


def test_a_file_that_is_not_utf8_is_refused(podium, member, workdir):
    (workdir / "predictions.csv").write_bytes(predictions().encode("utf-16"))

    done = podium("validate", "animals", "predictions.csv")

    assert done.returncode == 1
    assert "predictions.csv is " in done.stdout
    assert "not UTF-8 text" in done.stdout or "binary" in done.stdout


def test_probabilities_must_be_numbers_inside_the_metrics_range(podium_for, host, alice, workdir):
    """Needs the server's submission_format (prediction kind and range)."""
    competition = make_competition(host=host, slug="coins", metric="log_loss", solution=BINARY_SOLUTION)
    joined(competition, alice)
    rows = {i: "0.5" for i in range(1, 11)} | {2: "1.5", 5: "abc"}
    (workdir / "p.csv").write_text("id,label\n" + "".join(f"{i},{v}\n" for i, v in rows.items()))

    done = podium_for(alice)("validate", "coins", "p.csv")

    assert done.returncode == 1
    assert "1 prediction that is not a number, for id '5' ('abc')" in done.stdout
    assert "1 prediction outside [0, 1], for id '2' (1.5)." in done.stdout


def test_before_joining_the_header_is_still_checked_and_the_ids_are_not(podium, competition, workdir):
    (workdir / "predictions.csv").write_text(predictions())

    done = podium("validate", "animals", "predictions.csv")

    assert done.returncode == 0
    assert "Warning: ids not checked: Join the competition by accepting its rules" in done.stderr
    assert "Run: podium competitions join animals" in done.stderr
    assert done.stdout.startswith("OK: predictions.csv matches")


def test_before_joining_too_many_rows_name_the_test_ids_and_the_join(podium, competition, workdir):
    (workdir / "predictions.csv").write_text(predictions() + "11,cat\n")

    done = podium("validate", "animals", "predictions.csv")

    assert done.returncode == 1
    assert (
        "predictions.csv has 11 rows; the competition has 10 test ids. "
        "Run `podium competitions join animals` to check its ids." in done.stdout
    )


def test_probabilities_are_ok_without_the_label_note(podium_for, host, alice, workdir):
    competition = make_competition(host=host, slug="coins", metric="log_loss", solution=BINARY_SOLUTION)
    joined(competition, alice)
    (workdir / "p.csv").write_text("id,label\n" + "".join(f"{i},0.5\n" for i in range(1, 11)))

    done = podium_for(alice)("validate", "coins", "p.csv")

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "OK: p.csv matches the submission format of coins (10 rows)"


def test_a_file_over_the_size_limit_stops_at_the_size(check, settings):
    settings.PODIUM_MAX_UPLOAD_MB = 1  # read by the live server, which runs in this process
    too_big = "id,target\n" + "1,cat\n" * 200_000  # 1.1 MB, with a wrong header too

    done = check(too_big)

    assert done.returncode == 1
    problems = [line for line in done.stdout.splitlines() if line.startswith("  - ")]
    assert problems == ["  - predictions.csv is 1.1 MB; the limit is 1 MB."]
