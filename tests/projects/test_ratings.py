"""Projects are rated as datasets are: by readers, never by their owner, and Code tabs list the best rated
first."""

import pytest

from community.ratings import rate
from projects.services import NewFile, create_project
from tests.community.conftest import old_account
from tests.factories import make_competition
from tests.projects.conftest import SCRIPT, named

pytestmark = pytest.mark.django_db


def project(owner, title, competition=None):
    return create_project(
        owner=owner,
        title=title,
        files=[NewFile("train.py", named("train.py", SCRIPT))],
        competitions=[competition.slug] if competition else (),
    )


def test_a_reader_rates_a_project_through_the_api_and_its_owner_cannot(api_for, participant):
    baseline = project(participant, "Baseline")
    reader = old_account("reader")

    rated = api_for(reader).put(f"/api/v1/ratings/project/{baseline.slug}/", {"stars": 4}, format="json")
    own = api_for(participant).put(f"/api/v1/ratings/project/{baseline.slug}/", {"stars": 5}, format="json")

    assert rated.status_code == 200, rated.json()
    assert own.status_code == 403
    assert own.json()["code"] == "own_work"
    baseline.refresh_from_db()
    assert (baseline.rating_count, baseline.rating_sum) == (1, 4)


def test_the_code_tab_lists_the_best_rated_project_first_and_shows_the_widget(client, host, participant):
    competition = make_competition(host=host)
    plain = project(participant, "Plain", competition)
    liked = project(participant, "Liked", competition)
    for n in range(3):
        rate(user=old_account(f"fan{n}"), target=liked, stars=5)
    rate(user=old_account("critic"), target=plain, stars=2)

    tab = client.get(f"/competitions/{competition.slug}/code/").content.decode()
    page = client.get(f"/projects/{liked.slug}/").content.decode()

    assert tab.index("Liked") < tab.index("Plain")
    assert "<strong>best rated</strong>" in tab
    assert "★ 5.0 (3)" in tab
    assert 'class="rating' in page
