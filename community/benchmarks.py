"""Benchmarks: a finished competition kept open, with a results table like a state-of-the-art table.

The table has one row per team (its best private score among its standing submissions, made before or
after the end) with the method name, paper and code of the write-up attached to that submission, and the
published results a host imported (marked as imported: Podium did not score them)."""

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from accounts.models import User
from community.benchmark_tasks import task_named
from community.models import Benchmark, ImportedResult, WriteUp
from competitions.models import Competition, PhaseTrack, Track
from competitions.phases import deciding_phase, find_track, pairs_of, scoring_setup
from competitions.queries import require_manager
from competitions.score_columns import visible_columns
from competitions.services import keep_open_after_end
from config.errors import DomainError, NotFound
from config.timestamps import utc_label
from leaderboards import charts
from leaderboards.queries import higher_is_better
from scoring import engine
from submissions.models import Submission

# Narrow, as the progress chart's: a phone shrinks the drawing less, so its dates stay readable there.
CHART_WIDTH, CHART_HEIGHT = 400, 220


class BenchmarkRefused(DomainError):
    code = "benchmark_refused"


class AlreadyBenchmark(DomainError):
    code = "already_benchmark"
    http_status = 409


@dataclass(frozen=True)
class BenchmarkRow:
    rank: int
    method_name: str
    score: float
    date: date | None
    team: str = ""
    paper_title: str = ""
    paper_url: str = ""
    code_links: list[dict] = field(default_factory=list)
    model_links: list[dict] = field(default_factory=list)
    uses_additional_data: bool = False
    is_imported: bool = False
    writeup_id: int | None = None
    submission_id: int | None = None
    metrics: dict = field(default_factory=dict)

    @property
    def code_url(self) -> str:
        return self.code_links[0]["url"] if self.code_links else ""


def metric_name(competition: Competition, pair: PhaseTrack | None = None) -> str:
    metric = scoring_setup(pair, competition).metric if pair is not None else competition.metric
    return engine.get_metric(metric).name


def open_benchmark(*, host: User, competition: Competition, task: str, dataset_name: str = "") -> Benchmark:
    """The host keeps a finished competition open as a benchmark (its private leaderboard stays frozen)."""
    require_manager(host, competition, "turn it into a benchmark")
    if competition.phase != Competition.Phase.FINISHED:
        raise BenchmarkRefused(
            f"A competition becomes a benchmark after it ends ({utc_label(competition.end_at)}).",
            code="not_finished",
        )
    task = task.strip()
    if not task:
        raise BenchmarkRefused(
            "Name the task, e.g. 'Image Classification'.",
            code="task_required",
            details={"fields": {"task": ["Name the task."]}},
        )
    try:
        with transaction.atomic():
            benchmark = Benchmark.objects.create(
                competition=competition,
                task=task_named(task),
                dataset_name=(dataset_name.strip() or competition.title)[:200],
                opened_by=host,
            )
            keep_open_after_end(competition)
            return benchmark
    except IntegrityError:
        raise AlreadyBenchmark(f"{competition.title} is already a benchmark.") from None


def benchmark_of(competition: Competition) -> Benchmark:
    benchmark = Benchmark.objects.filter(competition=competition).select_related("task").first()
    if benchmark is None:
        raise NotFound(f"{competition.title} is not a benchmark (yet).", code="not_a_benchmark")
    return benchmark


def benchmark_pairs(competition: Competition) -> list[PhaseTrack]:
    """The boards a benchmark's tables come from: each track of the deciding phase, the default first.
    Scores of other phases (a development phase's validation labels) or of other tracks (another solution)
    never share a table."""
    deciding = deciding_phase(competition)
    pairs = [pair for pair in pairs_of(competition) if pair.phase_id == deciding.pk]
    return sorted(pairs, key=lambda pair: (not pair.track.is_default, pair.track.number))


def benchmark_pair(competition: Competition, track: str | None = None) -> PhaseTrack:
    """The table a reader names (?track=slug): by default the default track's; a track the competition does
    not have is a 400 on the field `track` that lists its tracks."""
    pairs = benchmark_pairs(competition)
    chosen = find_track(competition, track)
    if chosen is None:
        return pairs[0]
    return next(pair for pair in pairs if pair.track_id == chosen.pk)


def best_submission_per_team(competition: Competition, pair: PhaseTrack | None = None) -> list[Submission]:
    """Each team's best private score among its scored, standing submissions on one track of the deciding
    phase (by default the default track); ties break on the secondary columns, then go to the earlier one."""
    pair = pair or benchmark_pairs(competition)[0]
    score = F("private_score").desc() if higher_is_better(competition, pair) else F("private_score").asc()
    ranked = Submission.objects.filter(
        phase_track=pair,
        status=Submission.Status.SCORED,
        private_score__isnull=False,
        deleted_at__isnull=True,
        disqualified_at__isnull=True,
        team__disqualified_at__isnull=True,
    ).annotate(
        place=Window(
            RowNumber(),
            partition_by=[F("team_id")],
            order_by=[score, F("private_tie_key"), F("created_at")],
        )
    )
    return list(ranked.filter(place=1).select_related("team"))


