from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from competitions import admission, staging
from competitions.admission_forms import AllowListForm, InvitationForm, JoinRequestForm
from competitions.co_hosts import co_hosts_of
from competitions.forms import (
    HOSTING_STEPS,
    CompetitionFilterForm,
    CompetitionForm,
    CompetitionSettingsForm,
    LogoForm,
    RescoreForm,
)
from competitions.models import Competition, CompetitionHost, PhaseTrack
from competitions.phase_forms import PhaseDataForm, phase_rows_for, track_rows_for
from competitions.phase_setup import shape_new_competition
from competitions.phases import current_phase, named_pair, pairs_of, phases_of, public_data_of
from competitions.prize_forms import PrizeEligibilityForm, PrizesForm
from competitions.queries import (
    CompetitionSearch,
    awaits_email_confirmation,
    can_manage,
    competition_for,
    downloadable_data,
    downloadable_file,
    require_manager,
    require_reviewer,
    search_competitions,
    solution_check,
    submission_limits,
    viewer_state,
    with_metric_names,
)
from competitions.services import (
    create_competition,
    join_competition,
    publish_competition,
    update_competition,
)
from config.errors import DomainError
from datasets.downloads import dataset_file_response, version_zip_response
from datasets.previews import file_previews, with_previews
from datasets.queries import search_datasets
from scoring import engine


def competition_context(request, competition: Competition, tab: str) -> dict:
    """What every tab of a competition page needs: the competition and where the viewer stands."""
    state = viewer_state(request.user, competition)
    context = {
        "competition": competition,
        "tab": tab,
        "metric": engine.METRICS.get(competition.metric),
        **state,
    }
    if not state["is_admitted"] and not state["hosts_it"]:
        context["not_admitted_message"] = admission.not_admitted_message(competition, request.user)
        context["awaits_email_confirmation"] = awaits_email_confirmation(request.user, competition)
        context["join_request"] = admission.own_join_request(request.user, competition)
        context["join_request_form"] = JoinRequestForm()
    return context


HOME_FINISHED = 6
HOME_DATASETS = 6
LIST_PAGE_SIZE = 24


def home(request):
    """Running competitions first (those the moderators feature leading), then upcoming ones, the ones
    that finished most recently, and datasets."""
    running = search_competitions(request.user, CompetitionSearch(phase="running"))
    running = with_metric_names(running.order_by("-featured", *running.query.order_by))
    upcoming = with_metric_names(search_competitions(request.user, CompetitionSearch(phase="upcoming"))[:3])
    finished = with_metric_names(
        search_competitions(request.user, CompetitionSearch(phase="finished"))[:HOME_FINISHED]
    )
    datasets = search_datasets(request.user).annotate(file_count=Count("versions__files"))[:HOME_DATASETS]
    context = {"running": running, "upcoming": upcoming, "finished": finished, "datasets": datasets}
    return render(request, "competitions/home.html", context)


