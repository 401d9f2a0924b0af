"""Papers and their code in the JSON of Papers With Code's public data files, read and written as a stream.

papers-with-abstracts.json: a list of {paper_url, arxiv_id, title, abstract, url_abs, url_pdf, proceeding,
authors, tasks, date, methods}. links-between-papers-and-code.json: a list of {paper_url, paper_title,
paper_arxiv_id, paper_url_abs, paper_url_pdf, repo_url, is_official, mentioned_in_paper,
mentioned_in_github, framework}. Podium also reads and writes an optional `doi` on a paper.

An import is all or nothing: the file is read row by row (ijson, so a file of any size streams), rows are
written in batches inside one transaction, and one bad row rolls everything back with every bad row named.
A paper Podium already has (same arXiv id, DOI, Papers With Code address or abstract page) is skipped, so
importing the same file twice adds nothing."""

import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import IO

import ijson
from django.db import transaction

from community.models import Paper, PaperImplementation
from community.papers import (
    PaperRefused,
    arxiv_id_in_url,
    cleaned_authors,
    link_imported_results,
    normalise_doi,
    paper_arxiv_id,
)
from config.errors import DomainError
from config.plain_text import CONTROL_CHARACTERS

BATCH = 500
MAX_LISTED_PROBLEMS = 10


class PaperImportRefused(DomainError):
    code = "import_refused"


def rows_of(stream: IO[bytes], expected: str) -> Iterator[tuple[int, object]]:
    """(row number, row) for each element of the file's top-level list, read as a stream."""
    start = stream.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    stream.seek(0)
    if not start:
        raise PaperImportRefused("The file is empty; expected " + expected + ".", code="import_not_json")
    if not start.startswith(b"["):
        raise PaperImportRefused(
            f"The file is not a JSON list; expected {expected}.", code="import_bad_shape"
        )
    try:
        yield from enumerate(ijson.items(stream, "item", use_float=True), start=1)
    except (ijson.JSONError, UnicodeDecodeError) as error:
        raise PaperImportRefused(f"The file is not JSON: {error}.", code="import_not_json") from None


def refuse_problems(problems: list[str], total: int) -> None:
    more = f" (and {len(problems) - MAX_LISTED_PROBLEMS} more)" if len(problems) > MAX_LISTED_PROBLEMS else ""
    raise PaperImportRefused(
        f"Nothing was imported: {len(problems)} of {total} row{'s' if total > 1 else ''} cannot be read. "
        + " ".join(problems[:MAX_LISTED_PROBLEMS])
        + more,
        code="import_bad_rows",
        details={"rows": problems[:1000]},
    )


def text(row: dict, key: str, limit: int, *, one_line: bool = True) -> str:
    """The field as text. Published files carry stray control characters (zero-width spaces in titles, a
    NUL now and then): short fields lose them all, long ones their NULs, which no database stores."""
    value = row.get(key)
    if value in (None, ""):
        return ""
    found = str(value)
    found = CONTROL_CHARACTERS.sub(" ", found) if one_line else found.replace("\x00", "")
    return " ".join(found.split())[:limit] if one_line else found.strip()[:limit]


def author_names(row: dict) -> object:
    authors = row.get("authors") or []
    if isinstance(authors, list):
        return [CONTROL_CHARACTERS.sub(" ", name) if isinstance(name, str) else name for name in authors]
    return authors


def paper_fields(row: object, number: int) -> dict | str:
    """The Paper fields of a papers-with-abstracts row, or the problem with it in one sentence."""
    if not isinstance(row, dict):
        return f"Row {number} is not an object."
    title = text(row, "title", 500)
    if not title:
        return f"Row {number} has no title."
    where = f"Row {number} ({title[:60]})"
    try:
        arxiv_id = paper_arxiv_id(text(row, "arxiv_id", 60)) or arxiv_id_in_url(text(row, "url_abs", 500))
        doi = normalise_doi(text(row, "doi", 200))
        authors = cleaned_authors(author_names(row))
    except DomainError as refused:
        return f"{where}: {refused.message}"
    url = text(row, "url_abs", 500)
    pwc_url = text(row, "paper_url", 500)
    if not (arxiv_id or doi or url or pwc_url):
        return f"{where} has none of arxiv_id, doi, url_abs or paper_url: nothing identifies it."
    if url and not url.startswith(("http://", "https://")):
        return f"{where}: url_abs {json.dumps(url)} is not an http(s) address."
    published_on = None
    if row.get("date"):
        try:
            published_on = date.fromisoformat(str(row["date"])[:10])
        except ValueError:
            return f"{where}: date {json.dumps(row['date'])} is not a date (YYYY-MM-DD)."
    return {
        "title": title,
        "authors": authors,
        "abstract": text(row, "abstract", 100_000, one_line=False),
        "published_on": published_on,
        "venue": text(row, "proceeding", 200),
        "arxiv_id": arxiv_id,
        "doi": doi,
        "url": url,
        "pwc_url": pwc_url,
    }


