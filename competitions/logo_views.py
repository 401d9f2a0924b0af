"""A competition's logo: the image itself, and the Host tab's form that sets or removes it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from competitions.forms import LogoForm
from competitions.logos import (
    LogoError,
    content_type_of,
    logo_name,
    max_logo_bytes,
    read_upload,
    remove_competition_logo,
    set_competition_logo,
)
from competitions.models import Competition
from competitions.queries import competition_for, require_manager
from competitions.views import render_host_page
from datasets.storage import public_storage

# Each logo has its own address, so a browser may keep it for good; for a competition not everyone may see,
# only the viewer's own browser keeps it.
CACHED_FOR_ALL = "public, max-age=31536000, immutable"
CACHED_FOR_VIEWER = "private, max-age=86400"


def logo(request, slug, name):
    """The logo's bytes, to whoever may see the competition; only its current logo is served."""
    competition = competition_for(request.user, slug)
    if not competition.logo_key or logo_name(competition.logo_key) != name:
        raise Http404("This competition has no such logo.")
    with public_storage().open(competition.logo_key, "rb") as stored:
        content = stored.read(max_logo_bytes() + 1)
    response = HttpResponse(content, content_type=content_type_of(competition.logo_key))
    seen_by_all = (
        competition.visibility == Competition.Visibility.PUBLIC
        and competition.status == Competition.Status.PUBLISHED
        and not competition.is_suspended
    )
    response["Cache-Control"] = CACHED_FOR_ALL if seen_by_all else CACHED_FOR_VIEWER
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def back_to_logo(slug: str):
    return redirect(reverse("competitions:host", args=[slug]) + "#logo")


@login_required
@require_POST
def save_logo(request, slug):
    competition = competition_for(request.user, slug)
    require_manager(request.user, competition, "change its logo")
    form = LogoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            set_competition_logo(
                competition=competition, user=request.user, content=read_upload(form.cleaned_data["logo"])
            )
        except LogoError as error:
            form.add_error("logo", error.message)
        else:
            messages.success(request, "The logo is saved.")
            return back_to_logo(slug)
    return render_host_page(request, competition, logo_form=form)


@login_required
@require_POST
def remove_logo(request, slug):
    competition = competition_for(request.user, slug)
    try:
        remove_competition_logo(competition=competition, user=request.user)
    except LogoError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The logo is removed.")
    return back_to_logo(slug)
