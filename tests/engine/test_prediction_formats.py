"""Submissions beyond one column: ranked label lists, one probability column per class, several targets."""

import io

import numpy as np
import pytest
from sklearn import metrics

from scoring.engine import Scores, ScoringSpec, SubmissionError, load_solution, score
from scoring.engine import metrics as engine_metrics


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def solution(key: str, *lines: str, targets=("y",), **params):
    return load_solution(io.BytesIO(csv(*lines)), ScoringSpec(key, "id", targets, params))


RANKED = ("id,y,Usage", "a,heron,Public", "b,ibis,Public", "c,stork,Private", "d,heron,Private")


@pytest.fixture
def ranked():
    return solution("map_at_k", *RANKED, k="3")


def test_map_at_k_credits_the_first_place_of_the_true_label(ranked):
    scores = score(
        ranked, io.BytesIO(csv("id,y", "a,heron", "b,stork ibis", "c,heron ibis stork", "d,stork"))
    )
    assert scores == Scores(public=(1 + 1 / 2) / 2, private=(1 / 3 + 0) / 2)


def test_labels_after_the_kth_are_ignored(ranked):
    scores = score(ranked, io.BytesIO(csv("id,y", "a,ibis stork ibis heron", "b,ibis", "c,stork", "d,heron")))
    assert scores.public == 0.5


def test_a_repeated_label_counts_once_and_keeps_its_place(ranked):
    scores = score(ranked, io.BytesIO(csv("id,y", "a,ibis ibis heron", "b,ibis ibis", "c,stork", "d,heron")))
    assert scores.public == (1 / 3 + 1) / 2


def test_lists_may_be_separated_by_several_spaces_or_tabs(ranked):
    scores = score(
        ranked, io.BytesIO(csv("id,y", "a,  ibis\theron ", 'b,"ibis   stork"', "c,stork", "d,heron"))
    )
    assert scores == Scores(public=0.75, private=1.0)


def test_a_huge_k_costs_nothing_more(ranked):
    huge = solution("map_at_k", *RANKED, k=10**12)
    assert score(
        huge, io.BytesIO(csv("id,y", "a,ibis heron", "b,ibis", "c,stork", "d,ibis stork heron"))
    ) == Scores(public=0.75, private=(1 + 1 / 3) / 2)


def test_top_k_accuracy_counts_the_true_label_among_the_first_k():
    top_two = solution("top_k_accuracy", *RANKED, k=2)
    scores = score(
        top_two, io.BytesIO(csv("id,y", "a,ibis heron", "b,heron stork ibis", "c,stork", "d,stork"))
    )
    assert scores == Scores(public=0.5, private=0.5)


def test_an_empty_list_is_a_missing_value(ranked, refuse):
    error = refuse(ranked, csv("id,y", "a,heron", "b,  ", "c,stork", "d,heron"), "missing_value")
    assert error.message == "Your file has an empty 'y' for 1 id: 'b'. Every test id needs a prediction."


def test_labels_outside_the_label_set_are_named_wherever_they_are(ranked, refuse):
    rows = ("id,y", "a,heron Heron", "b,ibis", "c,stork heron ibis crane", "d,heron")
    error = refuse(ranked, csv(*rows), "unknown_label")
    assert error.message == (
        "Your file has labels in 'y' that are not labels of this competition: 'Heron' and 'crane', "
        "for 2 ids: 'a' and 'c'. The allowed labels are 'heron', 'ibis' and 'stork'."
    )


def test_comma_separated_lists_are_refused_as_unknown_labels(ranked, refuse):
    rows = ("id,y", 'a,"heron,ibis"', "b,ibis", "c,stork", "d,heron")
    assert "'heron,ibis'" in refuse(ranked, csv(*rows), "unknown_label").message


CLASSES = ("id,y,Usage", "a,cat,Public", "b,dog,Public", "c,emu,Public", "d,cat,Private", "e,dog,Private")
CLASSES += ("f,emu,Private",)


@pytest.fixture
def per_class():
    return solution("multiclass_log_loss", *CLASSES)


def rows_of(probabilities: dict[str, str]) -> list[str]:
    return [f"{row_id},{values}" for row_id, values in probabilities.items()]


