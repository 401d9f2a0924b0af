"""Papers: one record per paper, found by its arXiv id, DOI or address, with every implementation Podium knows
(external repositories, write-ups that cite it) and the results it has on benchmarks.

Write-ups keep the paper fields their authors fill in; saving one links it to the paper those fields name,
creating the paper the first time it is cited."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet

from accounts.models import User
from community.models import ImportedResult, Paper, PaperImplementation, WriteUp
from competitions.queries import visible_competitions
from config.errors import DomainError, NotFound
from config.plain_text import refuse_control_characters
from config.ratings import damped_average

# 10.<registrant>/<suffix>: the registrant is digits (dot-separated), the suffix any printable characters.
DOI = re.compile(r"^10\.\d{4,9}(\.\d+)*/\S+$")
ARXIV_VERSION = re.compile(r"v\d+$")
MAX_AUTHORS = 200


class PaperRefused(DomainError):
    code = "paper_refused"


class PaperExists(DomainError):
    code = "paper_exists"
    http_status = 409


def paper_arxiv_id(value: str) -> str:
    """The arXiv id as write-ups normalise it, without its version: '2106.01345v2' and
    'https://arxiv.org/abs/2106.01345' are the same paper."""
    from community.writeups import normalise_arxiv_id

    return ARXIV_VERSION.sub("", normalise_arxiv_id(value))


def normalise_doi(value: str) -> str:
    """'https://doi.org/10.1000/XYZ', 'doi:10.1000/xyz' and '10.1000/xyz' all give '10.1000/xyz' (DOIs do not
    depend on case); anything else is refused by name."""
    value = (value or "").strip()
    value = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", value, flags=re.IGNORECASE).lower()
    if value and not DOI.match(value):
        raise PaperRefused(
            f"'{value}' is not a DOI; they look like 10.1145/3292500.3330701.",
            code="invalid_doi",
            details={"fields": {"doi": ["Not a DOI."]}},
        )
    return value


def arxiv_id_in_url(url: str) -> str:
    """The arXiv id an arxiv.org address names, or ''."""
    match = re.match(r"^https?://(www\.)?arxiv\.org/(abs|pdf)/(.+?)(\.pdf)?$", (url or "").strip(), re.I)
    if not match:
        return ""
    try:
        return paper_arxiv_id(match.group(3))
    except DomainError:
        return ""


def cleaned_authors(authors: object) -> list[str]:
    if isinstance(authors, str):
        authors = [name for name in re.split(r",| and ", authors)]
    if not isinstance(authors, list) or not all(isinstance(name, str) for name in authors):
        raise PaperRefused(
            "Authors must be a list of names.",
            code="invalid_authors",
            details={"fields": {"authors": ["A list of names."]}},
        )
    names = [name.strip() for name in authors if name.strip()]
    if len(names) > MAX_AUTHORS:
        raise PaperRefused(
            f"A paper lists at most {MAX_AUTHORS} authors; this one has {len(names)}.",
            code="too_many_authors",
            details={"fields": {"authors": [f"At most {MAX_AUTHORS}."]}},
        )
    for name in names:
        refuse_control_characters(name, field="authors", label="an author's name")
    return [name[:200] for name in names]


def find_paper(*, arxiv_id: str = "", doi: str = "", url: str = "", pwc_url: str = "") -> Paper | None:
    """The paper any of these identifiers names (already normalised), or None."""
    arxiv_id = arxiv_id or arxiv_id_in_url(url)
    wanted = Q(pk__in=[])
    if arxiv_id:
        wanted |= Q(arxiv_id=arxiv_id)
    if doi:
        wanted |= Q(doi=doi)
    if url:
        wanted |= Q(url=url)
    if pwc_url:
        wanted |= Q(pwc_url=pwc_url)
    return Paper.objects.filter(wanted).order_by("pk").first()


def create_paper(
    *,
    title: str,
    authors: list[str] | str | None = None,
    abstract: str = "",
    published_on: date | None = None,
    venue: str = "",
    arxiv_id: str = "",
    doi: str = "",
    url: str = "",
    pwc_url: str = "",
) -> Paper:
    """A new paper; one whose arXiv id or DOI Podium already knows is refused (409) with the one it has."""
    title = (title or "").strip()
    if not title:
        raise PaperRefused(
            "A paper needs its title.", code="title_required", details={"fields": {"title": ["Required."]}}
        )
    refuse_control_characters(title, field="title", label="title")
    arxiv_id, doi = paper_arxiv_id(arxiv_id) or arxiv_id_in_url(url), normalise_doi(doi)
    fields = {
        "title": title[:500],
        "authors": cleaned_authors(authors or []),
        "abstract": (abstract or "").strip(),
        "published_on": published_on,
        "venue": (venue or "").strip()[:200],
        "arxiv_id": arxiv_id,
        "doi": doi,
        "url": (url or "").strip()[:500],
        "pwc_url": (pwc_url or "").strip()[:500],
    }
    existing = find_paper(arxiv_id=arxiv_id, doi=doi)
    if existing is None:
        try:
            with transaction.atomic():
                return Paper.objects.create(**fields)
        except IntegrityError:  # another request created it between the look-up and the insert
            existing = find_paper(arxiv_id=arxiv_id, doi=doi)
    name = (
        f"arXiv {arxiv_id}"
        if existing is not None and existing.arxiv_id == arxiv_id and arxiv_id
        else f"DOI {doi}"
    )
    raise PaperExists(
        f"Podium already has {name}: '{existing.title}' (paper {existing.pk})."
        if existing is not None
        else f"Podium already has {name}.",
        code="duplicate_paper",
        details={"paper": existing.pk if existing is not None else None},
    )


def paper_for_writeup(writeup: WriteUp) -> Paper | None:
    """The paper a write-up's fields name (by arXiv id, then paper URL), created from them the first time."""
    arxiv_id = paper_arxiv_id(writeup.arxiv_id) if writeup.arxiv_id else arxiv_id_in_url(writeup.paper_url)
    if not (arxiv_id or writeup.paper_url):
        return None
    existing = find_paper(arxiv_id=arxiv_id, url="" if arxiv_id else writeup.paper_url)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Paper.objects.create(
                title=(writeup.paper_title or writeup.title)[:500],
                authors=cleaned_authors(writeup.paper_authors),
                venue=writeup.venue,
                published_on=date(writeup.year, 1, 1) if writeup.year else None,
                arxiv_id=arxiv_id,
                url=writeup.paper_url,
            )
    except IntegrityError:
        return find_paper(arxiv_id=arxiv_id, url=writeup.paper_url)


