from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from config.errors import DomainError, NotFound
from datasets.downloads import dataset_file_response, version_zip_response
from datasets.forms import DatasetForm
from datasets.queries import dataset_for, require_download, version_for, visible_datasets
from datasets.services import NewFile, create_dataset


def dataset_list(request):
    return render(request, "datasets/list.html", {"datasets": visible_datasets(request.user)})


def dataset_detail(request, slug):
    dataset = dataset_for(request.user, slug)
    number = request.GET.get("version")
    version = version_for(dataset, int(number) if number and number.isascii() and number.isdigit() else None)
    context = {"dataset": dataset, "version": version, "versions": dataset.versions.all()}
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
    return dataset_file_response(dataset_file)


def download_zip(request, slug, number):
    require_download(request.user)
    return version_zip_response(version_for(dataset_for(request.user, slug), number))
