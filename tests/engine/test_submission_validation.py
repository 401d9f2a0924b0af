"""Every way a participant's file is refused: a stable code, a helpful message, no hidden value."""

import io

import pytest

from scoring.engine import ScoringSpec, SubmissionError, load_solution, score


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def good_regression_rows() -> list[str]:
    return [f"r{i},{i / 10}" for i in range(1, 7)]


def test_empty_file_is_refused(regression_solution, refuse):
    error = refuse(regression_solution, b"", "empty_file")
    assert error.message == "Your file is empty; it needs a header row and data rows."


def test_blank_lines_only_count_as_an_empty_file(regression_solution, refuse):
    refuse(regression_solution, b"\n\n  \n", "empty_file")


def test_file_that_is_not_utf8_is_refused_with_the_line(regression_solution, refuse):
    data = csv("id,target", "r1,0.1", "r2,caf\xe9").replace(b"\xc3\xa9", b"\xe9")
    error = refuse(regression_solution, data, "encoding")
    assert "not UTF-8" in error.message
    assert "line 3" in error.message
    assert "CSV UTF-8" in error.message


def test_header_that_is_not_utf8_is_refused(regression_solution, refuse):
    refuse(regression_solution, b"\xff\xfei\x00d\x00\n", "encoding")


def test_utf8_byte_order_mark_is_accepted(regression_solution):
    data = b"\xef\xbb\xbf" + csv("id,target", *good_regression_rows())
    assert score(regression_solution, io.BytesIO(data)).public > 0


def test_row_with_too_many_fields_names_its_line(regression_solution, refuse):
    rows = good_regression_rows()
    rows[3] = "r4,0.4,oops"
    error = refuse(regression_solution, csv("id,target", *rows), "bad_csv")
    assert error.message == (
        "Your file is not a valid CSV file: line 5 has 3 fields, but the header has 2. "
        "Quote values that contain commas."
    )


def test_line_numbers_count_blank_lines(regression_solution, refuse):
    rows = good_regression_rows()
    rows[3] = "r4,0.4,oops"
    error = refuse(regression_solution, csv("id,target", "", *rows), "bad_csv")
    assert "line 6 has 3 fields" in error.message


def test_first_row_with_too_many_fields_is_refused_not_shifted(regression_solution, refuse):
    rows = [row + ",extra" for row in good_regression_rows()]
    error = refuse(regression_solution, csv("id,target", *rows), "bad_csv")
    assert "line 2 has 3 fields, but the header has 2" in error.message


def test_row_with_too_few_fields_names_its_line(regression_solution, refuse):
    rows = good_regression_rows()
    rows[4] = "r5"
    error = refuse(regression_solution, csv("id,target", *rows), "bad_csv")
    assert "line 6 has 1 field, but the header has 2." in error.message


def test_unclosed_quote_is_refused(regression_solution, refuse):
    rows = good_regression_rows()
    rows[2] = 'r3,"0.3'
    error = refuse(regression_solution, csv("id,target", *rows), "bad_csv")
    assert "line 4 is never closed" in error.message


def test_a_line_of_quotes_above_the_header_is_refused(regression_solution, refuse):
    error = refuse(regression_solution, csv('""', "id,target", *good_regression_rows()), "bad_csv")
    assert "remove anything above the column names" in error.message


def test_missing_id_column_is_refused(regression_solution, refuse):
    error = refuse(regression_solution, csv("key,target", *good_regression_rows()), "missing_id_column")
    assert error.message == (
        "Your file has no id column 'id'. The header must have the columns 'id' and 'target', in any order."
    )


def test_id_column_differing_in_case_gets_a_suggestion(regression_solution, refuse):
    error = refuse(regression_solution, csv("ID,target", *good_regression_rows()), "missing_id_column")
    assert "It has 'ID'; did you mean 'id'?" in error.message


def test_semicolon_separated_file_gets_a_hint(regression_solution, refuse):
    rows = [row.replace(",", ";") for row in good_regression_rows()]
    error = refuse(regression_solution, csv("id;target", *rows), "missing_id_column")
    assert "separated by semicolons" in error.message


def test_missing_target_column_is_refused(regression_solution, refuse):
    rows = [row.split(",")[0] + ",1" for row in good_regression_rows()]
    error = refuse(regression_solution, csv("id,prediction", *rows), "missing_column")
    assert "Your file has no target column 'target'." in error.message


def test_target_column_with_stray_spaces_gets_a_suggestion(regression_solution, refuse):
    error = refuse(regression_solution, csv("id, Target", *good_regression_rows()), "missing_column")
    assert "It has ' Target'; did you mean 'target'?" in error.message