def keys_of(fields: dict) -> list[tuple[str, str]]:
    return [(name, fields[name]) for name in ("arxiv_id", "doi", "pwc_url", "url") if fields.get(name)]


def known_keys(batch: list[dict]) -> set[tuple[str, str]]:
    """Which identifiers of this batch Podium already has."""
    known: set[tuple[str, str]] = set()
    for name in ("arxiv_id", "doi", "pwc_url", "url"):
        values = {fields[name] for fields in batch if fields.get(name)}
        if values:
            known |= {
                (name, value)
                for value in Paper.objects.filter(**{f"{name}__in": values}).values_list(name, flat=True)
            }
    return known


def import_papers(stream: IO[bytes]) -> dict:
    """Add the papers of a papers-with-abstracts.json file, all or none; returns {"imported", "skipped"}."""
    counts = {"imported": 0, "skipped": 0}
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    total = 0
    with transaction.atomic():
        batch: list[dict] = []
        for number, row in rows_of(stream, "papers-with-abstracts.json, a list of papers"):
            total = number
            fields = paper_fields(row, number)
            if isinstance(fields, str):
                problems.append(fields)
            elif not problems:
                batch.append(fields)
                if len(batch) >= BATCH:
                    save_papers(batch, seen, counts)
                    batch = []
        if total == 0:
            raise PaperImportRefused("The file holds no papers.", code="import_no_rows")
        if problems:
            refuse_problems(problems, total)
        save_papers(batch, seen, counts)
        link_imported_results()
    return counts


def save_papers(batch: list[dict], seen: set[tuple[str, str]], counts: dict) -> None:
    known = known_keys(batch) | seen
    fresh = []
    for fields in batch:
        keys = keys_of(fields)
        if any(key in known for key in keys):
            counts["skipped"] += 1
            continue
        known.update(keys)
        seen.update(keys)
        fresh.append(Paper(**fields))
    Paper.objects.bulk_create(fresh)
    counts["imported"] += len(fresh)


def link_fields(row: object, number: int) -> dict | str:
    """A links-between-papers-and-code row, checked, or the problem with it in one sentence."""
    if not isinstance(row, dict):
        return f"Row {number} is not an object."
    repo_url = text(row, "repo_url", 500)
    where = f"Row {number} ({(repo_url or text(row, 'paper_title', 60))[:60]})"
    if not repo_url:
        return f"{where} has no repo_url."
    if not repo_url.startswith(("http://", "https://")):
        return f"{where}: repo_url {json.dumps(repo_url)} is not an http(s) address."
    try:
        arxiv_id = paper_arxiv_id(text(row, "paper_arxiv_id", 60)) or arxiv_id_in_url(
            text(row, "paper_url_abs", 500)
        )
    except DomainError as refused:
        return f"{where}: {refused.message}"
    pwc_url, url = text(row, "paper_url", 500), text(row, "paper_url_abs", 500)
    if not (arxiv_id or pwc_url or url):
        return f"{where} has none of paper_arxiv_id, paper_url or paper_url_abs: it names no paper."
    flags = {}
    for key in ("is_official", "mentioned_in_paper", "mentioned_in_github"):
        value = row.get(key)
        if value not in (None, True, False):
            return f"{where}: {key} is {json.dumps(value)}, not true or false."
        flags[key] = bool(value)
    return {
        "arxiv_id": arxiv_id,
        "pwc_url": pwc_url,
        "url": url,
        "title": text(row, "paper_title", 500),
        "repository_url": repo_url,
        "framework": text(row, "framework", 60),
        **flags,
    }


