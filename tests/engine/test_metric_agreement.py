"""Every metric's public and private scores equal scikit-learn's (or scipy's) computed directly on each split.

Each case draws random data with a fixed seed, writes the solution and a shuffled submission as CSV, scores
them through the engine, and recomputes each split from the raw frames with the library function.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn import metrics

from scoring.engine import METRICS, ScoringSpec, load_solution, score
from scoring.engine.catalogue import BUILT_IN

SIZES = (60, 400, 3000)
TOLERANCE = {"rel": 1e-9, "abs": 1e-9}


@dataclass
class Case:
    spec: ScoringSpec
    truth: pd.DataFrame  # the solution's target columns, one row per id
    predictions: pd.DataFrame  # the submission's prediction columns, same rows
    # (truth rows, prediction rows) of one split, aligned -> the library's value
    reference: Callable[[pd.DataFrame, pd.DataFrame], float]


def run_case(case: Case, rng: np.random.Generator) -> None:
    n = len(case.truth)
    ids = np.array([f"s{i:05d}" for i in rng.permutation(n)])
    usage = np.where(rng.random(n) < 0.35, "Public", "Private")
    usage[:2] = ["Public", "Private"]
    solution = pd.concat([pd.DataFrame({"id": ids}), case.truth, pd.DataFrame({"Usage": usage})], axis=1)
    submission = pd.concat([pd.DataFrame({"id": ids}), case.predictions], axis=1).sample(
        frac=1, random_state=3
    )

    scores = score(
        load_solution(io.BytesIO(solution.to_csv(index=False).encode()), case.spec),
        io.BytesIO(submission.to_csv(index=False).encode()),
    )

    for split, value in (("Public", scores.public), ("Private", scores.private)):
        rows = usage == split
        expected = case.reference(
            case.truth[rows].reset_index(drop=True), case.predictions[rows].reset_index(drop=True)
        )
        assert isinstance(value, float)
        assert value == pytest.approx(float(expected), **TOLERANCE), split


def spec(key: str, targets=("y",), **params) -> ScoringSpec:
    return ScoringSpec(key, "id", targets, params)


def one(values) -> pd.DataFrame:
    return pd.DataFrame({"y": values})


def labels_case(key: str, reference, classes=("heron", "ibis", "stork", "crane"), **params):
    def build(rng, n):
        truth = rng.choice(np.array(classes), n)
        guessed = np.where(rng.random(n) < 0.5, truth, rng.choice(np.array(classes), n))
        return Case(spec(key, **params), one(truth), one(guessed), lambda t, p: reference(t.y, p.y))

    return build


def binary_case(key: str, reference, decimals=3, positive=None):
    def build(rng, n):
        classes = np.array(["ham", "spam"] if positive else ["0", "1"])
        truth = rng.choice(classes, n)
        scores = np.round(rng.random(n), decimals)  # rounding makes ties, which the metrics must handle
        params = {"positive_label": positive} if positive else {}
        chosen = positive or "1"
        return Case(spec(key, **params), one(truth), one(scores), lambda t, p: reference(t.y == chosen, p.y))

    return build


def class_probabilities_case(key: str, reference, classes=("ant", "bee", "cat", "dog")):
    def build(rng, n):
        truth = rng.choice(np.array(classes), n)
        probabilities = np.round(rng.random((n, len(classes))), 3)
        probabilities[rng.random((n, len(classes))) < 0.05] = 0.0  # exact zeros exercise the clipping
        probabilities[probabilities.sum(axis=1) == 0, 0] = 1.0
        predictions = pd.DataFrame(probabilities, columns=list(classes))

        def renormalised_reference(t, p):
            rows = p[list(classes)].to_numpy()
            return reference(t.y.to_numpy(), rows / rows.sum(axis=1, keepdims=True), list(classes))

        return Case(spec(key), one(truth), predictions, renormalised_reference)

    return build


def numbers_case(key: str, reference, truth=None, predictions=None):
    def build(rng, n):
        true_values = truth(rng, n) if truth else np.round(rng.normal(50, 10, n), 4)
        predicted = predictions(rng, n) if predictions else np.round(rng.normal(50, 12, n), 4)
        return Case(spec(key), one(true_values), one(predicted), lambda t, p: reference(t.y, p.y))

    return build


def kaggle_gini(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Kaggle's Gini as published with the Porto Seguro competition, written out plainly (no ties expected)."""
    order = np.lexsort((np.arange(len(actual)), -predicted))
    cumulative = np.cumsum(actual[order]) / actual.sum()
    return (cumulative.sum() - (len(actual) + 1) / 2) / len(actual)


