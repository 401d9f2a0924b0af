"""Project pages: the list, one project (its latest version or an older one), files, forks and the Code
tabs of competitions and datasets."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from competitions.queries import competition_for
from competitions.views import competition_context
from config.errors import DomainError
from datasets.queries import dataset_for
from projects.downloads import project_file_response
from projects.forms import ProjectEditForm, ProjectForm, VersionForm
from projects.queries import (
    PROJECT_ORDERINGS,
    can_add_versions,
    can_change,
    competition_code,
    dataset_code,
    project_for,
    search_projects,
    version_for,
)
from projects.services import NewFile, add_version, create_project, fork_project, update_project

PAGE_SIZE = 24


def ordering_of(request, default: str = "newest") -> str:
    ordering = request.GET.get("ordering", default)
    return ordering if ordering in PROJECT_ORDERINGS else default


def project_list(request):
    text = request.GET.get("q", "").strip()[:200]
    ordering = ordering_of(request)
    page = Paginator(search_projects(request.user, text=text, ordering=ordering), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "projects/list.html",
        {"page": page, "projects": page.object_list, "q": text, "ordering": ordering},
    )


def project_page(request, project, version):
    versions = list(project.versions.order_by("-number"))
    context = {
        "project": project,
        "version": version,
        "versions": versions,
        "is_latest": versions[0].number == version.number,
        "files": list(version.files.all()),
        "can_change": can_change(request.user, project),
        "can_add_versions": can_add_versions(request.user, project),
        "datasets": project.datasets.all(),
        "competitions": project.competitions.all(),
        "forks": project.forks.filter(pk__in=search_projects(request.user).values("pk")),
    }
    return render(request, "projects/detail.html", context)


def project_detail(request, slug):
    project = project_for(request.user, slug)
    return project_page(request, project, version_for(project))


def project_version(request, slug, number):
    project = project_for(request.user, slug)
    return project_page(request, project, version_for(project, number))


def download_file(request, slug, number, name):
    project = project_for(request.user, slug)
    return project_file_response(request, version_for(project, number), name)


def show_error(form, error: DomainError) -> None:
    field = error.details.get("field")
    form.add_error(field if field in form.fields else None, error.message)


@login_required
def project_create(request):
    form = ProjectForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.service_arguments()
        try:
            project = create_project(
                owner=request.user, files=[NewFile(f.name, f) for f in data.pop("files")], **data
            )
        except DomainError as error:
            show_error(form, error)
        else:
            return redirect("projects:detail", slug=project.slug)
    return render(request, "projects/new.html", {"form": form})


@login_required
def project_edit(request, slug):
    project = project_for(request.user, slug)
    if not can_change(request.user, project):
        return redirect("projects:detail", slug=project.slug)
    form = ProjectEditForm(
        request.POST or None,
        initial=ProjectEditForm.initial_for(project),
        user=request.user,
        current=project.organisation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_project(project=project, user=request.user, changes=form.service_arguments())
        except DomainError as error:
            show_error(form, error)
        else:
            return redirect("projects:detail", slug=project.slug)
    return render(request, "projects/edit.html", {"form": form, "project": project})


@login_required
def version_create(request, slug):
    project = project_for(request.user, slug)
    if not can_add_versions(request.user, project):
        return redirect("projects:detail", slug=project.slug)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            add_version(
                project=project,
                user=request.user,
                files=[NewFile(f.name, f) for f in form.cleaned_data["files"]],
                notes=form.cleaned_data["notes"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            return redirect("projects:detail", slug=project.slug)
    return render(request, "projects/version_new.html", {"form": form, "project": project})


@login_required
@require_POST
def fork(request, slug):
    project = project_for(request.user, slug)
    copy = fork_project(project=project, user=request.user)
    return redirect("projects:detail", slug=copy.slug)


def competition_code_tab(request, slug):
    competition = competition_for(request.user, slug)
    ordering = ordering_of(request, default="rating")  # a Code tab shows the best rated first
    context = competition_context(request, competition, "code")
    context.update(projects=competition_code(request.user, competition, ordering)[:100], ordering=ordering)
    return render(request, "projects/competition_code.html", context)


def dataset_code_tab(request, slug):
    dataset = dataset_for(request.user, slug)
    ordering = ordering_of(request, default="rating")
    projects = dataset_code(request.user, dataset, ordering)[:100]
    return render(
        request,
        "projects/dataset_code.html",
        {"dataset": dataset, "projects": projects, "ordering": ordering},
    )
