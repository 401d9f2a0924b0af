"""The catalogue itself: each metric's direction, submission shape and parameters, and how parameters are read."""

import io

import pytest

from scoring.engine import METRICS, Metric, MetricParam, ScoringSpec, SolutionError, load_solution
from scoring.engine.catalogue import BUILT_IN
from scoring.engine.parameters import coerce_params

# key: (higher is better, prediction, parameters, multi-target)
EXPECTED = {
    "accuracy": (True, "label", [], False),
    "balanced_accuracy": (True, "label", [], False),
    "f1": (True, "label", ["average", "positive_label"], False),
    "precision": (True, "label", ["average", "positive_label"], False),
    "recall": (True, "label", ["average", "positive_label"], False),
    "macro_f1": (True, "label", [], False),
    "mcc": (True, "label", [], False),
    "qwk": (True, "label", [], False),
    "roc_auc": (True, "probability", ["positive_label"], False),
    "roc_auc_ovr": (True, "class_probabilities", [], False),
    "log_loss": (False, "probability", ["positive_label"], False),
    "multiclass_log_loss": (False, "class_probabilities", [], False),
    "normalized_gini": (True, "number", [], False),
    "average_precision": (True, "probability", ["positive_label"], False),
    "rmse": (False, "number", [], False),
    "mse": (False, "number", [], False),
    "rmsle": (False, "number", [], False),
    "mae": (False, "number", [], False),
    "median_absolute_error": (False, "number", [], False),
    "mape": (False, "number", [], False),
    "r2": (True, "number", [], False),
    "pearson": (True, "number", [], False),
    "spearman": (True, "number", [], False),
    "mcrmse": (False, "number", [], True),
    "mean_columnwise_auc": (True, "probability", ["positive_label"], True),
    "map_at_k": (True, "ranked_labels", ["k"], False),
    "top_k_accuracy": (True, "ranked_labels", ["k"], False),
}


def test_the_catalogue_has_every_metric_with_its_direction_shape_and_parameters():
    built_in = {metric.key: metric for metric, _ in BUILT_IN}
    described = {
        key: (m.higher_is_better, m.prediction, [p.name for p in m.params], m.multi_target)
        for key, m in built_in.items()
    }
    assert described == EXPECTED
    assert all(METRICS[key] is metric for key, metric in built_in.items())


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_description_says_what_the_submission_holds(key):
    description = METRICS[key].description
    assert "is better" in description
    assert "For every id, the" in description


def test_k_defaults_differ_for_map_and_top_k():
    assert METRICS["map_at_k"].params[0].default == 5
    assert METRICS["top_k_accuracy"].params[0].default == 3
    assert METRICS["f1"].params[0].default == "binary"


MAP = METRICS["map_at_k"]
F1 = METRICS["f1"]


@pytest.mark.parametrize("given", ["7", " 7 ", 7, 7.0, "+7"])
def test_whole_number_parameters_accept_text_and_json_numbers(given):
    assert coerce_params(MAP, {"k": given}) == {"k": 7}


@pytest.mark.parametrize("given", ["", "   ", None])
def test_blank_parameters_take_the_default(given):
    assert coerce_params(MAP, {"k": given}) == {"k": 5}
    assert coerce_params(MAP, {}) == {"k": 5}


@pytest.mark.parametrize("given", ["five", "2.5", 2.5, "0", 0, -3, True, "1e3", [5]])
def test_bad_whole_numbers_are_refused_naming_the_parameter(given):
    with pytest.raises(SolutionError) as refused:
        coerce_params(MAP, {"k": given})
    assert refused.value.code == "bad_param"
    assert refused.value.message.startswith(
        "The parameter 'k' of MAP@K must be a whole number of at least 1, not "
    )


@pytest.mark.parametrize(("given", "expected"), [("macro", "macro"), (" Weighted ", "weighted")])
def test_choices_are_matched_ignoring_case_and_spaces(given, expected):
    assert coerce_params(F1, {"average": given})["average"] == expected


def test_a_value_outside_the_choices_lists_them():
    with pytest.raises(SolutionError) as refused:
        coerce_params(F1, {"average": "mean"})
    assert refused.value.code == "bad_param"
    assert refused.value.message == (
        "The parameter 'average' of F1 must be one of 'binary', 'micro', 'macro' or 'weighted', not 'mean'."
    )


