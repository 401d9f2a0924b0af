from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse

from config.errors import DomainError, NotFound
from datasets.downloads import dataset_file_response, version_zip_response
from datasets.forms import DatasetFilterForm, DatasetForm
from datasets.previews import file_previews, with_previews
from datasets.queries import dataset_for, require_download, search_datasets, version_for
from datasets.services import NewFile, create_dataset, fill_missing_columns

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
    }
    return render(request, "datasets/detail.html", context)


@login_required
def dataset_create(request):
    form = DatasetForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dataset = create_dataset(
                owner=request.user,
                title=data["title"],
                slug=data["slug"],
                description=data["description"],
                license=data["license"],
                visibility=data["visibility"],
                files=[NewFile(f.name, f) for f in data["files"]],
            )
        except DomainError as error:
            form.add_error(
                error.details.get("field") if error.details.get("field") in form.fields else None,
                error.message,
            )
        else:
            return redirect("datasets:detail", slug=dataset.slug)
    return render(request, "datasets/new.html", {"form": form})


def download_file(request, slug, number, name):
    require_download(request.user)
    dataset_file = version_for(dataset_for(request.user, slug), number).files.filter(name=name).first()
    if dataset_file is None:
        raise NotFound(f"Version {number} of '{slug}' has no file '{name}'.")
    return dataset_file_response(request, dataset_file)


def download_zip(request, slug, number):
    require_download(request.user)
    return version_zip_response(request, version_for(dataset_for(request.user, slug), number))