def test_unexpected_column_is_refused(regression_solution, refuse):
    rows = [row + ",x" for row in good_regression_rows()]
    error = refuse(regression_solution, csv("id,target,notes", *rows), "unexpected_column")
    assert error.message == (
        "Your file has an unexpected column 'notes'. The header must have exactly the columns 'id' and 'target'."
    )


def test_trailing_comma_in_header_is_explained(regression_solution, refuse):
    rows = [row + "," for row in good_regression_rows()]
    error = refuse(regression_solution, csv("id,target,", *rows), "unexpected_column")
    assert "unnamed column 3" in error.message
    assert "trailing comma" in error.message


def test_duplicated_column_is_refused(regression_solution, refuse):
    rows = [row + ",1" for row in good_regression_rows()]
    error = refuse(regression_solution, csv("id,target,target", *rows), "duplicate_column")
    assert "has the column 'target' more than once" in error.message


def test_column_order_does_not_matter(regression_solution):
    rows = [f"{value},{row_id}" for row_id, value in (row.split(",") for row in good_regression_rows())]
    swapped = score(regression_solution, io.BytesIO(csv("target,id", *rows)))
    assert swapped == score(regression_solution, io.BytesIO(csv("id,target", *good_regression_rows())))


def test_header_without_rows_is_refused(regression_solution, refuse):
    error = refuse(regression_solution, csv("id,target"), "no_rows")
    assert error.message == "Your file has a header but no data rows; it needs one row per test id (6)."


def test_empty_id_is_refused_with_its_row(regression_solution, refuse):
    rows = good_regression_rows()
    rows[1] = " ,0.2"
    error = refuse(regression_solution, csv("id,target", *rows), "empty_id")
    assert "1 row with an empty 'id' (data row 2," in error.message


def test_duplicated_ids_are_named_up_to_five(refuse):
    ids = [f"d{i}" for i in range(8)]
    solution = load_solution(
        io.BytesIO(csv("id,target", *(f"{i},1.5" for i in ids))), ScoringSpec("mae", "id", ("target",))
    )
    error = refuse(solution, csv("id,target", *(f"{i},1" for i in ids + ids)), "duplicate_id")
    assert error.message == (
        "Your file has 8 ids more than once: 'd0', 'd1', 'd2', 'd3', 'd4' and 3 more. "
        "Each test id must appear exactly once."
    )


def test_missing_ids_are_named(regression_solution, refuse):
    error = refuse(regression_solution, csv("id,target", *good_regression_rows()[:4]), "missing_ids")
    assert error.message == (
        "Your file is missing 2 test ids: 'r5' and 'r6'. It needs exactly one row for each of the 6 test ids."
    )


def test_missing_ids_message_also_names_ids_outside_the_test_set(regression_solution, refuse):
    rows = [*good_regression_rows()[:5], "r6.0,0.6"]
    error = refuse(regression_solution, csv("id,target", *rows), "missing_ids")
    assert "missing 1 test id: 'r6'." in error.message
    assert "It also has 1 id that is not in the test set: 'r6.0'." in error.message


def test_unknown_ids_are_refused(regression_solution, refuse):
    rows = [*good_regression_rows(), "train7,0.7", "train8,0.8"]
    error = refuse(regression_solution, csv("id,target", *rows), "unknown_ids")
    assert error.message.startswith(
        "Your file has 2 ids that are not in the test set: 'train7' and 'train8'."
    )


def test_empty_value_is_refused_naming_the_id(regression_solution, refuse):
    rows = good_regression_rows()
    rows[2] = "r3,"
    error = refuse(regression_solution, csv("id,target", *rows), "missing_value")
    assert error.message == (
        "Your file has an empty 'target' for 1 id: 'r3'. Every test id needs a prediction."
    )


def test_text_in_a_number_column_is_refused_with_id_and_value(regression_solution, refuse):
    rows = good_regression_rows()
    rows[0] = "r1,abc"
    rows[3] = "r4,0x10"
    error = refuse(regression_solution, csv("id,target", *rows), "not_numeric")
    assert error.message == (
        "Your file has values in 'target' that are not numbers, for 2 ids: 'r1' ('abc') and 'r4' ('0x10'). "
        "RMSE needs a finite number for every id."
    )


