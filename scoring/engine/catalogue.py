"""The built-in metrics: what a host picks from, what the Evaluation page says, and each one's definition."""

from typing import TypedDict, Unpack

from sklearn import metrics as sklearn_metrics

from . import scorers
from .metrics import (
    CLASS_PROBABILITIES,
    LABEL,
    NUMBER,
    PROBABILITY,
    RANKED_LABELS,
    Metric,
    MetricParam,
    Scorer,
    register_metric,
)

POSITIVE_LABEL = MetricParam(
    name="positive_label",
    kind="str",
    default=None,
    description=(
        "The solution label of the positive class. Needed when the two labels are not 0/1 or True/False."
    ),
)
AVERAGE = MetricParam(
    name="average",
    kind="str",
    default="binary",
    description=(
        "How the per-class scores combine: binary (the positive class only; needs exactly two labels), "
        "micro (over all predictions), macro (mean over classes) or weighted (mean weighted by class size)."
    ),
    choices=("binary", "micro", "macro", "weighted"),
)


def top_k(default: int) -> MetricParam:
    return MetricParam(
        name="k",
        kind="int",
        default=default,
        description="How many labels of each list count; labels after the k-th are ignored.",
        minimum=1,
    )


ONE_LABEL = "For every id, the target column must hold one of the competition's class labels."
BINARY_SCORE = (
    "For every id, the target column must hold a number that is higher the more likely the row is "
    "positive, such as a probability."
)
ONE_NUMBER = "For every id, the target column must hold a finite number."
ONE_COLUMN_PER_CLASS = (
    "For every id, the submission needs one column per class, named by the class label, holding the "
    "probability of that class (between 0 and 1). Each row is divided by its sum, so it need not sum to 1 "
    "exactly, but it must not be all zeros."
)
RANKED_LIST = (
    "For every id, the target column must hold the predicted labels separated by spaces, most likely "
    "first, each one of the competition's labels; only the first k count."
)


class _MetricOptions(TypedDict, total=False):
    """The keyword fields of `Metric` the catalogue's helpers pass through."""

    needs_both_classes: bool
    params: tuple[MetricParam, ...]
    multi_target: bool
    prediction_range: tuple[float, float] | None
    nonnegative: bool
    nonzero_truth: bool
    integer_labels: bool
    needs_varying_prediction: bool


def _label_metric(
    key: str, name: str, summary: str, scorer: Scorer, **options: Unpack[_MetricOptions]
) -> tuple[Metric, Scorer]:
    return Metric(key, name, True, LABEL, f"{summary} {ONE_LABEL}", **options), scorer


def _averaged(key: str, name: str, what: str, scorer: Scorer) -> tuple[Metric, Scorer]:
    summary = (
        f"{what}; higher is better. The average parameter says how classes combine: binary scores the "
        "positive class of a two-label target, micro, macro and weighted average over classes."
    )
    return _label_metric(key, name, summary, scorer, params=(AVERAGE, POSITIVE_LABEL))


def _number_metric(
    key: str,
    name: str,
    higher_is_better: bool,
    summary: str,
    scorer: Scorer,
    **options: Unpack[_MetricOptions],
) -> tuple[Metric, Scorer]:
    return Metric(key, name, higher_is_better, NUMBER, f"{summary} {ONE_NUMBER}", **options), scorer