def gini_case(binary: bool, decimals: int | None = None):
    def build(rng, n):
        if binary:
            truth = rng.integers(0, 2, n)
            predicted = rng.random(n) if decimals is None else np.round(rng.random(n), decimals)

            def reference(t, p):
                return 2 * metrics.roc_auc_score(t.y, p.y) - 1

        else:
            truth = np.round(rng.gamma(2.0, 10.0, n), 3)
            predicted = truth + rng.normal(0, 15, n)

            def reference(t, p):
                y, score = t.y.to_numpy(float), p.y.to_numpy()
                return kaggle_gini(y, score) / kaggle_gini(y, y)

        return Case(spec("normalized_gini"), one(truth), one(predicted), reference)

    return build


def multi_target_case(key: str, binary: bool):
    def build(rng, n):
        names = ["toxic", "obscene", "threat"]
        if binary:
            truth = pd.DataFrame({name: rng.integers(0, 2, n) for name in names})
            predicted = pd.DataFrame({name: np.round(rng.random(n), 2) for name in names})

            def reference(t, p):
                return metrics.roc_auc_score(t[names].to_numpy(), p[names].to_numpy(), average="macro")

        else:
            truth = pd.DataFrame({name: np.round(rng.normal(3, 1, n), 3) for name in names})
            predicted = pd.DataFrame({name: np.round(rng.normal(3, 1.2, n), 3) for name in names})

            def reference(t, p):
                return np.mean([metrics.root_mean_squared_error(t[name], p[name]) for name in names])

        return Case(spec(key, targets=tuple(names)), truth, predicted, reference)

    return build


RANKED = [f"L{i}" for i in range(12)]


def ranked_lists(rng: np.random.Generator, truth: np.ndarray) -> list[str]:
    """Lists of 1 to 8 labels, the true one in about half of them, some with a label repeated."""
    lists = []
    for label in truth:
        listed = list(rng.permutation(RANKED)[: rng.integers(1, 9)])
        if rng.random() < 0.5 and label not in listed:
            listed.insert(int(rng.integers(0, len(listed) + 1)), label)
        if rng.random() < 0.2:
            listed.insert(int(rng.integers(0, len(listed) + 1)), listed[int(rng.integers(0, len(listed)))])
        lists.append(" ".join(listed))
    return lists


def average_precision_at_k(actual: str, predicted: list[str], k: int) -> float:
    """Kaggle's apk for one true label: precision at each new hit within the first k, over min(1, k)."""
    hits, total = 0, 0.0
    for position, label in enumerate(predicted[:k]):
        if label == actual and label not in predicted[:position]:
            hits += 1
            total += hits / (position + 1)
    return total


def ranked_case(key: str, k: int | None):
    effective_k = k or METRICS[key].params[0].default

    def build(rng, n):
        truth = rng.choice(np.array(RANKED), n)
        lists = ranked_lists(rng, truth)
        params = {"k": str(k)} if k else {}

        def reference(t, p):
            written = [text.split() for text in p.y]
            if key == "map_at_k":
                return np.mean(
                    [average_precision_at_k(a, w, effective_k) for a, w in zip(t.y, written, strict=True)]
                )
            return np.mean([a in w[:effective_k] for a, w in zip(t.y, written, strict=True)])

        return Case(spec(key, **params), one(truth), one(lists), reference)

    return build


def qwk_case(rng, n):
    ratings = np.array([1, 2, 3, 5, 8, 10])  # as text "10" sorts before "2": the order must be numeric
    truth = rng.choice(ratings, n)
    guessed = np.where(rng.random(n) < 0.6, truth, rng.choice(ratings, n))
    return Case(
        spec("qwk"),
        one(truth),
        one(guessed),
        lambda t, p: metrics.cohen_kappa_score(t.y, p.y, weights="quadratic"),
    )


