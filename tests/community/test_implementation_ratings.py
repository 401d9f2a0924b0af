"""Readers rate a paper's external implementations; the paper page shows a compact control on each row and
lists the official ones first, then the best rated by the damped average."""

import re

import pytest

from community.models import Paper, PaperImplementation, Rating
from community.papers import add_implementation
from tests.community.conftest import old_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(db):
    return Paper.objects.create(title="Deep Residual Learning", authors=["K. He"], arxiv_id="1512.03385")


@pytest.fixture
def repositories(paper):
    return [
        add_implementation(paper=paper, repository_url="https://github.com/a/official", is_official=True),
        add_implementation(paper=paper, repository_url="https://github.com/b/fair"),
        add_implementation(paper=paper, repository_url="https://github.com/c/great"),
    ]


def url(implementation) -> str:
    return f"/api/v1/ratings/implementation/{implementation.pk}/"


def test_a_reader_rates_an_implementation_through_the_api(api_for, repositories, carol, dave):
    _, fair, _ = repositories
    first = api_for(carol).put(url(fair), {"stars": 4}, format="json")
    both = api_for(dave).put(url(fair), {"stars": 2}, format="json")
    read = api_for(carol).get(url(fair))

    assert first.status_code == 200
    assert first.json()["target"] == str(fair.pk)
    assert (both.json()["rating_count"], both.json()["rating_average"]) == (2, 3.0)
    assert read.json()["your_stars"] == 4
    fair.refresh_from_db()
    assert (fair.rating_count, fair.rating_sum) == (2, 6)


def test_the_paper_api_answers_each_implementations_id_and_rating(
    api_for, client, repositories, carol, paper
):
    _, fair, _ = repositories
    api_for(carol).put(url(fair), {"stars": 5}, format="json")

    rows = client.get(f"/api/v1/papers/{paper.pk}/").json()["implementations"]

    answered = {row["id"]: (row["rating_count"], row["rating_average"]) for row in rows}
    assert answered[fair.pk] == (1, 5.0)
    assert answered[repositories[0].pk] == (0, None)


@pytest.mark.parametrize("key", ["999999", "abc", "1.5"])
def test_an_unknown_implementation_is_a_404(api_for, carol, key):
    response = api_for(carol).put(f"/api/v1/ratings/implementation/{key}/", {"stars": 3}, format="json")

    assert response.status_code == 404
    assert response.json()["message"] == f"No paper implementation {key} exists."


def test_an_implementation_has_no_author_so_anyone_signed_in_may_rate_it(api_for, repositories, host):
    # The row records no one who added it: even the host of the site's competitions may rate it.
    response = api_for(old_account("erin")).put(url(repositories[1]), {"stars": 3}, format="json")

    assert response.status_code == 200


def test_the_page_orders_official_first_then_by_the_damped_average(client, repositories, paper):
    official, fair, great = repositories
    raters = [old_account(f"rater{n}") for n in range(4)]
    for rater in raters:
        Rating.objects.create(user=rater, target=great, stars=5)
        Rating.objects.create(user=rater, target=fair, stars=2)
    PaperImplementation.objects.filter(pk=great.pk).update(rating_count=4, rating_sum=20)
    PaperImplementation.objects.filter(pk=fair.pk).update(rating_count=4, rating_sum=8)

    page = client.get(f"/papers/{paper.pk}/").content.decode()

    rows = re.findall(r'<tr id="implementation-(\d+)"', page)
    assert rows == [str(official.pk), str(great.pk), str(fair.pk)]


def test_each_row_has_a_compact_control_without_repeated_ids(client, repositories, paper, carol):
    client.force_login(carol)
    page = client.get(f"/papers/{paper.pk}/").content.decode()

    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert 'id="rating"' not in page
    for implementation in repositories:
        assert f'action="/community/ratings/implementation/{implementation.pk}/"' in page
    assert page.count('name="anchor"') == 3


def test_rating_from_the_page_returns_to_the_row_and_shows_the_stars(client, repositories, paper, carol):
    _, fair, _ = repositories
    client.force_login(carol)
    response = client.post(
        f"/community/ratings/implementation/{fair.pk}/",
        {"stars": "4", "next": f"/papers/{paper.pk}/", "anchor": f"implementation-{fair.pk}"},
    )
    page = client.get(f"/papers/{paper.pk}/").content.decode()

    assert response.status_code == 302
    assert response["Location"] == f"/papers/{paper.pk}/#implementation-{fair.pk}"
    row = page.split(f'id="implementation-{fair.pk}"')[1].split("</tr>")[0]
    assert '<strong class="rating-average">4.0</strong>' in row
    assert "Remove my rating" in row


def test_a_bad_anchor_falls_back_to_the_full_widgets(client, repositories, paper, carol):
    client.force_login(carol)
    response = client.post(
        f"/community/ratings/implementation/{repositories[1].pk}/",
        {"stars": "4", "next": f"/papers/{paper.pk}/", "anchor": '"><script>'},
    )

    assert response["Location"] == f"/papers/{paper.pk}/#rating"


def test_a_visitor_sees_the_averages_but_no_buttons(client, repositories, paper):
    page = client.get(f"/papers/{paper.pk}/").content.decode()

    assert page.count("No ratings") == 3
    assert "/community/ratings/implementation/" not in page
