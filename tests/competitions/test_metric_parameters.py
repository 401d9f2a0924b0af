"""One input per metric parameter on the create and rescore forms: typed, checked, named in every error."""

import pytest
from django.utils.html import escape

from competitions.forms import CompetitionForm, RescoreForm
from scoring import engine
from scoring.models import Rescore
from tests.factories import make_competition

pytestmark = pytest.mark.django_db
BINARY = "id,label\n" + "".join(f"{i},{i % 2}\n" for i in range(1, 11))


def rescore_form(metric: str, **parameters) -> RescoreForm:
    data = {"metric": metric}
    data.update({f"param-{metric}-{name}": value for name, value in parameters.items()})
    return RescoreForm(data)


def test_the_chosen_metrics_parameters_are_typed():
    ranked = rescore_form("map_at_k", k=" 7 ")
    averaged = rescore_form("f1", average="Macro", positive_label="")

    assert ranked.is_valid()
    assert averaged.is_valid()
    assert ranked.cleaned_data["metric_params"] == {"k": 7}
    assert averaged.cleaned_data["metric_params"] == {"average": "macro"}  # blank: the default applies


@pytest.mark.parametrize(
    ("metric", "parameter", "value", "message"),
    [
        ("map_at_k", "k", "five", "k: must be a whole number of at least 1, not 'five'."),
        ("top_k_accuracy", "k", "0", "k: must be a whole number of at least 1, not '0'."),
        ("top_k_accuracy", "k", "2.5", "k: must be a whole number of at least 1, not '2.5'."),
        (
            "recall",
            "average",
            "median",
            "average: must be one of 'binary', 'micro', 'macro' or 'weighted', not 'median'.",
        ),
    ],
)
def test_a_value_that_does_not_fit_is_refused_naming_the_parameter(metric, parameter, value, message):
    form = rescore_form(metric, **{parameter: value})

    assert not form.is_valid()
    assert form.errors[f"param-{metric}-{parameter}"] == [message]


def test_a_required_parameter_left_empty_is_refused(monkeypatch):
    alpha = engine.MetricParam(
        "alpha", "float", None, "The quantile to score, between 0 and 1.", required=True
    )
    pinball = engine.Metric(
        "pinball", "Pinball loss", False, engine.NUMBER, "The quantile loss.", params=(alpha,)
    )
    monkeypatch.setitem(engine.METRICS, "pinball", pinball)

    empty = rescore_form("pinball", alpha="")
    given = rescore_form("pinball", alpha="0.9")

    assert empty.errors["param-pinball-alpha"] == [
        "alpha: Pinball loss needs it. The quantile to score, between 0 and 1."
    ]
    assert empty["param-pinball-alpha"].label == "alpha (required)"
    assert given.is_valid()
    assert given.cleaned_data["metric_params"] == {"alpha": 0.9}


def test_the_parameters_of_a_metric_not_chosen_are_ignored():
    form = RescoreForm(
        {"metric": "accuracy", "param-map_at_k-k": "not a number", "param-f1-average": "median"}
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["metric_params"] == {}


def test_each_parameter_gets_an_input_of_its_kind_with_the_default():
    form = CompetitionForm()

    k = str(form["param-map_at_k-k"])
    average = str(form["param-f1-average"])
    positive_label = str(form["param-roc_auc-positive_label"])

    assert 'type="number"' in k
    assert 'min="1"' in k
    assert 'step="1"' in k
    assert 'value="5"' in k
    assert average.startswith("<select")
    assert '<option value="binary" selected>binary</option>' in average
    assert '<option value="weighted">weighted</option>' in average
    assert 'type="text"' in positive_label
    assert "value=" not in positive_label
    assert form["param-map_at_k-k"].help_text.endswith("Default: 5.")
    assert form["param-roc_auc-positive_label"].help_text.endswith("Optional.")


def test_the_rescore_form_starts_from_the_competitions_metric_and_parameters(host):
    competition = make_competition(host=host, metric="f1", solution=BINARY)
    competition.metric_params = {"average": "macro"}

    form = RescoreForm(competition=competition)

    assert form["metric"].value() == "f1"
    assert form["param-f1-average"].value() == "macro"
    assert form["param-precision-average"].value() == "binary"  # other metrics keep their defaults


def test_the_host_page_rescores_with_a_parameter_and_names_a_wrong_one(client, host):
    make_competition(host=host, metric="accuracy")
    client.force_login(host)

    page = client.get("/competitions/animals/host/").content.decode()
    refused = client.post(
        "/competitions/animals/host/rescore/",
        {"metric": "top_k_accuracy", "param-top_k_accuracy-k": "0"},
        follow=True,
    )
    started = client.post(
        "/competitions/animals/host/rescore/", {"metric": "top_k_accuracy", "param-top_k_accuracy-k": "2"}
    )

    assert 'name="param-top_k_accuracy-k"' in page
    assert 'name="metric_parameters"' not in page
    assert escape("k: must be a whole number of at least 1, not '0'.") in refused.content.decode()
    assert started.status_code == 302
    assert Rescore.objects.get().metric_params == {"k": 2}


def test_the_defaults_spelled_out_change_nothing_to_rescore(client, host):
    make_competition(host=host, metric="f1", solution=BINARY)
    client.force_login(host)

    response = client.post(
        "/competitions/animals/host/rescore/", {"metric": "f1", "param-f1-average": "binary"}, follow=True
    )

    assert "Nothing would change" in response.content.decode()
    assert not Rescore.objects.exists()
