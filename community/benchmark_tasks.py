"""Tasks ("Image classification", "Tabular regression"): each groups the benchmarks that measure it. A task
page lists its benchmarks the reader may see, with the best result of each."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils.text import slugify

from accounts.models import User
from community.models import Benchmark, Task
from competitions.queries import require_manager, search_competitions
from config.errors import DomainError, NotFound
from config.plain_text import refuse_control_characters


class TaskRefused(DomainError):
    code = "task_refused"


def task_named(name: str) -> Task:
    """The task of that name (compared without regard to case), created the first time it is named."""
    name = " ".join((name or "").split())[:200]
    if not name:
        raise TaskRefused(
            "Name the task, e.g. 'Image Classification'.",
            code="task_required",
            details={"fields": {"task": ["Name the task."]}},
        )
    refuse_control_characters(name, field="task", label="task")
    task = Task.objects.filter(name__iexact=name).first()
    if task is not None:
        return task
    slug = slugify(name)[:190] or "task"
    try:
        with transaction.atomic():
            return Task.objects.create(name=name, slug=unique_slug(slug))
    except IntegrityError:  # created meanwhile by another request
        return Task.objects.get(name__iexact=name)


def unique_slug(slug: str) -> str:
    candidate, number = slug, 1
    while Task.objects.filter(slug=candidate).exists():
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


def set_benchmark_task(*, user: User, benchmark: Benchmark, task: str) -> Benchmark:
    """The competition's host (or staff) files its benchmark under another task."""
    require_manager(user, benchmark.competition, "set its task")
    benchmark.task = task_named(task)
    benchmark.save(update_fields=["task"])
    return benchmark


def listed_benchmarks(user: User) -> QuerySet[Benchmark]:
    """Benchmarks on competitions the reader's lists show (never a private or unlisted one to an outsider)."""
    return Benchmark.objects.filter(competition__in=search_competitions(user).values("pk"))


def visible_tasks(user: User, text: str = "") -> QuerySet[Task]:
    """Tasks with how many benchmarks the reader may see in each."""
    tasks = Task.objects.annotate(
        benchmark_count=Count("benchmarks", filter=Q(benchmarks__in=listed_benchmarks(user)), distinct=True)
    )
    if text:
        tasks = tasks.filter(Q(name__icontains=text) | Q(description__icontains=text))
    return tasks.order_by("name")


def task_for(slug: str) -> Task:
    task = Task.objects.filter(slug=slug).first()
    if task is None:
        raise NotFound(f"No task '{slug}' exists.", code="task_not_found")
    return task


@dataclass(frozen=True)
class TaskBenchmark:
    benchmark: Benchmark
    metric: str
    best_method: str
    best_score: float | None
    entries: int


def task_benchmarks(user: User, task: Task) -> list[TaskBenchmark]:
    """The task's benchmarks the reader may see, each with its best result (the top of its table)."""
    from community.benchmarks import benchmark_rows, metric_name

    found = []
    for benchmark in (
        listed_benchmarks(user).filter(task=task).select_related("competition").order_by("dataset_name")
    ):
        rows = benchmark_rows(benchmark)
        best = rows[0] if rows else None
        found.append(
            TaskBenchmark(
                benchmark,
                metric_name(benchmark.competition),
                best.method_name if best else "",
                best.score if best else None,
                len(rows),
            )
        )
    return found
