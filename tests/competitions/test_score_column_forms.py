"""The create page's secondary score columns: a filled row becomes a column; a bad row is refused with the
message the API gives, on the row's input and in the error summary."""

import pytest

from competitions.models import Competition
from tests.competitions.test_create_steps import create_fields, step_html

pytestmark = pytest.mark.django_db


def rows(*columns: dict, extra: int = 1, initial: int = 0) -> dict:
    """The formset's fields for these rows plus `extra` empty ones, as the page posts them (the first
    `initial` rows stood on the page already, as a competition's current columns do on the rescore form)."""
    fields = {"columns-TOTAL_FORMS": len(columns) + extra, "columns-INITIAL_FORMS": initial}
    for number, column in enumerate(columns):
        fields.update({f"columns-{number}-{name}": value for name, value in column.items()})
    return fields


def test_the_evaluation_step_offers_empty_column_rows(client, host):
    client.force_login(host)

    html = step_html(client.get("/competitions/new/").content.decode(), "evaluation")

    assert "Secondary score columns" in html
    assert 'name="columns-0-metric"' in html
    assert 'name="columns-1-hidden"' in html
    assert 'name="columns-TOTAL_FORMS" value="2"' in html


def test_filled_rows_become_the_competitions_columns_in_order(client, host):
    client.force_login(host)
    fields = create_fields(
        **rows(
            {"metric": "f1", "label": "Macro F1", "params": "average=macro", "precision": 3},
            {"metric": "mcc", "label": "MCC", "direction": "", "hidden": "on"},
        )
    )

    response = client.post("/competitions/new/", fields)

    assert response.status_code == 302, response.content.decode()[:3000]
    competition = Competition.objects.get()
    assert competition.score_columns == [
        {
            "label": "Macro F1",
            "metric": "f1",
            "params": {"average": "macro", "positive_label": None},
            "higher_is_better": True,
            "precision": 3,
            "shown": True,
        },
        {
            "label": "MCC",
            "metric": "mcc",
            "params": {},
            "higher_is_better": True,
            "precision": 4,
            "shown": False,
        },
    ]


BAD_ROWS = [
    (
        {"metric": "mcc", "label": "MCC"},
        {"metric": "balanced_accuracy", "label": "mcc"},
        "Score column 2, label: 'mcc' is used twice",
    ),
    (
        {"metric": "f1", "label": "F1", "params": "average=sideways"},
        None,
        "Score column 1, params: The parameter 'average' of F1 must be one of",
    ),
    (
        {"metric": "f1", "label": "F1", "params": "average"},
        None,
        "Score column 1, params: Write each parameter as name=value",
    ),
    ({"metric": "rmse", "label": "RMSE"}, None, "Score column 1, metric: RMSE reads predictions as number"),
    (
        {"metric": "mcc", "label": "MCC", "precision": 12},
        None,
        "Score column 1, precision: must be a whole number of decimals from 0 to 10, not 12.",
    ),
    ({"metric": "mcc", "label": ""}, None, "Score column 1, label: a column needs a label"),
]


@pytest.mark.parametrize(("first", "second", "message"), BAD_ROWS)
def test_a_bad_row_is_refused_naming_the_column_field_and_rule(client, host, first, second, message):
    client.force_login(host)
    fields = create_fields(**rows(*(column for column in (first, second) if column)))

    response = client.post("/competitions/new/", fields)

    html = response.content.decode()
    assert response.status_code == 200
    assert not Competition.objects.exists()
    summary = html[html.index('id="error-summary"') : html.index("</ul>", html.index('id="error-summary"'))]
    assert message in summary.replace("&#x27;", "'")
    evaluation = step_html(html, "evaluation").replace("&#x27;", "'")
    assert 'class="field-error"' in evaluation
    assert 'data-step="evaluation"' in html


def test_more_than_ten_rows_are_refused(client, host):
    client.force_login(host)
    many = [{"metric": "mcc", "label": f"C{number}"} for number in range(11)]

    response = client.post("/competitions/new/", create_fields(**rows(*many, extra=0)))

    assert not Competition.objects.exists()
    assert "Score columns: A competition has at most 10 secondary score columns." in response.content.decode()


def test_the_rescore_form_shows_the_current_columns_and_a_change_rescores_with_the_new_ones(client, host):
    from scoring.models import Rescore
    from tests.factories import make_competition

    competition = make_competition(
        host=host, score_columns=[{"label": "MCC", "metric": "mcc", "shown": False, "precision": 2}]
    )
    client.force_login(host)
    page = client.get(f"/competitions/{competition.slug}/host/").content.decode()
    assert 'name="columns-0-label" value="MCC"' in page
    assert 'name="columns-TOTAL_FORMS" value="3"' in page  # the current column and two empty rows

    response = client.post(
        f"/competitions/{competition.slug}/host/rescore/",
        {
            "metric": "accuracy",
            **rows(
                {"metric": "mcc", "label": "MCC", "direction": "higher", "precision": 2, "hidden": "on"},
                {"metric": "balanced_accuracy", "label": "Balanced"},
                initial=1,
            ),
        },
    )

    assert response.status_code == 302
    rescore = Rescore.objects.get()
    assert [column["label"] for column in rescore.score_columns] == ["MCC", "Balanced"]


def test_the_rescore_form_refuses_a_bad_column_with_the_apis_message(client, host):
    from scoring.models import Rescore
    from tests.factories import make_competition

    competition = make_competition(host=host)
    client.force_login(host)

    response = client.post(
        f"/competitions/{competition.slug}/host/rescore/",
        {"metric": "accuracy", **rows({"metric": "mcc", "label": "rank"})},
        follow=True,
    )

    assert not Rescore.objects.exists()
    assert (
        "Score column 1, label: &#x27;rank&#x27; is a heading the board already has"
        in response.content.decode()
    )
