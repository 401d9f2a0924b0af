"""Benchmark tables in the JSON of Papers With Code's public archive (evaluation-tables.json), which the
sota-extractor package reads and writes: a list of tasks, each with datasets, each with a `sota` table of
metric names and rows (model_name, metrics, paper_title, paper_url, paper_date, code_links, model_links,
uses_additional_data)."""

import json
import math
from datetime import date

from django.db import transaction

from accounts.models import User
from community.benchmarks import BenchmarkRefused, BenchmarkRow, TrackTable, benchmark_pairs, metric_name
from community.models import Benchmark, ImportedResult
from competitions.queries import require_manager

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_LISTED_PROBLEMS = 10


class ImportRefused(BenchmarkRefused):
    code = "import_refused"


def export_table(benchmark: Benchmark, tables: list[TrackTable]) -> list[dict]:
    """The benchmark as one task with one dataset per track (the default track's named as the benchmark's
    dataset, another's with the track's name after it), each table best first: the track's metric, then
    its shown secondary columns in their order, then any other metric an imported row brought."""
    several = len(tables) > 1
    return [
        {
            "task": benchmark.task.name,
            "description": benchmark.competition.subtitle,
            "categories": [],
            "datasets": [
                export_dataset(benchmark, table, named=several and not table.track.is_default)
                for table in tables
            ],
            "subtasks": [],
            "synonyms": [],
            "source_link": None,
        }
    ]


def export_dataset(benchmark: Benchmark, table: TrackTable, *, named: bool) -> dict:
    name, rows = table.metric, table.rows
    columns = [label for label in table.columns if label != name]
    metrics = [name, *columns, *sorted({key for row in rows for key in row.metrics} - {name, *columns})]
    return {
        "dataset": f"{benchmark.dataset_name} ({table.track.name})" if named else benchmark.dataset_name,
        "description": table.track.description if named else benchmark.competition.subtitle,
        "sota": {"metrics": metrics, "rows": [export_row(row, name) for row in rows]},
        "subdatasets": [],
        "dataset_links": [],
        "dataset_citations": [],
    }


def export_row(row: BenchmarkRow, name: str) -> dict:
    return {
        "model_name": row.method_name,
        "metrics": {**row.metrics, name: row.score},
        "paper_title": row.paper_title,
        "paper_url": row.paper_url,
        "paper_date": row.date.isoformat() if row.date else None,
        "code_links": row.code_links,
        "model_links": row.model_links,
        "uses_additional_data": row.uses_additional_data,
    }


def import_table(
    *, host: User, benchmark: Benchmark, content: bytes, source_name: str, metric: str = ""
) -> dict:
    """Add a results table's rows to the benchmark as imported results, all or none. Rows already imported
    (same method, paper and score) are skipped. Returns {"imported": n, "skipped": n, "metric": column}."""
    require_manager(host, benchmark.competition, "import results into its benchmark")
    if len(content) > MAX_IMPORT_BYTES:
        raise ImportRefused(
            f"The file is {len(content):,} bytes; an import holds at most {MAX_IMPORT_BYTES:,}.",
            code="import_too_large",
        )
    table = find_table(parse_json(content), benchmark)
    default_table = benchmark_pairs(benchmark.competition)[0]  # imported results join the default track's
    column = metric_column(table, metric or metric_name(benchmark.competition, default_table))
    results = [parsed_row(row, number, column) for number, row in enumerate(table_rows(table), start=1)]
    problems = [problem for problem in results if isinstance(problem, str)]
    if problems:
        more = (
            f" (and {len(problems) - MAX_LISTED_PROBLEMS} more)"
            if len(problems) > MAX_LISTED_PROBLEMS
            else ""
        )
        raise ImportRefused(
            f"Nothing was imported: {len(problems)} row{'s' if len(problems) > 1 else ''} cannot be read. "
            + " ".join(problems[:MAX_LISTED_PROBLEMS])
            + more,
            code="import_bad_rows",
            details={"rows": problems},
        )
    known = {(r.method_name, r.paper_url, r.score) for r in benchmark.imported_results.all()}
    fresh = [
        result
        for result in results
        if (result["method_name"], result["paper_url"], result["score"]) not in known
    ]
    with transaction.atomic():
        ImportedResult.objects.bulk_create(
            ImportedResult(benchmark=benchmark, imported_by=host, source_name=source_name[:255], **result)
            for result in fresh
        )
    return {"imported": len(fresh), "skipped": len(results) - len(fresh), "metric": column}


def parse_json(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            "The file is not UTF-8 text; export the table as JSON.", code="import_not_json"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            f"The file is not JSON: {error.msg} at line {error.lineno}, column {error.colno}.",
            code="import_not_json",
        ) from None