GOOD = {"a": "0.7,0.2,0.1", "b": "0.1,0.8,0.1", "c": "0.2,0.2,0.6", "d": "1,0,0", "e": "0,1,0", "f": "0,0,1"}


def test_class_columns_may_come_in_any_order_and_rows_are_renormalised(per_class):
    reference = score(per_class, io.BytesIO(csv("id,cat,dog,emu", *rows_of(GOOD))))
    halved = {row_id: [float(value) / 2 for value in values.split(",")] for row_id, values in GOOD.items()}
    reordered = [f"{cat},{emu},{row_id},{dog}" for row_id, (cat, dog, emu) in halved.items()]
    assert score(per_class, io.BytesIO(csv("cat,emu,id,dog", *reordered))) == reference
    assert reference.private == pytest.approx(0, abs=1e-12)


def test_a_missing_class_column_is_named(per_class, refuse):
    rows = [f"{row_id},{values.rsplit(',', 1)[0]}" for row_id, values in GOOD.items()]
    error = refuse(per_class, csv("id,cat,dog", *rows), "missing_column")
    assert error.message == (
        "Your file has no target column 'emu'. "
        "The header must have the columns 'id', 'cat', 'dog' and 'emu', in any order."
    )


def test_a_probability_above_one_is_refused(per_class, refuse):
    error = refuse(per_class, csv("id,cat,dog,emu", *rows_of({**GOOD, "c": "0.2,1.2,0.6"})), "out_of_range")
    assert "values in 'dog' outside [0, 1], for 1 id: 'c' ('1.2')" in error.message
    assert "the probability of each class" in error.message


def test_a_row_of_zeros_is_refused(per_class, refuse):
    error = refuse(per_class, csv("id,cat,dog,emu", *rows_of({**GOOD, "e": "0,0,0"})), "zero_row")
    assert "only zeros as class probabilities for 1 id: 'e'" in error.message


def test_a_text_value_names_its_class_column(per_class, refuse):
    error = refuse(per_class, csv("id,cat,dog,emu", *rows_of({**GOOD, "b": "0.1,high,0.1"})), "not_numeric")
    assert "values in 'dog' that are not numbers, for 1 id: 'b' ('high')" in error.message


MULTI = ("id,a,b,Usage", "r1,1,10,Public", "r2,2,20,Public", "r3,3,30,Private", "r4,5,50,Private")


def test_mcrmse_averages_the_rmse_of_each_column():
    scores = score(
        solution("mcrmse", *MULTI, targets=("a", "b")),
        io.BytesIO(csv("id,b,a", "r1,14,1", "r2,20,2", "r3,30,5", "r4,50,5")),
    )
    assert scores == Scores(public=(0 + (16 / 2) ** 0.5) / 2, private=((4 / 2) ** 0.5 + 0) / 2)


def test_multi_target_submissions_need_every_target_column(refuse):
    error = refuse(
        solution("mcrmse", *MULTI, targets=("a", "b")),
        csv("id,a", "r1,1", "r2,2", "r3,3", "r4,4"),
        "missing_column",
    )
    assert "no target column 'b'" in error.message


def test_mean_columnwise_auc_averages_the_auc_of_each_column():
    rows = ("id,a,b,Usage", "r1,0,1,Public", "r2,1,0,Public", "r3,0,0,Private", "r4,1,1,Private")
    auc = solution("mean_columnwise_auc", *rows, targets=("a", "b"))
    scores = score(auc, io.BytesIO(csv("id,a,b", "r1,0.1,0.9", "r2,0.9,0.2", "r3,0.3,0.1", "r4,0.2,0.8")))
    assert scores == Scores(public=1.0, private=0.5)


def test_rmsle_refuses_negative_predictions_naming_the_ids(refuse):
    rmsle = solution("rmsle", "id,y", "a,1", "b,2", "c,3", "d,4")
    error = refuse(rmsle, csv("id,y", "a,1", "b,-0.5", "c,3", "d,-2"), "negative_value")
    assert error.message == (
        "Your file has negative values in 'y', for 2 ids: 'b' ('-0.5') and 'd' ('-2.0'). "
        "RMSLE needs predictions of 0 or more."
    )


