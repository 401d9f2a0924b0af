"""The Benchmark tab: the results table with its chart, the host's forms to open it and import results,
and the JSON export."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from community.benchmark_api import export_response
from community.benchmarks import (
    benchmark_of,
    benchmark_pair,
    benchmark_pairs,
    benchmark_rows,
    best_over_time_chart,
    metric_name,
    open_benchmark,
)
from community.models import Benchmark
from community.pwc import import_table
from competitions.queries import can_manage, competition_for
from competitions.views import competition_context
from config.errors import DomainError


class OpenBenchmarkForm(forms.Form):
    task = forms.CharField(
        max_length=200, help_text="As Papers With Code names it, e.g. “Tabular Classification”."
    )
    dataset_name = forms.CharField(
        label="Dataset name", max_length=200, required=False, help_text="The competition's title if empty."
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Results table (JSON)",
        help_text="evaluation-tables.json from Papers With Code's archive, or a Podium export.",
    )
    metric = forms.CharField(
        label="Metric column",
        max_length=200,
        required=False,
        help_text="Only when the table names the metric differently.",
    )


def benchmark_page(request, slug):
    competition = competition_for(request.user, slug)
    context = competition_context(request, competition, "benchmark")
    benchmark = Benchmark.objects.filter(competition=competition).select_related("task").first()
    if benchmark is None:
        context.update(
            benchmark=None, open_form=OpenBenchmarkForm(initial={"dataset_name": competition.title})
        )
        return render(request, "community/benchmark.html", context)
    pair = benchmark_pair(competition, request.GET.get("track"))
    rows = benchmark_rows(benchmark, pair)
    pairs = benchmark_pairs(competition)
    context.update(
        benchmark=benchmark,
        rows=rows,
        metric=metric_name(competition, pair),
        chart=best_over_time_chart(benchmark, rows, pair),
        track=pair.track,
        tracks=[other.track for other in pairs] if len(pairs) > 1 else [],
        import_form=ImportForm() if can_manage(request.user, competition) else None,
        imported=sum(row.is_imported for row in rows),
    )
    return render(request, "community/benchmark.html", context)


@login_required
@require_POST
def benchmark_open(request, slug):
    competition = competition_for(request.user, slug)
    form = OpenBenchmarkForm(request.POST)
    if form.is_valid():
        try:
            open_benchmark(host=request.user, competition=competition, **form.cleaned_data)
        except DomainError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request, "The competition is now a benchmark: new submissions enter its results table."
            )
    else:
        messages.error(request, "Name the task to open the benchmark.")
    return redirect("community:benchmark", slug)


@login_required
@require_POST
def benchmark_import(request, slug):
    benchmark = benchmark_of(competition_for(request.user, slug))
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose the JSON file to import.")
        return redirect("community:benchmark", slug)
    upload = form.cleaned_data["file"]
    try:
        answer = import_table(
            host=request.user,
            benchmark=benchmark,
            content=upload.read(),
            source_name=upload.name,
            metric=form.cleaned_data["metric"],
        )
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        skipped = f"; {answer['skipped']} already there were skipped" if answer["skipped"] else ""
        messages.success(
            request, f"Imported {answer['imported']} results from '{answer['metric']}'{skipped}."
        )
    return redirect("community:benchmark", slug)


def benchmark_export(request, slug):
    return export_response(benchmark_of(competition_for(request.user, slug)))