def test_integers_beyond_64_bits_are_numbers(regression_solution):
    rows = good_regression_rows()
    rows[0] = "r1,99999999999999999999999"
    huge = score(regression_solution, io.BytesIO(csv("id,target", *rows)))
    rows[0] = "r1,1e23"
    assert huge == score(regression_solution, io.BytesIO(csv("id,target", *rows)))


def test_boolean_words_are_not_numbers(regression_solution, refuse):
    rows = [f"{row.split(',')[0]},True" for row in good_regression_rows()]
    error = refuse(regression_solution, csv("id,target", *rows), "not_numeric")
    assert "'r1' ('True')" in error.message


def test_infinite_or_nan_values_are_refused(regression_solution, refuse):
    rows = good_regression_rows()
    rows[1] = "r2,inf"
    rows[2] = "r3,NaN"
    rows[4] = "r5,1e400"
    error = refuse(regression_solution, csv("id,target", *rows), "not_finite")
    assert "infinite or NaN values in 'target', for 3 ids: 'r2' ('inf'), 'r3' ('NaN') and 'r5' ('1e400')" in (
        error.message
    )


def test_probability_outside_zero_one_is_refused_for_log_loss(binary_solution, refuse):
    rows = [f"b{i},0.5" for i in range(1, 9)]
    rows[6] = "b7,1.5"
    error = refuse(binary_solution, csv("id,target", *rows), "out_of_range")
    assert "values in 'target' outside [0, 1], for 1 id: 'b7' ('1.5')." in error.message
    assert "between 0 and 1" in error.message


def test_roc_auc_accepts_scores_outside_zero_one():
    labels = ["1", "0", "1", "0", "0", "1", "0", "1"]
    rows = [f"b{i},{label},{'Public' if i <= 4 else 'Private'}" for i, label in enumerate(labels, start=1)]
    solution = load_solution(
        io.BytesIO(csv("id,target,Usage", *rows)), ScoringSpec("roc_auc", "id", ("target",))
    )
    scores = score(solution, io.BytesIO(csv("id,target", *(f"b{i},{i * 10 - 45}" for i in range(1, 9)))))
    assert 0 <= scores.public <= 1


def test_unknown_label_names_values_ids_and_allowed_labels(label_solution, refuse):
    rows = ["c1,cat", "c2,Dog", "c3,emu", "c4,dog", "c5,cow", "c6,emu"]
    error = refuse(label_solution, csv("id,target", *rows), "unknown_label")
    assert error.message == (
        "Your file has values in 'target' that are not labels of this competition: 'Dog' and 'cow', "
        "for 2 ids: 'c2' and 'c5'. The allowed labels are 'cat', 'dog' and 'emu'."
    )


def test_metric_failure_on_hidden_data_is_generic_for_the_participant(refuse, monkeypatch):
    from scoring.engine import metrics

    labels = ["zebra", "okapi", "okapi", "zebra"]
    usage = ["Public", "Public", "Private", "Private"]
    rows = [f"h{i},{label},{split}" for i, (label, split) in enumerate(zip(labels, usage, strict=True))]
    spec = ScoringSpec("roc_auc", "id", ("target",), {"positive_label": "zebra"})
    solution = load_solution(io.BytesIO(csv("id,target,Usage", *rows)), spec)

    def fails_on_hidden_values(y_true, y_pred):
        raise ValueError("the hidden label zebra broke it")

    monkeypatch.setitem(metrics.SCORERS, "roc_auc", fails_on_hidden_values)
    error = refuse(solution, csv("id,target", *(f"h{i},0.{i}" for i in range(4))), "metric_failed")
    assert error.message == "Your file is valid but could not be scored; the host has been notified."
    assert "zebra" not in error.message
    assert error.host_detail == "ROC AUC failed on the public split: the hidden label zebra broke it"


def test_submission_error_survives_pickling():
    import pickle

    pickled = pickle.dumps(SubmissionError("metric_failed", "generic", host_detail="detail"))
    error = pickle.loads(pickled)  # noqa: S301 - our own bytes, as Celery round-trips an exception
    assert (error.code, error.message, error.host_detail) == ("metric_failed", "generic", "detail")


@pytest.mark.parametrize("value", ["NA", "null", "None"])
def test_ids_that_look_like_missing_markers_are_plain_ids(value):
    solution = load_solution(
        io.BytesIO(csv("id,target", f"{value},1", "x,2")),
        ScoringSpec("mae", "id", ("target",)),
        public_fraction=0.5,
    )
    assert sorted(solution.ids) == sorted([value, "x"])
    assert score(solution, io.BytesIO(csv("id,target", f"{value},1", "x,2"))).public == 0.0