def competition_list(request):
    form = CompetitionFilterForm(request.GET or None)
    search = form.as_search() if request.GET else CompetitionSearch()
    page = Paginator(search_competitions(request.user, search), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = with_metric_names(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form if request.GET else CompetitionFilterForm(),
        "page": page,
        "competitions": page.object_list,
        "filtered": bool(search.text or search.phase or search.prediction),
        "query": query.urlencode(),
    }
    return render(request, "competitions/list.html", context)


def overview(request, slug):
    competition = competition_for(request.user, slug)
    return render(
        request, "competitions/overview.html", competition_context(request, competition, "overview")
    )


def data(request, slug):
    competition = competition_for(request.user, slug)
    context = competition_context(request, competition, "data")
    phase = current_phase(competition)
    version = public_data_of(competition, phase)
    files = list(version.files.all()) if version is not None else []
    context["data_phase"] = phase if phase.data_version_id is not None else None
    context["data_version"] = version
    may_download = context["is_host"] or context["has_accepted_current_rules"]
    # The first rows are the data itself: shown to those who may download it, never read from elsewhere
    # than the competition's public data files (the solution is not one of them).
    previews = file_previews(files) if may_download else {}
    context["files"] = with_previews(files, previews)
    context["may_download"] = may_download
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
    return dataset_file_response(request, downloadable_file(request.user, competition, name))


def download_zip(request, slug):
    competition = competition_for(request.user, slug)
    return version_zip_response(request, downloadable_data(request.user, competition))


@login_required
def competition_create(request):
    staged = staging.staged_for(request.session, request.user, request.POST.get("staged", ""))
    form = CompetitionForm(request.POST or None, request.FILES or None, user=request.user, staged=staged)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # made with its phases and tracks, or not at all
                competition = create_competition(
                    host=request.user,
                    draft=form.draft(),
                    solution=form.solution_file(),
                    data_files=form.public_files(),
                    source_dataset=form.cleaned_data["source_dataset"],
                    organisation=form.cleaned_data.get("organisation"),
                )
                shape_new_competition(
                    competition=competition,
                    user=request.user,
                    template=form.cleaned_data["phase_template"],
                    tracks=form.cleaned_data["extra_tracks"],
                )
        except DomainError as error:
            field = error.details.get("field")
            if field == "metric_params":
                field = form.parameter_field_for(error.details.get("parameter"))
            form.add_error(field if field in form.fields else None, error.message)
        else:
            staging.discard(request.session, staged)
            if form.cleaned_data.get("scored_by_program"):
                messages.success(request, "Competition created as a draft. Upload your scoring program next.")
                return redirect("scoring_programs:host", slug=competition.slug)
            messages.success(request, "Competition created as a draft. Check it, then publish it.")
            return redirect("competitions:check", slug=competition.slug)
    if request.method == "POST":
        # The browser forgets the chosen files when the form comes back: keep them for the next try.
        cleaned = getattr(form, "cleaned_data", {})
        form.show_staged(
            staging.stage(
                session=request.session,
                user=request.user,
                staged=staged,
                solution=cleaned.get("solution"),
                data_files=cleaned.get("data_files") or [],
                leave_out_data_files=bool(cleaned.get("leave_out_data_files")),
            )
        )
    context = {"form": form, "steps": HOSTING_STEPS, "error_steps": form.steps_with_errors()}
    return render(request, "competitions/new.html", context)


@login_required
@require_POST
def publish(request, slug):
    competition = publish_competition(competition=competition_for(request.user, slug), user=request.user)
    messages.success(request, f"'{competition.title}' is published.")
    return redirect("competitions:overview", slug=slug)


@login_required
def check(request, slug):
    """The host's check of a competition before publishing it: split, format, sample, what is missing."""
    competition = competition_for(request.user, slug)
    require_reviewer(request.user, competition, "check its solution")
    context = competition_context(request, competition, "host")
    context["check"] = solution_check(competition)
    context["steps"] = HOSTING_STEPS
    return render(request, "competitions/check.html", context)


@login_required
def host_settings(request, slug):
    """The host's page: change text, rules, limits and deadlines, or extend the end. Reviewers read it
    without its forms."""
    competition = competition_for(request.user, slug)
    require_reviewer(request.user, competition, "open the Host tab")
    if not can_manage(request.user, competition):
        if request.method == "POST":
            require_manager(request.user, competition, "change it; reviewers read it")
        return render_host_page(request, competition)
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
    return render_host_page(request, competition, form=form)


def render_host_page(request, competition: Competition, **forms):
    """The Host tab with its forms, the ones given (bound, with their errors) and fresh ones for the rest.
    A reviewer reads the tab without them (host.html shows them to managers only), so they are built only
    for those who may manage."""
    context = competition_context(request, competition, "host")
    context.update(co_hosts=co_hosts_of(competition), co_host_roles=CompetitionHost.Role.choices)
    if can_manage(request.user, competition):
        if "form" not in forms:
            initial = {name: getattr(competition, name) for name in CompetitionSettingsForm.base_fields}
            forms["form"] = CompetitionSettingsForm(initial=initial)
        forms.setdefault("logo_form", LogoForm())
        forms.setdefault("prizes_form", PrizesForm(competition=competition))
        forms.setdefault("eligibility_form", PrizeEligibilityForm())
        forms.setdefault("phase_rows", phase_rows_for(competition))
        forms.setdefault("track_rows", track_rows_for(competition))
        forms.setdefault("phase_data_form", PhaseDataForm(competition=competition))
        pair = rescored_pair(request, competition)
        context.update(
            rescore_form=rescore_form_for(competition, pair=pair),
            rescore_targets=rescore_targets(competition, pair),
            rescore=competition.rescores.first(),
            ineligible_teams=competition.teams.filter(prize_ineligible_at__isnull=False).order_by("name"),
            prizes_locked=competition.phase == Competition.Phase.FINISHED,
            access=admission.admission_overview(competition),
            invitation_form=InvitationForm(auto_id="id_invitation_%s"),
            allow_list_form=AllowListForm(auto_id="id_allow_list_%s"),
            code_pairs=pairs_of(competition),
            phase_data=[(phase, public_data_of(competition, phase)) for phase in phases_of(competition)],
        )
    context.update(forms)
    return render(request, "competitions/host.html", context)


def rescore_form_for(competition: Competition, data=None, files=None, pair=None) -> RescoreForm:
    return RescoreForm(data, files, competition=competition, pair=pair)


def rescored_pair(request, competition: Competition) -> PhaseTrack | None:
    """The pair the Host tab's rescore form is for (`?rescore=N:slug`), or None: the competition's setup."""
    phase, _, track = request.GET.get("rescore", "").partition(":")
    try:
        return named_pair(competition, phase, track)
    except DomainError as error:
        messages.error(request, error.message)
        return None


def rescore_targets(competition: Competition, chosen: PhaseTrack | None) -> list[tuple[str, str, bool]]:
    """What the Host tab may rescore (value, label, chosen): the competition's setup, or one pair alone
    when there are several."""
    pairs = pairs_of(competition)
    if len(pairs) < 2:
        return []
    targets = [("", "The competition's setup (every phase and track that uses it)", chosen is None)]
    for pair in pairs:
        own = " (its own setup)" if pair.has_own_solution or pair.metric else ""
        label = f"{pair.phase.name} / {pair.track.name}{own}"
        targets.append(
            (f"{pair.phase.number}:{pair.track.slug}", label, chosen is not None and pair.pk == chosen.pk)
        )
    return targets
