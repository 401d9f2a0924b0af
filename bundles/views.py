from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from bundles.errors import BundleError
from bundles.forms import BundleUploadForm
from bundles.queries import import_for
from bundles.services import import_bundle, inspect_bundle


@login_required
def import_page(request):
    """Upload a bundle: checked only (its report shown), or imported as a draft competition."""
    form = BundleUploadForm(request.POST or None, request.FILES or None)
    plan, problems = None, []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["bundle"]
        try:
            if form.cleaned_data["check_only"]:
                plan = inspect_bundle(upload=upload)
            else:
                imported = import_bundle(host=request.user, upload=upload, file_name=upload.name)
                return redirect("bundles:report", import_id=imported.pk)
        except BundleError as refused:
            problems = refused.problems
    status = 400 if problems else 200
    return render(
        request,
        "bundles/import.html",
        {"form": form, "plan": plan, "report": plan.report if plan else [], "problems": problems},
        status=status,
    )


@login_required
def report_page(request, import_id: int):
    imported = import_for(request.user, import_id)
    return render(request, "bundles/report.html", {"imported": imported, "report": imported.report})