def find_table(data, benchmark: Benchmark) -> dict:
    """The dataset table to import: the one named like the benchmark's dataset, or the only one there is."""
    if isinstance(data, dict) and "task" in data:
        data = [data]
    if not isinstance(data, list) or not all(isinstance(task, dict) for task in data):
        raise ImportRefused(
            "Expected a list of tasks, as Papers With Code's evaluation-tables.json holds: "
            '[{"task": ..., "datasets": [{"dataset": ..., "sota": {"metrics": [...], "rows": [...]}}]}].',
            code="import_bad_shape",
        )
    tables = []
    for task in data:
        datasets = task.get("datasets", [])
        if not isinstance(datasets, list):
            raise ImportRefused(
                f"Task '{task.get('task', '?')}': 'datasets' is not a list.", code="import_bad_shape"
            )
        tables += [(task, dataset) for dataset in all_datasets(datasets)]
    if not tables:
        raise ImportRefused("The file holds no dataset tables.", code="import_no_table")
    wanted = benchmark.dataset_name.casefold()
    named = [dataset for _, dataset in tables if dataset_name(dataset).casefold() == wanted]
    if len(named) == 1:
        return named[0]
    if len(tables) == 1:
        return tables[0][1]
    listed = ", ".join(sorted({f"'{dataset_name(dataset)}'" for _, dataset in tables})[:10])
    raise ImportRefused(
        f"The file holds {len(tables)} dataset tables and none is named '{benchmark.dataset_name}' (the "
        f"benchmark's dataset): {listed}.",
        code="import_no_table",
    )


def all_datasets(datasets: list) -> list[dict]:
    found = []
    for dataset in datasets:
        if isinstance(dataset, dict):
            found.append(dataset)
            found += all_datasets(dataset.get("subdatasets") or [])
    return found


def dataset_name(dataset: dict) -> str:
    return str(dataset.get("dataset") or dataset.get("subdataset") or "")


def table_rows(table: dict) -> list:
    sota = table.get("sota")
    rows = sota.get("rows") if isinstance(sota, dict) else None
    if not isinstance(rows, list):
        raise ImportRefused(
            f"Dataset '{dataset_name(table)}' has no results table ('sota' with a list of 'rows').",
            code="import_bad_shape",
        )
    if not rows:
        raise ImportRefused(
            f"Dataset '{dataset_name(table)}' has an empty results table.", code="import_no_rows"
        )
    return rows


def metric_column(table: dict, wanted: str) -> str:
    """The table's column for the benchmark's metric, matched without regard to case."""
    sota = table.get("sota") or {}
    names = [str(name) for name in sota.get("metrics") or []]
    if not names:
        names = sorted(
            {
                str(key)
                for row in sota.get("rows") or []
                if isinstance(row, dict)
                for key in row.get("metrics") or {}
            }
        )
    for name in names:
        if name.casefold() == wanted.casefold():
            return name
    raise ImportRefused(
        f"The table has no '{wanted}' column; its metrics are: {', '.join(names) or 'none'}. "
        "Name the column that holds the competition's metric.",
        code="import_no_metric",
        details={"metrics": names},
    )


def parsed_row(row, number: int, column: str) -> dict | str:
    """The ImportedResult fields of a row, or the problem with it in one sentence."""
    if not isinstance(row, dict):
        return f"Row {number} is not an object."
    name = str(row.get("model_name") or "").strip()
    if not name:
        return f"Row {number} has no model_name."
    where = f"Row {number} ({name[:60]})"
    metrics = row.get("metrics")
    if not isinstance(metrics, dict) or column not in metrics:
        return f"{where} has no '{column}' value."
    score = as_number(metrics[column])
    if score is None:
        return f"{where}: '{column}' is {json.dumps(metrics[column])}, not a number."
    paper_date = row.get("paper_date")
    if paper_date:
        try:
            paper_date = date.fromisoformat(str(paper_date)[:10])
        except ValueError:
            return f"{where}: paper_date {json.dumps(paper_date)} is not a date (YYYY-MM-DD)."
    links = {key: row.get(key) or [] for key in ("code_links", "model_links")}
    for key, value in links.items():
        if not isinstance(value, list) or not all(
            isinstance(link, dict) and link.get("url") for link in value
        ):
            return f"{where}: '{key}' must be a list of {{title, url}}."
    paper_url = str(row.get("paper_url") or "")
    if paper_url and not paper_url.startswith(("http://", "https://")):
        return f"{where}: paper_url {json.dumps(paper_url)} is not an http(s) address."
    return {
        "method_name": name[:200],
        "score": score,
        "metrics": {str(key): value for key, value in metrics.items()},
        "paper_title": str(row.get("paper_title") or "")[:500],
        "paper_url": paper_url[:500],
        "paper_date": paper_date or None,
        "code_links": [
            {"title": str(link.get("title") or ""), "url": str(link["url"])} for link in links["code_links"]
        ],
        "model_links": [
            {"title": str(link.get("title") or ""), "url": str(link["url"])} for link in links["model_links"]
        ],
        "uses_additional_data": bool(row.get("uses_additional_data")),
    }


def as_number(value) -> float | None:
    """A number, or a numeric string as published tables write them ('88.5', '88.5%' = 0.885, '1,024')."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        scale = 100.0 if text.endswith("%") else 1.0
        try:
            number = float(text.rstrip("%").strip()) / scale
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None
