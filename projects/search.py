"""Projects in site search (community.search): the ones the reader's lists would show them."""

from django.urls import reverse

from accounts.models import User
from community.search import SearchHit, SearchSource, matching, register_source
from projects.queries import listed_projects


def find_projects(user: User, query: str, limit: int) -> list[SearchHit]:
    projects = matching(listed_projects(user).order_by(), query, ("title", "subtitle", "description", "slug"))
    return [
        SearchHit("projects", p.title, p.subtitle, reverse("projects:detail", args=[p.slug]))
        for p in projects[:limit]
    ]


register_source(SearchSource("projects", "Projects", find_projects))
