from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from competitions.phases import named_pair
from competitions.queries import competition_for
from competitions.views import rescore_form_for
from config.errors import DomainError
from scoring.rescoring import cancel_rescore, start_rescore


@login_required
@require_POST
def rescore(request, slug):
    """The host replaces the solution or changes the metric from the Host tab."""
    competition = competition_for(request.user, slug)
    try:
        pair = named_pair(competition, request.POST.get("phase"), request.POST.get("track"))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("competitions:host", slug=slug)
    form = rescore_form_for(competition, request.POST, request.FILES, pair=pair)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("competitions:host", slug=slug)
    try:
        started = start_rescore(
            phase_track=pair,
            competition=competition,
            user=request.user,
            solution=form.cleaned_data["solution"],
            metric=form.cleaned_data["metric"],
            metric_params=form.cleaned_data["metric_params"],
            score_columns=form.cleaned_data["score_columns"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Rescoring {started.total} submissions{where(pair)} in the background; the leaderboards switch "
            "when all are done.",
        )
    return redirect("competitions:host", slug=slug)


def where(pair) -> str:
    return f" of {pair.phase.name} / {pair.track.name}" if pair is not None else ""


@login_required
@require_POST
def cancel_running_rescore(request, slug):
    """The host stops the running rescore from the Host tab."""
    competition = competition_for(request.user, slug)
    try:
        cancel_rescore(competition=competition, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Rescore cancelled; the leaderboards keep their current scores.")
    return redirect("competitions:host", slug=slug)
