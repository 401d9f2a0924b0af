"""Creating a competition in numbered steps (one page of fieldsets without scripts), the check as the last
step, and the host settings under the same headings."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from competitions.forms import CREATE_STEPS, CompetitionForm
from competitions.models import Competition
from tests.competitions.test_pages import upload
from tests.factories import LABEL_SOLUTION, make_competition

pytestmark = pytest.mark.django_db
STEP_KEYS = [step.key for step in CREATE_STEPS]


def step_html(html: str, key: str) -> str:
    """The markup of one step: from its fieldset to the next step's (or the end of the form)."""
    start = html.index(f'id="step-{key}"')
    following = STEP_KEYS[STEP_KEYS.index(key) + 1 :]
    end = html.index(f'id="step-{following[0]}"') if following else html.rindex("</form>")
    return html[start:end]


def names_in(html: str) -> set[str]:
    return set(re.findall(r'<(?:input|select|textarea)[^>]* name="([^"]+)"', html)) - {"csrfmiddlewaretoken"}


def create_fields(**changes) -> dict:
    start = timezone.now()
    return {
        "title": "Animals",
        "start_at": start.strftime("%Y-%m-%dT%H:%M"),
        "end_at": (start + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "daily_submission_limit": 5,
        "metric": "accuracy",
        "id_column": "id",
        "target_columns": "label",
        "public_fraction": 0.3,
        "solution": upload("solution.csv", LABEL_SOLUTION),
        **changes,
    }


def test_the_create_page_shows_four_numbered_steps_then_the_check(client, host):
    client.force_login(host)

    html = client.get("/competitions/new/").content.decode()

    indicator = html.split("data-step-indicator>")[1].split("</nav>")[0]
    titles = re.findall(r'<span class="step-name">([^<]+)</span>', indicator)
    assert titles == [
        "Basics",
        "Data and solution",
        "Evaluation",
        "Rules, dates and limits",
        "Check and publish",
    ]
    assert [f'href="#step-{key}"' in indicator for key in STEP_KEYS] == [True] * 4
    for number, key in enumerate(STEP_KEYS, start=1):
        assert re.search(rf'<fieldset class="step" id="step-{key}"[^>]*>\s*<legend><h2', html), key
        assert f"Step {number} of 5: </span>" in step_html(html, key)
    assert names_in(step_html(html, "basics")) == {
        "title",
        "slug",
        "subtitle",
        "overview",
        "visibility",
        "accepts_join_requests",
    }
    assert names_in(step_html(html, "data")) == {
        "data_files",
        "source_dataset",
        "solution",
        "id_column",
        "target_columns",
        "public_fraction",
    }
    evaluation = names_in(step_html(html, "evaluation"))
    assert {"metric", "evaluation", "param-map_at_k-k", "param-f1-average"} <= evaluation
    assert "daily_submission_limit" in names_in(step_html(html, "rules"))
    assert 'id="create-draft"' in step_html(html, "rules")
    assert html.count("data-step-next hidden") == 3  # shown by the script; without it the form is one page


def test_every_input_of_the_create_page_has_a_label(client, host):
    client.force_login(host)

    page = client.get("/competitions/new/").content.decode()
    html = page[page.index("<main") :]  # the form's inputs, not the top bar's search box

    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]* id="([^"]+)"', html)
    form = CompetitionForm()
    column_inputs = sum(len(row.fields) for row in form.score_columns.forms)
    assert len(ids) == len(form.fields) + column_inputs
    assert [i for i in ids if f'<label for="{i}">' not in html] == []


def test_every_metric_is_explained_with_its_parameters_under_its_heading(client, host):
    client.force_login(host)

    html = client.get("/competitions/new/").content.decode()

    ranked = html.split('id="metric-map_at_k"')[1].split("</section>")[0]
    accuracy = html.split('id="metric-accuracy"')[1].split("</section>")[0]
    assert 'MAP@K <span class="metric-better">(higher is better)</span></h3>' in ranked
    assert "<legend>Parameters of MAP@K</legend>" in ranked
    assert '<label for="id_param-map_at_k-k">k</label>' in ranked
    assert "Accuracy takes no parameters." in accuracy
    assert 'name="metric_parameters"' not in html


