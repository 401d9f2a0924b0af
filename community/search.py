"""Site search: one query across kinds of things (papers, competitions, datasets, tasks), grouped by kind.

Each kind is a SearchSource: a function that takes the reader and the query and returns that kind's matches
the reader may see. Another app adds its kind with `register_source` from its AppConfig.ready (the projects
app adds projects that way). On PostgreSQL a source ranks by full-text search (SearchVector, SearchQuery,
SearchRank over its text fields); on any other database it falls back to a case-insensitive contains."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.urls import reverse

from accounts.models import User
from community.benchmark_tasks import visible_tasks
from community.models import Paper
from competitions.queries import search_competitions
from config.errors import DomainError
from config.plain_text import refuse_control_characters
from datasets.queries import search_datasets

MAX_QUERY_LENGTH = 200
PER_KIND = 10


class SearchRefused(DomainError):
    code = "search_refused"


@dataclass(frozen=True)
class SearchHit:
    kind: str
    title: str
    subtitle: str
    url: str


@dataclass(frozen=True)
class SearchSource:
    kind: str  # "papers"
    label: str  # "Papers"
    find: Callable[[User, str, int], list[SearchHit]]


SOURCES: dict[str, SearchSource] = {}


def register_source(source: SearchSource) -> None:
    """Add a kind to site search (or replace the one of that kind)."""
    SOURCES[source.kind] = source


def cleaned_query(query: str | None) -> str:
    query = " ".join((query or "").split())
    if not query:
        raise SearchRefused(
            "Type what to search for.", code="search_empty", details={"fields": {"q": ["Required."]}}
        )
    refuse_control_characters(query, field="q", label="search")
    if len(query) > MAX_QUERY_LENGTH:
        raise SearchRefused(
            f"The search is {len(query)} characters long; search with at most {MAX_QUERY_LENGTH}.",
            code="search_too_long",
            details={"fields": {"q": [f"At most {MAX_QUERY_LENGTH} characters."]}},
        )
    return query


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def matching(queryset: QuerySet, query: str, fields: tuple[str, ...]) -> QuerySet:
    """The rows matching the query: ranked by PostgreSQL full-text search there, else containing it."""
    if uses_full_text():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(*fields, config="english")
        search = SearchQuery(query, search_type="websearch", config="english")
        # Matching is the @@ operator (filter on the vector); the rank only orders (ts_rank is never 0).
        return (
            queryset.annotate(search_vector=vector, search_rank=SearchRank(vector, search))
            .filter(search_vector=search)
            .order_by(F("search_rank").desc(), "pk")
        )
    wanted = Q()
    for field in fields:
        wanted |= Q(**{f"{field}__icontains": query})
    return queryset.filter(wanted)


def find_papers(user: User, query: str, limit: int) -> list[SearchHit]:
    papers = matching(Paper.objects.all(), query, ("title", "abstract", "arxiv_id", "doi", "venue"))
    return [
        SearchHit(
            "papers",
            paper.title,
            ", ".join(paper.authors[:3]) + (" et al." if len(paper.authors) > 3 else ""),
            reverse("community:paper", args=[paper.pk]),
        )
        for paper in papers[:limit]
    ]


def find_competitions(user: User, query: str, limit: int) -> list[SearchHit]:
    # search_competitions is the list door: private and unlisted competitions only for those let in.
    competitions = matching(search_competitions(user).order_by(), query, ("title", "subtitle", "slug"))
    return [
        SearchHit("competitions", c.title, c.subtitle, reverse("competitions:overview", args=[c.slug]))
        for c in competitions[:limit]
    ]


def find_datasets(user: User, query: str, limit: int) -> list[SearchHit]:
    datasets = matching(search_datasets(user).order_by(), query, ("title", "subtitle", "description", "slug"))
    return [
        SearchHit("datasets", d.title, d.subtitle, reverse("datasets:detail", args=[d.slug]))
        for d in datasets[:limit]
    ]


def find_tasks(user: User, query: str, limit: int) -> list[SearchHit]:
    tasks = matching(visible_tasks(user).order_by(), query, ("name", "description"))
    return [
        SearchHit(
            "tasks",
            task.name,
            f"{task.benchmark_count} benchmark{'s' if task.benchmark_count != 1 else ''}",
            reverse("community:task", args=[task.slug]),
        )
        for task in tasks[:limit]
    ]


register_source(SearchSource("papers", "Papers", find_papers))
register_source(SearchSource("competitions", "Competitions", find_competitions))
register_source(SearchSource("datasets", "Datasets", find_datasets))
register_source(SearchSource("tasks", "Tasks", find_tasks))


@dataclass(frozen=True)
class SearchGroup:
    kind: str
    label: str
    hits: list[SearchHit]


def site_search(user: User, query: str | None, *, per_kind: int = PER_KIND) -> list[SearchGroup]:
    """Every kind's matches the reader may see, in the order the kinds were registered."""
    query = cleaned_query(query)
    return [
        SearchGroup(source.kind, source.label, source.find(user, query, per_kind))
        for source in SOURCES.values()
    ]