def import_links(stream: IO[bytes]) -> dict:
    """Add the repositories of a links-between-papers-and-code.json file, all or none. A row whose paper
    Podium does not have yet creates it from the row's title; one without a title is a bad row."""
    counts = {"imported": 0, "skipped": 0}
    problems: list[str] = []
    total = 0
    with transaction.atomic():
        for number, row in rows_of(stream, "links-between-papers-and-code.json, a list of links"):
            total = number
            fields = link_fields(row, number)
            if isinstance(fields, str):
                problems.append(fields)
                continue
            if problems:
                continue
            paper = paper_of_link(fields)
            if paper is None:
                problems.append(
                    f"Row {number} ({fields['repository_url'][:60]}): its paper is unknown and has no paper_title."
                )
                continue
            _, created = PaperImplementation.objects.get_or_create(
                paper=paper,
                repository_url=fields["repository_url"],
                defaults={
                    key: fields[key]
                    for key in ("framework", "is_official", "mentioned_in_paper", "mentioned_in_github")
                },
            )
            counts["imported" if created else "skipped"] += 1
        if total == 0:
            raise PaperImportRefused("The file holds no links.", code="import_no_rows")
        if problems:
            refuse_problems(problems, total)
    return counts


def paper_of_link(fields: dict) -> Paper | None:
    from community.papers import find_paper

    paper = find_paper(arxiv_id=fields["arxiv_id"], url=fields["url"], pwc_url=fields["pwc_url"])
    if paper is not None or not fields["title"]:
        return paper
    return Paper.objects.create(
        title=fields["title"], arxiv_id=fields["arxiv_id"], url=fields["url"], pwc_url=fields["pwc_url"]
    )


# Export ----------------------------------------------------------------------------------------------------


def paper_row(paper: Paper, tasks: Iterable[str] = ()) -> dict:
    return {
        "paper_url": paper.pwc_url,
        "arxiv_id": paper.arxiv_id or None,
        "title": paper.title,
        "abstract": paper.abstract,
        "url_abs": paper.url or paper.link,
        "url_pdf": f"https://arxiv.org/pdf/{paper.arxiv_id}" if paper.arxiv_id else "",
        "proceeding": paper.venue or None,
        "authors": paper.authors,
        "tasks": sorted(tasks),
        "date": paper.published_on.isoformat() if paper.published_on else None,
        "methods": [],
        "doi": paper.doi or None,
    }


def link_row(implementation: PaperImplementation) -> dict:
    paper = implementation.paper
    return {
        "paper_url": paper.pwc_url,
        "paper_title": paper.title,
        "paper_arxiv_id": paper.arxiv_id or None,
        "paper_url_abs": paper.url or paper.link,
        "paper_url_pdf": f"https://arxiv.org/pdf/{paper.arxiv_id}" if paper.arxiv_id else "",
        "repo_url": implementation.repository_url,
        "is_official": implementation.is_official,
        "mentioned_in_paper": implementation.mentioned_in_paper,
        "mentioned_in_github": implementation.mentioned_in_github,
        "framework": implementation.framework or "none",
    }


def json_list(rows: Iterable[dict]) -> Iterator[str]:
    """A JSON list written piece by piece, so an export of any size never sits in memory whole."""
    yield "["
    for number, row in enumerate(rows):
        yield ("," if number else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]\n"


def export_papers() -> Iterator[str]:
    """Every paper, with the tasks of the benchmarks it has results on (imported rows and citing write-ups)."""
    from community.models import ImportedResult, WriteUp

    tasks: dict[int, set[str]] = {}
    for paper_id, name in [
        *ImportedResult.objects.filter(paper__isnull=False).values_list("paper_id", "benchmark__task__name"),
        *WriteUp.objects.filter(paper__isnull=False, competition__benchmark__isnull=False).values_list(
            "paper_id", "competition__benchmark__task__name"
        ),
    ]:
        tasks.setdefault(paper_id, set()).add(name)
    return json_list(
        paper_row(paper, tasks.get(paper.pk, ()))
        for paper in Paper.objects.order_by("pk").iterator(chunk_size=BATCH)
    )


def export_links() -> Iterator[str]:
    return json_list(
        link_row(implementation)
        for implementation in PaperImplementation.objects.select_related("paper")
        .order_by("pk")
        .iterator(chunk_size=BATCH)
    )


EXPORTS = {"papers-with-abstracts.json": export_papers, "links-between-papers-and-code.json": export_links}
IMPORTS = {"papers": import_papers, "links": import_links}
__all__ = ["EXPORTS", "IMPORTS", "PaperImportRefused", "PaperRefused"]
