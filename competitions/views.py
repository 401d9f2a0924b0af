from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from competitions.forms import CompetitionForm, CompetitionSettingsForm, RescoreForm
from competitions.models import Competition
from competitions.queries import (
    competition_for,
    downloadable_data,
    downloadable_file,
    is_host,
    listed_competitions,
    submission_limits,
    viewer_state,
)
from competitions.services import (
    create_competition,
    join_competition,
    publish_competition,
    update_competition,
)
from config.errors import DomainError, NotAllowed
from datasets.downloads import dataset_file_response, version_zip_response
from datasets.services import NewFile
from scoring import engine


def competition_context(request, competition: Competition, tab: str) -> dict:
    """What every tab of a competition page needs: the competition and where the viewer stands."""
    return {
        "competition": competition,
        "tab": tab,
        "metric": engine.METRICS.get(competition.metric),
        **viewer_state(request.user, competition),
    }


def metric_catalogue() -> list:
    return sorted(engine.METRICS.values(), key=lambda metric: metric.name)


def competition_list(request):
    return render(request, "competitions/list.html", {"competitions": listed_competitions(request.user)})


def overview(request, slug):
    competition = competition_for(request.user, slug)
    return render(
        request, "competitions/overview.html", competition_context(request, competition, "overview")
    )


def data(request, slug):
    competition = competition_for(request.user, slug)
    context = competition_context(request, competition, "data")
    context["files"] = competition.data_version.files.all() if competition.data_version else []
    context["may_download"] = context["is_host"] or context["has_accepted_current_rules"]
    return render(request, "competitions/data.html", context)


def evaluation(request, slug):
    competition = competition_for(request.user, slug)
    context = competition_context(request, competition, "evaluation")
    context["limits"] = submission_limits(competition)
    return render(request, "competitions/evaluation.html", context)


def rules(request, slug):
    competition = competition_for(request.user, slug)
    return render(request, "competitions/rules.html", competition_context(request, competition, "rules"))


@login_required
@require_POST
def join(request, slug):
    competition = competition_for(request.user, slug)
    team = join_competition(competition=competition, user=request.user)
    messages.success(request, f"You accepted the rules and joined as team '{team.name}'.")
    return redirect("competitions:data", slug=slug)


def download_file(request, slug, name):
    competition = competition_for(request.user, slug)
    return dataset_file_response(downloadable_file(request.user, competition, name))


def download_zip(request, slug):
    competition = competition_for(request.user, slug)
    return version_zip_response(downloadable_data(request.user, competition))


@login_required
def competition_create(request):
    form = CompetitionForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            competition = create_competition(
                host=request.user,
                draft=form.draft(),
                solution=form.cleaned_data["solution"],
                data_files=[NewFile(f.name, f) for f in form.cleaned_data["data_files"]],
                source_dataset=form.cleaned_data["source_dataset"],
            )
        except DomainError as error:
            field = {"metric_params": "metric_parameters"}.get(
                error.details.get("field"), error.details.get("field")
            )
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, "Competition created as a draft. Check it, then publish it.")
            return redirect("competitions:overview", slug=competition.slug)
    return render(request, "competitions/new.html", {"form": form, "metrics": metric_catalogue()})


@login_required
@require_POST
def publish(request, slug):
    competition = publish_competition(competition=competition_for(request.user, slug), user=request.user)
    messages.success(request, f"'{competition.title}' is published.")
    return redirect("competitions:overview", slug=slug)


@login_required
def host_settings(request, slug):
    """The host's page: change text, rules, limits and deadlines, or extend the end."""
    competition = competition_for(request.user, slug)
    if not is_host(request.user, competition):
        raise NotAllowed("Only the competition's host can change it.")
    initial = {name: getattr(competition, name) for name in CompetitionSettingsForm.base_fields}
    form = CompetitionSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_competition(competition=competition, user=request.user, changes=form.changes(competition))
        except DomainError as error:
            field = error.details.get("field")
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, "Saved.")
            return redirect("competitions:host", slug=slug)
    context = competition_context(request, competition, "host")
    context.update(
        form=form, rescore_form=rescore_form_for(competition), rescore=competition.rescores.first()
    )
    return render(request, "competitions/host.html", context)


def rescore_form_for(competition: Competition, data=None, files=None) -> RescoreForm:
    params = ", ".join(f"{name}={value}" for name, value in (competition.metric_params or {}).items())
    return RescoreForm(data, files, initial={"metric": competition.metric, "metric_parameters": params})
