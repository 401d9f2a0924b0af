from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse

from config.errors import DomainError, NotFound
from datasets.downloads import dataset_file_response, version_zip_response
from datasets.forms import DatasetDetailsForm, DatasetFilterForm, DatasetForm, DatasetVersionForm
from datasets.previews import file_previews, with_previews
from datasets.queries import (
    dataset_for,
    is_owner,
    require_download,
    require_owner,
    search_datasets,
    version_for,
)
from datasets.services import (
    NewFile,
    add_version,
    create_dataset,
    delete_dataset,
    fill_missing_columns,
    update_dataset,
)

PAGE_SIZE = 24


def dataset_list(request):
    form = DatasetFilterForm(request.GET or None)
    text, ordering = form.search() if request.GET else ("", "newest")
    datasets = search_datasets(request.user, text=text, ordering=ordering).annotate(
        version_count=Count("versions")
    )
    page = Paginator(datasets, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form if request.GET else DatasetFilterForm(),
        "page": page,
        "datasets": page.object_list,
        "searched": bool(text),
        "query": query.urlencode(),
    }
    return render(request, "datasets/list.html", context)


def dataset_detail(request, slug):
    dataset = dataset_for(request.user, slug)
    number = request.GET.get("version")
    version = version_for(dataset, int(number) if number and number.isascii() and number.isdigit() else None)
    fill_missing_columns(version=version)
    files = list(version.files.all())
    previews = file_previews(files)
    versions = list(dataset.versions.annotate(file_count=Count("files")).order_by("-number"))
    croissant = reverse("api-dataset-croissant", args=[dataset.slug])
    if versions and versions[0].number != version.number:
        croissant += f"?version={version.number}"
    context = {
        "dataset": dataset,
        "version": version,
        "versions": versions,
        "is_latest": bool(versions) and versions[0].number == version.number,
        "files": with_previews(files, previews),
        "previewed": bool(previews),
        "total_size": sum(dataset_file.size for dataset_file in files),
        "croissant_url": request.build_absolute_uri(croissant),
        "can_change": is_owner(request.user, dataset),
    }
    return render(request, "datasets/detail.html", context)


@login_required
def dataset_create(request):
    form = DatasetForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dataset = create_dataset(
                owner=request.user,
                files=[NewFile(f.name, f) for f in data.pop("files")],
                **data,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            return redirect("datasets:detail", slug=dataset.slug)
    return render(request, "datasets/new.html", {"form": form})


def show_error(form, error: DomainError) -> None:
    """A service's refusal, on the field it names (or above the form)."""
    field = error.details.get("field")
    form.add_error(field if field in form.fields else None, error.message)


def owned_dataset(request, slug, action: str):
    """The dataset, if the user may see it (404 otherwise) and change it (403 otherwise)."""
    dataset = dataset_for(request.user, slug)
    require_owner(request.user, dataset, action)
    return dataset


@login_required
def dataset_edit(request, slug):
    dataset = owned_dataset(request, slug, "edit it")
    initial = {
        name: getattr(dataset, name)
        for name in [
            "title",
            "subtitle",
            "description",
            "license",
            "license_url",
            "license_name",
            "visibility",
        ]
    }
    form = DatasetDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_dataset(dataset=dataset, **form.cleaned_data)
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, "The dataset's details are saved.")
            return redirect("datasets:detail", slug=dataset.slug)
    return render(request, "datasets/edit.html", {"form": form, "dataset": dataset})


@login_required
def version_create(request, slug):
    dataset = owned_dataset(request, slug, "add versions to it")
    latest = dataset.latest_version
    file_names = [f.name for f in latest.files.all()] if latest else []
    form = DatasetVersionForm(request.POST or None, request.FILES or None, file_names=file_names)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = add_version(
                dataset=dataset,
                keep=data["keep"],
                files=[NewFile(f.name, f) for f in data["files"]],
                notes=data["notes"].strip(),
            )
        except DomainError as error:
            show_error(form, error)
        else:
            messages.success(request, f"Version {version.number} is published.")
            return redirect("datasets:detail", slug=dataset.slug)
    context = {"form": form, "dataset": dataset, "latest": latest}
    return render(request, "datasets/version_new.html", context)


@login_required
def dataset_delete(request, slug):
    dataset = owned_dataset(request, slug, "delete it")
    error = None
    if request.method == "POST":
        try:
            delete_dataset(dataset=dataset)
        except DomainError as refusal:
            error = refusal.message
        else:
            messages.success(request, f"The dataset '{dataset.title}' is deleted.")
            return redirect("datasets:list")
    context = {
        "dataset": dataset,
        "error": error,
        "version_count": dataset.versions.count(),
        # a file kept from one version to the next is one stored file
        "file_count": dataset.versions.aggregate(files=Count("files__storage_key", distinct=True))["files"],
    }
    return render(request, "datasets/delete.html", context, status=400 if error else 200)


def download_file(request, slug, number, name):
    require_download(request.user)
    dataset_file = version_for(dataset_for(request.user, slug), number).files.filter(name=name).first()
    if dataset_file is None:
        raise NotFound(f"Version {number} of '{slug}' has no file '{name}'.")
    return dataset_file_response(request, dataset_file)


def download_zip(request, slug, number):
    require_download(request.user)
    return version_zip_response(request, version_for(dataset_for(request.user, slug), number))