PEARSON = ("id,y,Usage", "a,1,Public", "b,2,Public", "c,3,Private", "d,5,Private")


def test_correlations_refuse_predictions_that_never_vary(refuse):
    error = refuse(
        solution("pearson", *PEARSON), csv("id,y", "a,1", "b,1", "c,1", "d,1"), "constant_prediction"
    )
    assert error.message == (
        "Every value in 'y' is the same, and Pearson correlation is undefined for predictions that never vary."
    )


def test_a_metric_undefined_on_one_split_fails_generically(refuse):
    error = refuse(solution("pearson", *PEARSON), csv("id,y", "a,7", "b,7", "c,1", "d,2"), "metric_failed")
    assert error.message == "Your file is valid but could not be scored; the host has been notified."
    assert error.host_detail == "Pearson correlation is nan on the public split."


def test_any_exception_of_a_scorer_becomes_metric_failed(refuse, monkeypatch):
    def broken(y_true, y_pred):
        raise ZeroDivisionError("division by zero in the hidden rows")

    monkeypatch.setitem(engine_metrics.SCORERS, "pearson", broken)
    error = refuse(solution("pearson", *PEARSON), csv("id,y", "a,1", "b,2", "c,1", "d,2"), "metric_failed")
    assert error.host_detail == (
        "Pearson correlation failed on the public split: ZeroDivisionError: division by zero in the hidden rows"
    )


def test_qwk_scores_labels_on_the_rating_scale():
    rows = ("id,y,Usage", "a,1,Public", "b,2,Public", "c,10,Public", "d,1,Private", "e,10,Private")
    qwk = solution("qwk", *rows)
    perfect = score(qwk, io.BytesIO(csv("id,y", "a,1", "b,2", "c,10", "d,1", "e,10")))
    assert perfect == Scores(public=1.0, private=1.0)
    with pytest.raises(SubmissionError) as refused:
        score(qwk, io.BytesIO(csv("id,y", "a,1", "b,2", "c,10.0", "d,1", "e,3")))
    assert "'10.0' and '3'" in refused.value.message


def test_qwk_keeps_the_whole_rating_scale_when_a_split_lacks_a_middle_rating():
    rows = ["id,y,Usage", "a,1,Public", "b,2,Public", "c,5,Public", "d,1,Public"]
    rows += ["e,3,Private", "f,5,Private", "g,2,Private"]
    qwk = solution("qwk", *rows)
    scores = score(qwk, io.BytesIO(csv("id,y", "a,2", "b,5", "c,1", "d,1", "e,3", "f,5", "g,3")))
    truth, predicted = [1, 2, 5, 1], [2, 5, 1, 1]
    expected = metrics.cohen_kappa_score(truth, predicted, labels=[1, 2, 3, 5], weights="quadratic")
    assert scores.public == pytest.approx(expected, abs=1e-12)
    assert expected != pytest.approx(metrics.cohen_kappa_score(truth, predicted, weights="quadratic"))


def test_normalized_gini_does_not_depend_on_the_order_of_tied_rows():
    rng = np.random.default_rng(8)
    truth = rng.gamma(2.0, 10.0, 40).round(2)
    predicted = rng.integers(0, 4, 40)  # many ties
    usage = np.where(np.arange(40) % 2, "Public", "Private")
    results = []
    for naming in (lambda i: f"r{i:02d}", lambda i: f"r{39 - i:02d}"):  # the same rows, opposite id order
        rows = [f"{naming(i)},{truth[i]},{usage[i]}" for i in range(40)]
        gini = solution("normalized_gini", "id,y,Usage", *rows)
        results.append(
            score(gini, io.BytesIO(csv("id,y", *(f"{naming(i)},{predicted[i]}" for i in range(40)))))
        )
    assert results[0].public == pytest.approx(results[1].public, abs=1e-12)
    assert results[0].private == pytest.approx(results[1].private, abs=1e-12)
    constant = score(gini, io.BytesIO(csv("id,y", *(f"{naming(i)},7" for i in range(40)))))
    assert constant.public == pytest.approx(0, abs=1e-12)