def test_a_solution_with_repeated_ids_is_shown_in_the_data_step(client, host):
    client.force_login(host)
    repeated = "id,label\n1,cat\n1,dog\n2,cat\n3,dog\n"

    response = client.post("/competitions/new/", create_fields(solution=upload("solution.csv", repeated)))

    html = response.content.decode()
    data = step_html(html, "data")
    assert response.status_code == 200
    assert not Competition.objects.exists()
    assert '<div class="field has-error">\n  <label for="id_solution">' in data
    assert "The solution file cannot be used" in data
    assert 'aria-invalid="true"' in data
    assert 'aria-invalid="true"' not in step_html(html, "basics")
    assert '<a href="#id_solution">Solution CSV (hidden)</a>: The solution file cannot be used' in html


def test_a_target_typed_in_another_case_is_shown_on_the_target_field_naming_both_names(client, host):
    client.force_login(host)

    response = client.post("/competitions/new/", create_fields(target_columns="Label"))

    data = step_html(response.content.decode(), "data")
    target = data.split('<label for="id_target_columns">')[1].split("</div>\n</div>")[0]
    solution = data.split('<label for="id_solution">')[1].split('<label for="id_id_column">')[0]
    assert "The file has &#x27;label&#x27;, and &#x27;Label&#x27; was typed" in target
    assert "did you mean" not in data
    assert "field-error" not in solution
    assert not Competition.objects.exists()


def test_a_positive_label_the_solution_needs_is_asked_on_its_input(client, host):
    client.force_login(host)
    solution = "id,y\n" + "".join(f"{i},{'yes' if i % 2 else 'no'}\n" for i in range(1, 21))

    response = client.post(
        "/competitions/new/",
        create_fields(metric="roc_auc", target_columns="y", solution=upload("s.csv", solution)),
    )

    errors = response.context["form"].errors
    assert list(errors) == ["param-roc_auc-positive_label"]
    assert (
        "set the metric parameter positive_label to 'no' or 'yes'"
        in errors["param-roc_auc-positive_label"][0]
    )
    assert 'id="id_param-roc_auc-positive_label_error"' in step_html(response.content.decode(), "evaluation")


def test_a_slug_already_taken_is_shown_in_the_basics_step(client, host):
    make_competition(host=host, slug="animals")
    client.force_login(host)

    response = client.post("/competitions/new/", create_fields(title="More animals", slug="animals"))

    basics = step_html(response.content.decode(), "basics")
    assert "The slug &#x27;animals&#x27; is already taken." in basics


def test_the_check_page_is_the_last_step(client, host):
    competition = make_competition(host=host, publish=False)
    client.force_login(host)

    html = client.get(f"/competitions/{competition.slug}/host/check/").content.decode()

    indicator = html.split("data-step-indicator>")[1].split("</nav>")[0]
    assert re.search(r'<span class="step-link" aria-current="step">.*Check and publish', indicator)
    assert indicator.count('<li class="done">') == 4
    assert f'href="/competitions/{competition.slug}/host/#step-basics"' in indicator
    assert f'href="/competitions/{competition.slug}/host/#rescore"' in indicator


def test_a_published_competitions_check_has_no_steps(client, host):
    competition = make_competition(host=host)
    client.force_login(host)

    html = client.get(f"/competitions/{competition.slug}/host/check/").content.decode()

    assert "data-step-indicator" not in html


def test_the_host_settings_are_grouped_under_the_steps_headings(client, host):
    make_competition(host=host)
    client.force_login(host)

    html = client.get("/competitions/animals/host/").content.decode()

    settings = html.split('id="host-settings-form"')[1].split("</form>")[0]
    headings = re.findall(
        r'<fieldset class="settings-group" id="step-(\w+)">\s*<legend><h3>([^<]+)</h3>', settings
    )
    assert headings == [
        ("basics", "Basics"),
        ("evaluation", "Evaluation"),
        ("rules", "Rules, dates and limits"),
    ]
    groups = {key: settings.split(f'id="step-{key}"')[1].split("</fieldset>")[0] for key, _ in headings}
    assert names_in(groups["basics"]) == {
        "title",
        "subtitle",
        "overview",
        "visibility",
        "accepts_join_requests",
    }
    assert names_in(groups["evaluation"]) == {"evaluation", "sandbox_runtime"}
    assert {"rules", "end_at", "daily_submission_limit", "max_team_size"} <= names_in(groups["rules"])
