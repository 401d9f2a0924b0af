"""The home page and the competitions list page with its search, filters, order and pages."""

from datetime import timedelta

import pytest

from competitions.forms import CompetitionFilterForm
from competitions.views import LIST_PAGE_SIZE
from scoring import engine
from tests.datasets.test_datasets import named
from tests.factories import make_competition


def card_titles(response) -> list[str]:
    html = response.content.decode()
    return [part.split("</h3>")[0] for part in html.split("<h3>")[1:]]


def test_home_shows_running_then_upcoming_then_finished_then_datasets(
    client, api_for, participant, catalogue
):
    api_for(participant).post(
        "/api/v1/datasets/", {"title": "Bird songs", "files": [named("a.csv", "x\n1\n")]}, format="multipart"
    )

    response = client.get("/")

    assert response.status_code == 200
    assert card_titles(response) == ["House prices", "Animals", "Future birds", "Old cats", "Bird songs"]
    html = response.content.decode()
    assert "left</strong>" in html
    assert "2 teams" in html
    assert "Secret draft" not in html


def test_the_list_filters_by_status_and_prediction_and_searches(client, catalogue):
    assert card_titles(client.get("/competitions/?status=finished")) == ["Old cats"]
    assert card_titles(client.get("/competitions/?prediction=number")) == ["House prices"]
    assert card_titles(client.get("/competitions/?q=birds")) == ["Future birds"]
    assert card_titles(client.get("/competitions/?ordering=title")) == [
        "Animals",
        "Future birds",
        "House prices",
        "Old cats",
    ]


def test_a_filter_matching_nothing_says_so_and_offers_to_clear(client, catalogue):
    html = client.get("/competitions/?q=zzz").content.decode()
    assert "No competition matches these filters." in html
    assert "clear filters" in html


def test_unknown_filter_values_fall_back_to_everything(client, catalogue):
    response = client.get("/competitions/?status=closed&ordering=best")
    assert response.status_code == 200
    assert len(card_titles(response)) == 4


def test_the_list_pages_and_keeps_the_filters_in_its_links(client, host):
    for n in range(LIST_PAGE_SIZE + 2):
        make_competition(host=host, title=f"C{n:02}", slug=f"c{n:02}", lasts=timedelta(days=2 + n))

    first = client.get("/competitions/?ordering=title")
    second = client.get("/competitions/?ordering=title&page=2")

    assert len(card_titles(first)) == LIST_PAGE_SIZE
    assert card_titles(second) == [f"C{n:02}" for n in range(LIST_PAGE_SIZE, LIST_PAGE_SIZE + 2)]
    assert 'href="?ordering=title&page=2"' in first.content.decode()


def test_every_prediction_kind_of_the_engine_is_a_filter_choice():
    choices = {value for value, _ in CompetitionFilterForm.base_fields["prediction"].choices if value}
    assert choices == set(engine.PREDICTION_KINDS)


@pytest.mark.parametrize("path", ["/", "/competitions/"])
def test_every_filter_field_has_a_label(client, db, path):
    html = client.get(path).content.decode()
    for field in ("q", "status", "prediction", "ordering") if path != "/" else ():
        assert f'for="id_{field}"' in html


def test_a_featured_competition_leads_the_running_ones_on_the_home_page(client, catalogue):
    catalogue.featured = True
    catalogue.save(update_fields=["featured"])

    response = client.get("/")

    assert card_titles(response)[:2] == ["Animals", "House prices"]
    assert "Featured</span>" in response.content.decode()


def test_search_finds_competitions_by_their_metric_and_its_kind(client, catalogue):
    assert card_titles(client.get("/competitions/?q=regression")) == ["House prices"]
    assert card_titles(client.get("/competitions/?q=RMSE")) == ["House prices"]
    assert set(card_titles(client.get("/competitions/?q=classification"))) == {
        "Animals",
        "Future birds",
        "Old cats",
    }


def test_the_prediction_filters_empty_choice_reads_any_kind(client, db):
    page = client.get("/competitions/").content.decode()

    assert '<option value="" selected>Any kind</option>' in page
    assert "Any metric" not in page