BUILT_IN: list[tuple[Metric, Scorer]] = [
    _label_metric(
        "accuracy",
        "Accuracy",
        "The share of rows whose predicted label is exactly the true label; higher is better.",
        sklearn_metrics.accuracy_score,
    ),
    _label_metric(
        "balanced_accuracy",
        "Balanced accuracy",
        "The mean over classes of the share of that class's rows predicted right (the mean recall), so "
        "every class weighs the same however rare; higher is better.",
        sklearn_metrics.balanced_accuracy_score,
    ),
    _averaged("f1", "F1", "The F1 score, the harmonic mean of precision and recall", scorers.f1),
    _averaged(
        "precision",
        "Precision",
        "The precision: of the rows predicted as a class, the share that truly are",
        scorers.precision,
    ),
    _averaged(
        "recall", "Recall", "The recall: of the rows of a class, the share predicted as it", scorers.recall
    ),
    _label_metric(
        "macro_f1",
        "Macro F1",
        "The F1 score of each class, averaged with equal weight per class, so rare classes count as much as "
        "common ones; higher is better.",
        scorers.f1,
    ),
    _label_metric(
        "mcc",
        "Matthews correlation",
        "The Matthews correlation coefficient between predicted and true labels, from -1 (always wrong) "
        "through 0 (no better than chance) to 1 (perfect); higher is better.",
        sklearn_metrics.matthews_corrcoef,
        needs_both_classes=True,  # a split holding one class scores 0 whatever the predictions
    ),
    _label_metric(
        "qwk",
        "Quadratic weighted kappa",
        "Cohen's kappa with quadratic weights on ordered integer labels (a rating scale): agreement beyond "
        "chance, where a prediction two steps off costs four times one step off; 1 is perfect, 0 is "
        "chance; higher is better.",
        scorers.quadratic_weighted_kappa,
        integer_labels=True,
        needs_both_classes=True,
    ),
    (
        Metric(
            "roc_auc",
            "ROC AUC",
            True,
            PROBABILITY,
            "The area under the ROC curve of a binary target: the chance that a random positive row is "
            f"ranked above a random negative one; higher is better. {BINARY_SCORE}",
            needs_both_classes=True,
            params=(POSITIVE_LABEL,),
        ),
        scorers.roc_auc,
    ),
    (
        Metric(
            "roc_auc_ovr",
            "ROC AUC (one-vs-rest)",
            True,
            CLASS_PROBABILITIES,
            "The ROC AUC of each class against all others, averaged with equal weight per class (macro); "
            f"higher is better. {ONE_COLUMN_PER_CLASS}",
            needs_both_classes=True,
            prediction_range=(0.0, 1.0),
        ),
        scorers.roc_auc_one_vs_rest,
    ),
    (
        Metric(
            "log_loss",
            "Log loss",
            False,
            PROBABILITY,
            "The logarithmic loss (binary cross-entropy) of a binary target; lower is better, and confident "
            "wrong answers cost the most. For every id, the target column must hold the probability that "
            "the row is positive, between 0 and 1.",
            params=(POSITIVE_LABEL,),
            prediction_range=(0.0, 1.0),
        ),
        scorers.log_loss,
    ),
    (
        Metric(
            "multiclass_log_loss",
            "Multiclass log loss",
            False,
            CLASS_PROBABILITIES,
            "The logarithmic loss (cross-entropy) over all classes, with probabilities clipped to "
            "[ε, 1 − ε] (ε ≈ 2.2e-16, float64's machine epsilon) after the rows are renormalised, as "
            "scikit-learn does; lower is better, and confident wrong answers cost the most. "
            f"{ONE_COLUMN_PER_CLASS}",
            prediction_range=(0.0, 1.0),
        ),
        scorers.multiclass_log_loss,
    ),
    (
        Metric(
            "normalized_gini",
            "Normalized Gini",
            True,
            NUMBER,
            "Kaggle's normalized Gini coefficient: how well the predictions order the rows by their true "
            "value, relative to the perfect order (for a 0/1 target, 2 × ROC AUC − 1); rows with equal "
            "predictions count in the mean of their orders; higher is better. The solution holds a numeric "
            "target (0/1 for a binary one). For every id, the target column must hold a finite number that "
            "is higher the larger the true value is expected to be.",
            needs_both_classes=True,
        ),
        scorers.normalized_gini,
    ),
    (
        Metric(
            "average_precision",
            "Average precision",
            True,
            PROBABILITY,
            "The average precision of a binary target (the area under the precision-recall curve, as "
            f"scikit-learn computes it); higher is better. {BINARY_SCORE}",
            needs_both_classes=True,
            params=(POSITIVE_LABEL,),
        ),
        scorers.average_precision,
    ),
    _number_metric(
        "rmse",
        "RMSE",
        False,
        "The root mean squared error between predicted and true values; lower is better, and large errors "
        "weigh more than small ones.",
        sklearn_metrics.root_mean_squared_error,
    ),
    _number_metric(
        "mse",
        "MSE",
        False,
        "The mean squared error between predicted and true values; lower is better.",
        sklearn_metrics.mean_squared_error,
    ),
    _number_metric(
        "rmsle",
        "RMSLE",
        False,
        "The root mean squared logarithmic error, the RMSE of log(1 + value): relative errors count, so it "
        "suits targets spanning orders of magnitude; lower is better. True and predicted values must not be "
        "negative.",
        sklearn_metrics.root_mean_squared_log_error,
        nonnegative=True,
    ),
    _number_metric(
        "mae",
        "MAE",
        False,
        "The mean absolute error between predicted and true values; lower is better.",
        sklearn_metrics.mean_absolute_error,
    ),
    _number_metric(
        "median_absolute_error",
        "Median absolute error",
        False,
        "The median of the absolute errors between predicted and true values, robust to a few wild "
        "predictions; lower is better.",
        sklearn_metrics.median_absolute_error,
    ),
    _number_metric(
        "mape",
        "MAPE",
        False,
        "The mean absolute percentage error, |true − predicted| / |true| averaged over rows (0.1 means 10%); "
        "lower is better. No true value is zero.",
        sklearn_metrics.mean_absolute_percentage_error,
        nonzero_truth=True,
    ),
    _number_metric(
        "r2",
        "R²",
        True,
        "The coefficient of determination: 1 minus the squared error relative to predicting the mean; 1 is "
        "perfect and it can be negative; higher is better.",
        scorers.r2,
        needs_both_classes=True,
    ),
    _number_metric(
        "pearson",
        "Pearson correlation",
        True,
        "The Pearson (linear) correlation between predicted and true values, from -1 to 1; higher is "
        "better. Predictions that are all equal cannot be scored.",
        scorers.pearson,
        needs_both_classes=True,
        needs_varying_prediction=True,
    ),
    _number_metric(
        "spearman",
        "Spearman correlation",
        True,
        "The Spearman (rank) correlation between predicted and true values, from -1 to 1: only the order "
        "of the predictions matters; higher is better. Predictions that are all equal cannot be scored.",
        scorers.spearman,
        needs_both_classes=True,
        needs_varying_prediction=True,
    ),
    (
        Metric(
            "mcrmse",
            "MCRMSE",
            False,
            NUMBER,
            "The mean column-wise root mean squared error: the RMSE of each target column, averaged over "
            "the columns; lower is better. For every id, the submission needs each target column, holding "
            "a finite number.",
            multi_target=True,
        ),
        scorers.mean_columnwise_rmse,
    ),
    (
        Metric(
            "mean_columnwise_auc",
            "Mean column-wise ROC AUC",
            True,
            PROBABILITY,
            "The ROC AUC of each binary target column, averaged over the columns; higher is better. For "
            "every id, the submission needs each target column, holding a number that is higher the more "
            "likely that target is positive, such as a probability.",
            needs_both_classes=True,
            params=(POSITIVE_LABEL,),
            multi_target=True,
        ),
        scorers.mean_columnwise_auc,
    ),
    (
        Metric(
            "map_at_k",
            "MAP@K",
            True,
            RANKED_LABELS,
            "Mean average precision at k with one true label per row, as on Kaggle: 1 when the true label "
            "comes first in the list, 1/2 when second, and so on, 0 when it is not among the first k; a "
            f"repeated label counts once; higher is better. {RANKED_LIST}",
            params=(top_k(5),),
        ),
        scorers.map_at_k,
    ),
    (
        Metric(
            "top_k_accuracy",
            "Top-k accuracy",
            True,
            RANKED_LABELS,
            "The share of rows whose true label is among the first k labels listed; higher is better. "
            f"{RANKED_LIST}",
            params=(top_k(3),),
        ),
        scorers.top_k_accuracy,
    ),
]

for _metric, _scorer in BUILT_IN:
    register_metric(_metric, _scorer)
