"""The Host tab's phases and tracks: save the phases (or start from the Development-then-Final template)
and the tracks. The rules and their messages are competitions.phase_setup's, as on the API."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from competitions.phase_data import upload_phase_data
from competitions.phase_forms import PhaseDataForm, phase_rows_for, track_rows_for
from competitions.phase_setup import (
    DEVELOPMENT_THEN_FINAL,
    SETS_PHASES,
    set_phases,
    set_tracks,
)
from competitions.phase_setup import use_phase_template as apply_template
from competitions.phases import PhaseError
from competitions.queries import competition_for, require_manager
from competitions.views import render_host_page
from config.errors import DomainError
from datasets.services import NewFile


def managed(request, slug):
    competition = competition_for(request.user, slug)
    require_manager(request.user, competition, SETS_PHASES)
    return competition


@login_required
@require_POST
def save_phases(request, slug):
    competition = managed(request, slug)
    rows = phase_rows_for(competition, request.POST)
    refusal = None
    if rows.is_valid():
        filled = [row for row in rows if not row.is_blank()]
        try:
            plans = [row.plan(number) for number, row in enumerate(filled, start=1)]
            set_phases(competition=competition, user=request.user, plans=plans)
        except forms.ValidationError:
            pass
        except PhaseError as error:
            refusal = error
        else:
            messages.success(request, f"Saved {len(plans)} phase{'s' if len(plans) != 1 else ''}.")
            return redirect(reverse("competitions:host", args=[slug]) + "#phases")
    return render_host_page(request, competition, phase_rows=rows, phases_refusal=refusal)


@login_required
@require_POST
def use_phase_template(request, slug):
    """Development over the first three quarters of the window, then a Final that decides."""
    competition = managed(request, slug)
    try:
        apply_template(competition=competition, user=request.user, template=DEVELOPMENT_THEN_FINAL)
    except PhaseError as error:
        return render_host_page(request, competition, phases_refusal=error)
    messages.success(
        request, "Two phases: Development, then a Final with few submissions and a hidden board."
    )
    return redirect(reverse("competitions:host", args=[slug]) + "#phases")


@login_required
@require_POST
def save_tracks(request, slug):
    competition = managed(request, slug)
    rows = track_rows_for(competition, request.POST)
    refusal = None
    if rows.is_valid():
        plans = [row.plan() for row in rows if not row.is_blank()]
        try:
            set_tracks(
                competition=competition,
                user=request.user,
                plans=plans,
                quotas_shared=request.POST.get("quotas_shared_across_tracks") == "on",
            )
        except PhaseError as error:
            refusal = error
        else:
            messages.success(request, f"Saved {len(plans)} track{'s' if len(plans) != 1 else ''}.")
            return redirect(reverse("competitions:host", args=[slug]) + "#tracks")
    return render_host_page(request, competition, track_rows=rows, tracks_refusal=refusal)


@login_required
@require_POST
def upload_data(request, slug):
    """A phase's own data: the files become a new version of the competition's data set for that phase."""
    competition = managed(request, slug)
    form = PhaseDataForm(request.POST, request.FILES, competition=competition)
    refusal = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            version = upload_phase_data(
                user=request.user,
                competition=competition,
                phase=data["phase"],
                files=[NewFile(upload.name, upload) for upload in data["files"]],
                keep=data["keep"],
                notes=data["notes"],
            )
        except DomainError as error:
            refusal = error
        else:
            messages.success(
                request,
                f"Version {version.number} of the data is published and is phase {data['phase']}'s data.",
            )
            return redirect(reverse("competitions:host", args=[slug]) + "#phase-data")
    return render_host_page(request, competition, phase_data_form=form, phase_data_refusal=refusal)
