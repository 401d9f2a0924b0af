"""A visitor's rows of a paper's repositories are a cached fragment, keyed by everything they show: a new
rating or repository makes a new key (never a stale row), and a signed-in reader's rows (their own stars and
forms) are never cached."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.test import RequestFactory

from community.models import Paper
from community.paper_views import anonymous_rows_key
from community.papers import add_implementation, ranked_implementations
from community.ratings import rate
from tests.community.conftest import old_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(db):
    paper = Paper.objects.create(title="Deep Residual Learning", authors=["K. He"], arxiv_id="1512.03385")
    add_implementation(paper=paper, repository_url="https://github.com/a/official", is_official=True)
    add_implementation(paper=paper, repository_url="https://github.com/b/fair")
    return paper


def visitor_key(paper) -> str:
    request = RequestFactory().get(f"/papers/{paper.pk}/")
    request.user = AnonymousUser()
    return make_template_fragment_key(
        "paper-implementation-rows", [anonymous_rows_key(request, list(ranked_implementations(paper)))]
    )


def test_a_visitors_rows_are_served_from_the_cache(client, paper):
    client.get(f"/papers/{paper.pk}/")
    assert "github.com/b/fair" in cache.get(visitor_key(paper))
    cache.set(visitor_key(paper), '<tr><td id="from-cache">cached rows</td></tr>')

    page = client.get(f"/papers/{paper.pk}/").content.decode()

    assert '<td id="from-cache">cached rows</td>' in page


def test_a_new_rating_changes_the_key_so_visitors_never_see_a_stale_row(client, paper):
    before = visitor_key(paper)
    client.get(f"/papers/{paper.pk}/")
    fair = paper.implementations.get(repository_url="https://github.com/b/fair")

    rate(user=old_account("carol"), target=fair, stars=4)
    page = client.get(f"/papers/{paper.pk}/").content.decode()

    assert visitor_key(paper) != before
    row = page[page.index(f'id="implementation-{fair.pk}"') :]
    assert '<strong class="rating-average">4.0</strong>' in row[: row.index("</tr>")]


def test_a_signed_in_readers_rows_are_their_own_and_not_cached(client, paper):
    carol = old_account("carol")
    fair = paper.implementations.get(repository_url="https://github.com/b/fair")
    rate(user=carol, target=fair, stars=3)
    client.get(f"/papers/{paper.pk}/")  # a visitor's rows, cached
    cache.set(visitor_key(paper), '<tr><td id="from-cache">cached rows</td></tr>')
    client.force_login(carol)

    page = client.get(f"/papers/{paper.pk}/").content.decode()

    assert "from-cache" not in page
    assert 'aria-pressed="true" title="3 stars"' in page