def test_unknown_parameters_are_refused_listing_the_known_ones():
    with pytest.raises(SolutionError) as refused:
        coerce_params(F1, {"averaging": "macro", "k": "3"})
    assert refused.value.code == "unknown_param"
    assert refused.value.message == (
        "F1 has no parameters 'averaging' and 'k'. It accepts 'average' and 'positive_label'."
    )


def test_text_parameters_take_json_scalars_as_text():
    assert coerce_params(F1, {"positive_label": 1})["positive_label"] == "1"
    assert coerce_params(F1, {"positive_label": " yes "})["positive_label"] == "yes"


THRESHOLD = MetricParam("threshold", "float", 0.5, "Where a score counts as positive.", minimum=0.0)
NEEDS = MetricParam("weight", "float", None, "The weight of the positive class.", required=True)
CUSTOM = Metric("custom", "Custom", True, "number", "A test metric.", params=(THRESHOLD, NEEDS))


@pytest.mark.parametrize(("given", "expected"), [("0.25", 0.25), (1, 1.0), (" 2e-1 ", 0.2)])
def test_number_parameters_accept_text_and_json_numbers(given, expected):
    assert coerce_params(CUSTOM, {"threshold": given, "weight": "1"}) == {
        "threshold": expected,
        "weight": 1.0,
    }


@pytest.mark.parametrize("given", ["nan", "inf", "-0.5", "half", False])
def test_bad_numbers_are_refused(given):
    with pytest.raises(SolutionError) as refused:
        coerce_params(CUSTOM, {"threshold": given, "weight": "1"})
    assert refused.value.code == "bad_param"
    assert "'threshold' of Custom must be a number of at least 0" in refused.value.message


def test_a_required_parameter_must_be_given():
    with pytest.raises(SolutionError) as refused:
        coerce_params(CUSTOM, {"threshold": "0.1"})
    assert refused.value.code == "bad_param"
    assert refused.value.message == "Custom needs the parameter 'weight': The weight of the positive class."


def load(data: str, key: str, targets=("y",), **params):
    return load_solution(io.BytesIO(data.encode()), ScoringSpec(key, "id", targets, params))


TWO_LABELS = "id,y,Usage\na,spam,Public\nb,ham,Public\nc,spam,Private\nd,ham,Private\n"
THREE_LABELS = "id,y,Usage\na,x,Public\nb,y,Public\nc,z,Private\nd,x,Private\n"


def test_parameters_reach_the_solution_typed():
    solution = load("id,y\na,L1\nb,L2\nc,L3\n", "map_at_k", k="2")
    assert solution.params == {"k": 2}


def test_binary_f1_needs_the_positive_label_unless_it_is_obvious():
    with pytest.raises(SolutionError) as refused:
        load(TWO_LABELS, "f1")
    assert refused.value.code == "positive_label_needed"
    assert "set the metric parameter positive_label to 'ham' or 'spam'" in refused.value.message
    assert load(TWO_LABELS, "f1", positive_label="ham").allowed_labels == ("spam", "ham")
    assert load(TWO_LABELS.replace("spam", "1").replace("ham", "0"), "precision").positive_label == "1"


def test_binary_average_on_more_than_two_labels_suggests_another_average():
    with pytest.raises(SolutionError) as refused:
        load(THREE_LABELS, "recall")
    assert refused.value.code == "not_binary"
    assert refused.value.message.endswith("Or set the parameter average to micro, macro or weighted.")
    assert load(THREE_LABELS, "recall", average="macro").allowed_labels == ("x", "y", "z")


def test_positive_label_with_a_non_binary_average_is_refused():
    with pytest.raises(SolutionError) as refused:
        load(THREE_LABELS, "f1", average="micro", positive_label="x")
    assert refused.value.code == "bad_param"
    assert "only applies with average 'binary', not 'micro'" in refused.value.message


def test_parameter_errors_come_before_reading_the_file():
    with pytest.raises(SolutionError) as refused:
        load("not, a, solution", "top_k_accuracy", k="many")
    assert refused.value.code == "bad_param"