def averaged(key: str, average: str, positive: str = "spam"):
    function = {"f1": metrics.f1_score, "precision": metrics.precision_score, "recall": metrics.recall_score}[
        key
    ]
    if average == "binary":
        return labels_case(
            key,
            lambda t, p: function(t, p, average="binary", pos_label=positive),
            classes=("ham", "spam"),
            positive_label=positive,
        )
    return labels_case(key, lambda t, p: function(t, p, average=average), average=average)


def ovr_reference(truth, probabilities, classes):
    if len(classes) == 2:  # one-vs-rest macro, written out: scikit-learn reads two classes as binary
        return np.mean(
            [metrics.roc_auc_score(truth == c, probabilities[:, j]) for j, c in enumerate(classes)]
        )
    return metrics.roc_auc_score(truth, probabilities, multi_class="ovr", average="macro", labels=classes)


def positive(rng, n):
    return np.round(rng.exponential(20, n), 3)


CASES = {
    "accuracy": labels_case("accuracy", metrics.accuracy_score),
    "balanced_accuracy": labels_case("balanced_accuracy", metrics.balanced_accuracy_score),
    **{
        f"{key}-{average}": averaged(key, average)
        for key in ("f1", "precision", "recall")
        for average in ("binary", "micro", "macro", "weighted")
    },
    "f1-binary-first_label_positive": averaged("f1", "binary", positive="ham"),
    "f1-binary-01": labels_case("f1", lambda t, p: metrics.f1_score(t, p, pos_label="1"), classes=("0", "1")),
    "macro_f1": labels_case("macro_f1", lambda t, p: metrics.f1_score(t, p, average="macro")),
    "mcc": labels_case("mcc", metrics.matthews_corrcoef),
    "qwk": qwk_case,
    "roc_auc": binary_case("roc_auc", metrics.roc_auc_score),
    "roc_auc-positive_label": binary_case("roc_auc", metrics.roc_auc_score, positive="spam"),
    "roc_auc_ovr": class_probabilities_case("roc_auc_ovr", ovr_reference),
    "roc_auc_ovr-two_classes": class_probabilities_case("roc_auc_ovr", ovr_reference, classes=("no", "yes")),
    "log_loss": binary_case("log_loss", metrics.log_loss),
    "log_loss-exact_0_1": binary_case("log_loss", metrics.log_loss, decimals=0),
    "multiclass_log_loss": class_probabilities_case(
        "multiclass_log_loss", lambda t, p, classes: metrics.log_loss(t, p, labels=classes)
    ),
    "normalized_gini-binary": gini_case(binary=True),
    "normalized_gini-binary_ties": gini_case(binary=True, decimals=1),
    "normalized_gini-continuous": gini_case(binary=False),
    "average_precision": binary_case("average_precision", metrics.average_precision_score),
    "rmse": numbers_case("rmse", metrics.root_mean_squared_error),
    "mse": numbers_case("mse", metrics.mean_squared_error),
    "rmsle": numbers_case("rmsle", metrics.root_mean_squared_log_error, truth=positive, predictions=positive),
    "mae": numbers_case("mae", metrics.mean_absolute_error),
    "median_absolute_error": numbers_case("median_absolute_error", metrics.median_absolute_error),
    "mape": numbers_case("mape", metrics.mean_absolute_percentage_error),
    "r2": numbers_case("r2", metrics.r2_score),
    "pearson": numbers_case("pearson", lambda t, p: stats.pearsonr(t, p).statistic),
    "spearman": numbers_case(
        "spearman",
        lambda t, p: stats.spearmanr(t, p).statistic,
        predictions=lambda rng, n: np.round(rng.normal(50, 12, n)),  # ties in the ranks
    ),
    "mcrmse": multi_target_case("mcrmse", binary=False),
    "mean_columnwise_auc": multi_target_case("mean_columnwise_auc", binary=True),
    "map_at_k": ranked_case("map_at_k", None),
    "map_at_k-k3": ranked_case("map_at_k", 3),
    "top_k_accuracy": ranked_case("top_k_accuracy", None),
    "top_k_accuracy-k1": ranked_case("top_k_accuracy", 1),
}


def test_every_built_in_metric_has_an_agreement_case():
    covered = {name.split("-")[0] for name in CASES}
    assert {metric.key for metric, _ in BUILT_IN} <= covered


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_scores_match_the_library_on_each_split(name, size):
    rng = np.random.default_rng([sum(map(ord, name)), size])
    run_case(CASES[name](rng, size), rng)