def link_writeup(writeup: WriteUp) -> None:
    """Point the write-up at the paper its fields name (or at none when they name none)."""
    paper = paper_for_writeup(writeup)
    if writeup.paper_id != (paper.pk if paper else None):
        writeup.paper = paper
        writeup.save(update_fields=["paper"])


def link_imported_results(results: QuerySet[ImportedResult] | None = None) -> int:
    """Point imported results without a paper at the paper their paper_url names; returns how many."""
    linked = 0
    for result in (
        (results if results is not None else ImportedResult.objects.all())
        .filter(paper__isnull=True)
        .exclude(paper_url="")
    ):
        paper = find_paper(url=result.paper_url, pwc_url=result.paper_url)
        if paper is not None:
            result.paper = paper
            result.save(update_fields=["paper"])
            linked += 1
    return linked


def add_implementation(
    *, paper: Paper, repository_url: str, framework: str = "", is_official: bool = False, **flags: bool
) -> PaperImplementation:
    """A repository that implements the paper; the same repository twice is one row (its details updated)."""
    implementation, _ = PaperImplementation.objects.update_or_create(
        paper=paper,
        repository_url=repository_url.strip(),
        defaults={"framework": framework.strip()[:60], "is_official": is_official, **flags},
    )
    return implementation


# Reads ---------------------------------------------------------------------------------------------------


