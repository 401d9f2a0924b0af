"""The built-in metrics' definitions on one split: scikit-learn (or scipy) wherever it has the metric.

Each takes the truth and the predictions encoded as described in `metrics.py` (above SCORERS).
"""

import numpy as np
from scipy import stats
from sklearn import metrics as sklearn_metrics


def require_both_classes(y_true: np.ndarray) -> None:
    # scikit-learn answers NaN with a warning here; naming the reason helps the host more.
    if y_true.size and (y_true.min() == y_true.max()):
        raise ValueError("only one class is present in the true labels, so the metric is undefined")


# Classification by label. zero_division=0.0 is scikit-learn's default value, without its warning.


def f1(y_true: np.ndarray, y_pred: np.ndarray, *, average: str = "macro") -> float:
    return sklearn_metrics.f1_score(y_true, y_pred, average=average, zero_division=0.0)


def precision(y_true: np.ndarray, y_pred: np.ndarray, *, average: str) -> float:
    return sklearn_metrics.precision_score(y_true, y_pred, average=average, zero_division=0.0)


def recall(y_true: np.ndarray, y_pred: np.ndarray, *, average: str) -> float:
    return sklearn_metrics.recall_score(y_true, y_pred, average=average, zero_division=0.0)


def quadratic_weighted_kappa(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    # Codes follow the ratings' order. Listing every code up to the highest one used keeps the weights of the
    # full rating scale even when a middle rating is absent from the split (unused top codes change nothing).
    labels = np.arange(max(int(y_true.max()), int(y_pred.max())) + 1)
    return sklearn_metrics.cohen_kappa_score(y_true, y_pred, labels=labels, weights="quadratic")


# Classification by probability.


def roc_auc(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """scikit-learn's roc_auc_score for 0/1 truth, computed by counting pairs (the tests hold it to 1e-9).

    The share of (positive, negative) pairs the prediction orders correctly, a tie counting one half: the
    area under the ROC curve with ties on a diagonal, as scikit-learn draws it. Two sorts and two binary
    searches, about three times faster than building the curve.
    """
    require_both_classes(y_true)
    is_positive = y_true == 1
    positives = np.sort(y_pred[is_positive])
    negatives = np.sort(y_pred[~is_positive])
    # Twice the correct pairs: negatives below each positive, plus negatives below or tied with it.
    below = np.searchsorted(negatives, positives, side="left").sum(dtype=np.int64)
    not_above = np.searchsorted(negatives, positives, side="right").sum(dtype=np.int64)
    return float((int(below) + int(not_above)) / (2 * len(positives) * len(negatives)))


def log_loss(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    # Both classes exist in the solution, so a split holding only one of them is still well defined.
    return sklearn_metrics.log_loss(y_true, y_pred, labels=[0, 1])


def roc_auc_one_vs_rest(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    classes = y_pred.shape[1]
    if classes == 2:
        # scikit-learn reads two classes as a binary problem: average the two one-vs-rest AUCs here (after
        # renormalising, rounding can break a tie in one column and not in the other).
        require_both_classes(y_true)
        return float(np.mean([sklearn_metrics.roc_auc_score(y_true == c, y_pred[:, c]) for c in range(2)]))
    return sklearn_metrics.roc_auc_score(
        y_true, y_pred, multi_class="ovr", average="macro", labels=np.arange(classes)
    )


def multiclass_log_loss(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """scikit-learn's log_loss with one column per class, without its one-hot matrix (the tests hold it to
    1e-9): the mean of -log of each row's probability of its true class, clipped to [eps, 1 - eps]."""
    # Rows arrive renormalised to sum to 1; outside [0, 1] scikit-learn raises, and says why.
    if y_pred.min() < 0 or y_pred.max() > 1:
        return sklearn_metrics.log_loss(y_true, y_pred, labels=np.arange(y_pred.shape[1]))
    eps = np.finfo(y_pred.dtype).eps
    of_true_class = np.clip(y_pred[np.arange(len(y_true)), y_true], eps, 1 - eps)
    return float(-np.log(of_true_class).mean())


def average_precision(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    require_both_classes(y_true)
    return sklearn_metrics.average_precision_score(y_true, y_pred)


def gini(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Kaggle's Gini: rows sorted by prediction, highest first, cumulative share of the actual total.

    Rows with equal predictions count in the mean of all their orders (each gets the group's mean actual):
    the score cannot depend on row order, which follows the ids and could carry information.
    """
    order = np.argsort(-predicted, kind="stable")
    sorted_predictions, sorted_actual = predicted[order], actual[order].astype(np.float64)
    starts = np.flatnonzero(np.r_[True, sorted_predictions[1:] != sorted_predictions[:-1]])
    sizes = np.diff(np.r_[starts, len(sorted_actual)])
    tied_means = np.repeat(np.add.reduceat(sorted_actual, starts) / sizes, sizes)
    count = len(actual)
    return (np.cumsum(tied_means).sum() / sorted_actual.sum() - (count + 1) / 2) / count


def normalized_gini(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    perfect = gini(y_true, y_true)
    if perfect == 0 or not np.isfinite(perfect):
        raise ValueError("the Gini of the truth against itself is 0, so the normalized Gini is undefined")
    return gini(y_true, y_pred) / perfect


# Regression.


def r2(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    # force_finite=False: with a constant truth R² is undefined, not 0 or 1.
    return sklearn_metrics.r2_score(y_true, y_pred, force_finite=False)


def pearson(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return stats.pearsonr(y_true, y_pred).statistic


def spearman(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return stats.spearmanr(y_true, y_pred).statistic


# Several target columns.


def mean_columnwise_rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(sklearn_metrics.root_mean_squared_error(y_true, y_pred, multioutput="raw_values")))


def mean_columnwise_auc(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(
        np.mean([roc_auc(y_true[:, column], y_pred[:, column]) for column in range(y_true.shape[1])])
    )


# Ranked lists of labels: y_pred holds the first k codes of each row's list, -1 where a list is shorter.


def map_at_k(y_true: np.ndarray, y_pred: np.ndarray, *, k: int) -> float:
    """Kaggle's MAP@K with one true label per row: 1 / (position of its first occurrence), 0 past the k-th."""
    hits = y_pred[:, :k] == y_true[:, np.newaxis]
    found = hits.any(axis=1)
    return float(np.mean(np.where(found, 1.0 / (hits.argmax(axis=1) + 1), 0.0)))


def top_k_accuracy(y_true: np.ndarray, y_pred: np.ndarray, *, k: int) -> float:
    return float(np.mean((y_pred[:, :k] == y_true[:, np.newaxis]).any(axis=1)))
