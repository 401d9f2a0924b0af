from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from bundles.errors import BundleError
from bundles.forms import BundleUploadForm
from bundles.importing import queue_import
from bundles.queries import import_for


@login_required
def import_page(request):
    """Upload a bundle: its import (or only its check) is queued, and its page shows the outcome."""
    form = BundleUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["bundle"]
        try:
            imported = queue_import(
                host=request.user,
                upload=upload,
                file_name=upload.name,
                check_only=form.cleaned_data["check_only"],
            )
            return redirect("bundles:report", import_id=imported.pk)
        except BundleError as refused:
            problems = refused.problems
    return render(
        request, "bundles/import.html", {"form": form, "problems": problems}, status=400 if problems else 200
    )


@login_required
def report_page(request, import_id: int):
    """The import's outcome: "importing" (the page reloads itself until a worker is done), then the report,
    or every problem that refused the bundle."""
    imported = import_for(request.user, import_id)
    failure = imported.error
    problems = [problem["text"] for problem in failure["details"]["errors"]] if failure else []
    return render(
        request,
        "bundles/report.html",
        {
            "imported": imported,
            "report": imported.report,
            "summary": imported.summary,
            "failure": failure,
            "problems": problems or ([failure["message"]] if failure else []),
        },
    )