def paper_for(paper_id: int) -> Paper:
    paper = Paper.objects.filter(pk=paper_id).first()
    if paper is None:
        raise NotFound(f"No paper {paper_id} exists.", code="paper_not_found")
    return paper


def implementation_for(user: User, key: str) -> PaperImplementation:
    """An external implementation by its id (papers and their implementations are public)."""
    implementation = None
    if key.isascii() and key.isdigit():
        implementation = PaperImplementation.objects.filter(pk=int(key)).first()
    if implementation is None:
        raise NotFound(f"No paper implementation {key} exists.", code="implementation_not_found")
    return implementation


def ranked_implementations(paper: Paper) -> QuerySet[PaperImplementation]:
    """A paper's repositories for its page: the official ones first, then the best rated by the damped average
    (config/ratings.py), then the most rated, then by address."""
    return paper.implementations.annotate(rating_score=damped_average(PaperImplementation)).order_by(
        "-is_official",
        F("rating_score").desc(nulls_last=True),
        "-rating_count",
        "repository_url",
        "pk",
    )


@dataclass(frozen=True)
class PaperResult:
    """A result the paper has on a benchmark: a write-up's submission (private score) or an imported row."""

    competition_slug: str
    competition_title: str
    task: str
    method_name: str
    score: float | None
    is_imported: bool
    writeup_id: int | None = None


def cited_by(user: User, paper: Paper) -> QuerySet[WriteUp]:
    """The write-ups citing the paper in competitions the reader may see, whose submission still stands."""
    return (
        paper.writeups.filter(
            competition__in=visible_competitions(user),
            submission__deleted_at__isnull=True,
            submission__disqualified_at__isnull=True,
        )
        .select_related("competition", "team", "submission")
        .order_by("-created_at")
    )


def paper_results(user: User, paper: Paper) -> list[PaperResult]:
    """Its results on benchmarks the reader may see: its write-ups' private scores (benchmarks are finished
    competitions, whose private board is public) and the imported rows that name it."""
    results = [
        PaperResult(
            writeup.competition.slug,
            writeup.competition.title,
            writeup.competition.benchmark.task.name,
            writeup.method_name,
            writeup.submission.private_score,
            False,
            writeup.pk,
        )
        for writeup in cited_by(user, paper)
        .filter(competition__benchmark__isnull=False)
        .select_related("competition__benchmark__task")
    ]
    results += [
        PaperResult(
            result.benchmark.competition.slug,
            result.benchmark.competition.title,
            result.benchmark.task.name,
            result.method_name,
            result.score,
            True,
        )
        for result in paper.imported_results.filter(
            benchmark__competition__in=visible_competitions(user)
        ).select_related("benchmark__competition", "benchmark__task")
    ]
    return results


@dataclass(frozen=True)
class ImplementingProject:
    """A project on Podium that says it implements the paper, as the projects app describes it (community
    does not import projects: tests/test_layout.py)."""

    slug: str
    title: str
    publisher: str  # the organisation's name, or the owner's username
    is_private: bool
    rating_count: int
    rating_average: float | None
    page: str


ProjectFinder = Callable[[User, Paper], list[ImplementingProject]]
PROJECT_FINDERS: list[ProjectFinder] = []


def register_implementing_projects(find: ProjectFinder) -> None:
    """Called once by the projects app: `find(user, paper)` returns the projects implementing the paper that
    the user may see, best rated first."""
    if find not in PROJECT_FINDERS:
        PROJECT_FINDERS.append(find)


def implementing_projects(user: User, paper: Paper) -> list[ImplementingProject]:
    """The paper's projects on Podium for its page and its API: only those the reader may see."""
    return [project for find in PROJECT_FINDERS for project in find(user, paper)]


def search_papers(text: str = "") -> QuerySet[Paper]:
    papers = Paper.objects.all()
    if text:
        papers = papers.filter(
            Q(title__icontains=text) | Q(abstract__icontains=text) | Q(arxiv_id=text) | Q(doi=text.lower())
        )
    return papers