def benchmark_rows(benchmark: Benchmark, pair: PhaseTrack | None = None) -> list[BenchmarkRow]:
    """The results table of one track (by default the default track, which also holds the imported
    results) in rank order: the best score first, ties to the earlier date."""
    competition = benchmark.competition
    pairs = benchmark_pairs(competition)
    pair = pair or pairs[0]
    name = metric_name(competition, pair)
    best = best_submission_per_team(competition, pair)
    writeups = {w.submission_id: w for w in WriteUp.objects.filter(submission__in=[s.pk for s in best])}
    shown = score_column_labels(competition, pair)
    rows = [podium_row(submission, writeups.get(submission.pk), name, shown) for submission in best]
    if pair.pk == pairs[0].pk:
        rows += [imported_row(result) for result in benchmark.imported_results.all()]
    higher = higher_is_better(competition, pair)
    rows.sort(key=lambda row: (-row.score if higher else row.score, row.date or date.max, row.method_name))
    return [BenchmarkRow(**{**row.__dict__, "rank": rank}) for rank, row in enumerate(rows, start=1)]


@dataclass(frozen=True)
class TrackTable:
    """One track's results table, as the Papers With Code export lists it."""

    track: Track
    metric: str
    columns: list[str]
    rows: list[BenchmarkRow]


def track_tables(benchmark: Benchmark) -> list[TrackTable]:
    """A table per track of the deciding phase, the default track's first."""
    competition = benchmark.competition
    return [
        TrackTable(
            track=pair.track,
            metric=metric_name(competition, pair),
            columns=score_column_labels(competition, pair),
            rows=benchmark_rows(benchmark, pair),
        )
        for pair in benchmark_pairs(competition)
    ]


def score_column_labels(competition: Competition, pair: PhaseTrack | None = None) -> list[str]:
    """The shown secondary columns (of a track's own setup, or the competition's), which a benchmark's table
    carries beside the metric (hidden ones never)."""
    columns = (
        scoring_setup(pair, competition).score_columns if pair is not None else competition.score_columns
    )
    return [column.label for column in visible_columns(columns, sees_hidden=False)]


def podium_row(
    submission: Submission, writeup: WriteUp | None, name: str, columns: list[str] | None = None
) -> BenchmarkRow:
    private_columns = submission.private_columns or {}
    common = {
        "rank": 0,
        "score": submission.private_score,
        "date": submission.created_at.date(),
        "team": submission.team.name,
        "submission_id": submission.pk,
        "metrics": {
            name: submission.private_score,
            **{label: private_columns[label] for label in columns or () if label in private_columns},
        },
    }
    if writeup is None:
        return BenchmarkRow(method_name=submission.team.name, **common)
    return BenchmarkRow(
        method_name=writeup.method_name,
        paper_title=writeup.paper_title,
        paper_url=writeup.paper_link,
        code_links=[{"title": link_title(writeup.code_url), "url": writeup.code_url}]
        if writeup.code_url
        else [],
        uses_additional_data=writeup.uses_extra_data,
        writeup_id=writeup.pk,
        **common,
    )


def imported_row(result: ImportedResult) -> BenchmarkRow:
    return BenchmarkRow(
        rank=0,
        method_name=result.method_name,
        score=result.score,
        date=result.paper_date,
        paper_title=result.paper_title,
        paper_url=result.paper_url,
        code_links=result.code_links,
        model_links=result.model_links,
        uses_additional_data=result.uses_additional_data,
        is_imported=True,
        metrics=result.metrics,
    )


def link_title(url: str) -> str:
    """'owner/repo' for a repository URL, as Papers With Code titles its code links."""
    parts = url.rstrip("/").split("/")
    return "/".join(parts[-2:]) if len(parts) >= 5 else url


def best_over_time_chart(
    benchmark: Benchmark, rows: list[BenchmarkRow], pair: PhaseTrack | None = None
) -> dict | None:
    """The best score reached by each date on one track's table (by default the default track's), as an SVG
    step of the running best with every entry beside it."""
    dated = sorted((row for row in rows if row.date), key=lambda row: (row.date, row.rank))
    if not dated:
        return None
    pair = pair or benchmark_pairs(benchmark.competition)[0]
    higher = higher_is_better(benchmark.competition, pair)
    pick = max if higher else min
    dates, labels, entries, best = [], [], [], []
    for row in dated:
        dates.append(row.date)
        labels.append(row.date.isoformat())
        entries.append(row.score)
        best.append(row.score if not best else pick(best[-1], row.score))
    name = metric_name(benchmark.competition, pair)
    lines = [
        charts.Series("Entry", entries, colour="#9a6700", joined=False),
        charts.Series("Best so far", best, colour="#1f4ed8"),
    ]
    direction = "higher" if higher else "lower"
    return {
        "chart": charts.time_chart(
            lines,
            dates,
            title=f"Best {name} over time",
            description=f"The best {name} ({direction} is better) reached by each of {len(dated)} dated entries, "
            f"from {labels[0]} to {labels[-1]}: {charts.format_number(best[-1])} now.",
            y_from_zero=False,
            width=CHART_WIDTH,
            height=CHART_HEIGHT,
        ),
        "table": charts.data_table(lines, labels, caption=f"Best {name} by date", label_heading="Date"),
    }
