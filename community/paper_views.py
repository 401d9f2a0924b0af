"""Pages for papers, tasks and site search, and the staff page that imports and exports papers in Papers With
Code's formats."""

import functools
import hashlib

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.views.decorators.http import require_POST

from community.benchmark_tasks import set_benchmark_task, task_benchmarks, task_for, visible_tasks
from community.benchmarks import benchmark_of
from community.models import PaperImplementation
from community.paper_files import EXPORTS, IMPORTS
from community.papers import (
    cited_by,
    implementing_projects,
    paper_for,
    paper_results,
    ranked_implementations,
    search_papers,
)
from community.search import MAX_QUERY_LENGTH, site_search
from competitions.queries import competition_for
from config.errors import DomainError, NotFound
from config.plain_text import CONTROL_CHARACTERS

PAGE_SIZE = 50


def paper_list(request):
    query = CONTROL_CHARACTERS.sub("", " ".join(request.GET.get("q", "").split()))[:MAX_QUERY_LENGTH]
    papers = search_papers(query)[:PAGE_SIZE]
    return render(request, "community/paper_list.html", {"papers": papers, "query": query})


IMPLEMENTATION_ROWS = "community/_implementation_rows.html"


@functools.cache
def rows_template_digest() -> str:
    """The rows template's own digest, so a deploy that changes it never serves rows cached before."""
    source = get_template(IMPLEMENTATION_ROWS).template.source
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def anonymous_rows_key(request, implementations: list[PaperImplementation]) -> str:
    """The cache key of a paper's repository rows as a visitor sees them, or "" when the reader is signed in
    (their rows carry their own stars and a form). The rows are a function of the fields hashed here, so a
    cached copy is never stale: a new rating or repository changes the key. Rendering 100 rows with their
    rating controls is most of the paper page's time."""
    if request.user.is_authenticated:
        return ""
    fields = [
        (row.pk, row.repository_url, row.framework, row.is_official, row.rating_count, row.rating_sum)
        for row in implementations
    ]
    return hashlib.sha256(repr((rows_template_digest(), fields)).encode()).hexdigest()


def paper_detail(request, paper_id):
    paper = paper_for(paper_id)
    implementations = list(ranked_implementations(paper))
    return render(
        request,
        "community/paper_detail.html",
        {
            "paper": paper,
            "implementations": implementations,
            "rows_key": anonymous_rows_key(request, implementations),
            "projects": implementing_projects(request.user, paper),
            "writeups": cited_by(request.user, paper),
            "results": paper_results(request.user, paper),
        },
    )


def task_list(request):
    return render(request, "community/task_list.html", {"tasks": visible_tasks(request.user)})


def task_detail(request, slug):
    task = task_for(slug)
    return render(
        request,
        "community/task_detail.html",
        {"task": task, "benchmarks": task_benchmarks(request.user, task)},
    )


def search_page(request):
    query = request.GET.get("q", "")
    try:
        groups = site_search(request.user, query)
        problem = ""
    except DomainError as refused:
        groups, problem = [], refused.message
    status = 400 if problem and query else 200
    return render(
        request,
        "community/search.html",
        {"query": query[:MAX_QUERY_LENGTH], "groups": groups, "problem": problem if query else ""},
        status=status,
    )


class TaskForm(forms.Form):
    task = forms.CharField(max_length=200, help_text="e.g. “Tabular Classification”.")


@login_required
@require_POST
def benchmark_task(request, slug):
    benchmark = benchmark_of(competition_for(request.user, slug))
    form = TaskForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Task: name the task, e.g. 'Image Classification'.")
        return redirect("community:benchmark", slug)
    try:
        set_benchmark_task(user=request.user, benchmark=benchmark, task=form.cleaned_data["task"])
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"The benchmark is filed under {benchmark.task.name}.")
    return redirect("community:benchmark", slug)


class PaperImportForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            ("papers", "papers-with-abstracts.json (papers)"),
            ("links", "links-between-papers-and-code.json (code repositories)"),
        ]
    )
    file = forms.FileField(label="JSON file")


@staff_member_required
def paper_import(request):
    form = PaperImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                counts = IMPORTS[form.cleaned_data["kind"]](form.cleaned_data["file"])
            except DomainError as refused:
                messages.error(request, refused.message)
            else:
                messages.success(
                    request, f"Imported {counts['imported']}; {counts['skipped']} already known were skipped."
                )
                return redirect("community:paper-import")
        else:
            messages.error(request, "Choose what the file holds and the file.")
    return render(request, "community/paper_import.html", {"form": form, "exports": list(EXPORTS)})


@staff_member_required
def paper_export(request, name):
    if name not in EXPORTS:
        raise NotFound(f"No export named '{name}'.")
    response = StreamingHttpResponse(EXPORTS[name](), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
