from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from competitions.models import Competition, PhaseTrack, Team
from competitions.phases import (
    board_pair,
    current_phase,
    effective_limits,
    find_phase,
    find_track,
    pair_of,
    pairs_of,
    phases_of,
    scoring_setup,
    tracks_of,
)
from competitions.queries import (
    can_see_private_scores,
    competition_for,
    require_manager,
    viewer_state,
)
from competitions.views import competition_context
from config.errors import NotFound
from submissions.code import CodeRefused, SavedCodeInputs, set_code_inputs
from submissions.host_tests import MAKES_TESTS, create_host_test
from submissions.models import CodeRun
from submissions.queries import code_runs_for, pair_columns_for, submission_for, visible_submissions
from submissions.quota import team_quota
from submissions.services import HEAD_BYTES, SubmissionRefused, cancel_submission, select_final


def my_submissions(request, slug):
    """The team's submissions and the upload form; uploading goes through the API so the page shows progress."""
    competition = competition_for(request.user, slug)
    context = competition_context(request, competition, "submissions")
    team = context["team"]
    several = len(pairs_of(competition)) > 1
    pair = board_pair(competition, request.GET.get("phase"), request.GET.get("track"))
    current = current_phase(competition)
    track_query = f"?track={pair.track.slug}" if several else ""
    context.update(
        submissions=visible_submissions(request.user, competition, pair if several else None)[:200]
        if request.user.is_authenticated
        else [],
        quota=team_quota(team, pair=pair) if team and pair.phase_id == current.pk else None,
        **row_context(request.user, competition, team, pair),
        submit_url=reverse("api-competition-submissions", kwargs={"slug": slug}),
        quota_url=reverse("api-competition-quota", kwargs={"slug": slug}) + track_query,
        expected_header=",".join(scoring_setup(pair, competition).submission_columns),
        pair=pair,
        several_pairs=several,
        shown_phase_is_current=pair.phase_id == current.pk,
        final_selection_limit=effective_limits(current, competition)["final_selection_limit"],
        phase_links=[
            (phase, phase.pk == pair.phase_id, phase.pk == current.pk) for phase in phases_of(competition)
        ],
        track_links=[(track, track.pk == pair.track_id) for track in tracks_of(competition)],
        check_url=reverse("api-competition-submission-check", kwargs={"slug": slug}),
        head_bytes=HEAD_BYTES,
        accepting=competition.phase in ("running", "finished"),
        program_scored=bool(pair.program_fingerprint),
        takes_code=pair.takes_code,
        takes_files=pair.takes_files,
    )
    return render(request, "submissions/list.html", context)


def row_context(user, competition: Competition, team: Team | None, pair: PhaseTrack) -> dict:
    """What submissions/_row.html needs besides the submission, for the page and for one live row alike:
    the columns are the pair's (a host's program fills its own)."""
    return {
        "show_private": can_see_private_scores(user, competition),
        "score_columns": pair_columns_for(user, competition, pair),
        "may_select": competition.phase == "running" and team is not None and not team.disqualified_at,
    }


@login_required
def row(request, slug, submission_id):
    """One row of the submissions table, rendered as the page renders it: the page asks for it when an upload
    is accepted and while the submission is scored, so a live row has the same text and buttons as a reloaded
    page."""
    submission = submission_for(request.user, submission_id)
    competition = submission.competition
    if competition.slug != slug:
        raise NotFound(f"No submission {submission_id} that you may see.")
    state = viewer_state(request.user, competition)
    context = {
        "s": submission,
        "competition": competition,
        "is_host": state["is_host"],
        "may_manage": state["may_manage"],
        **row_context(request.user, competition, state["team"], submission.phase_track),
    }
    return render(request, "submissions/_row.html", context)


@login_required
@require_POST
def select(request, slug, submission_id):
    """Toggle a submission as one of the team's finals, from the submissions page."""
    submission = submission_for(request.user, submission_id)
    selected = request.POST.get("selected") == "1"
    select_final(submission=submission, user=request.user, selected=selected)
    verb = "selected for" if selected else "removed from"
    messages.success(request, f"Submission {submission.team_number} {verb} the final leaderboard.")
    return redirect("submissions:list", slug=slug)


@login_required
@require_POST
def cancel(request, slug, submission_id):
    submission = submission_for(request.user, submission_id)
    cancel_submission(submission=submission, user=request.user)
    messages.success(
        request, f"Submission {submission.team_number} cancelled; it still counts against your quota."
    )
    return redirect("submissions:list", slug=slug)


@login_required
@require_POST
def host_test(request, slug):
    """The host uploads a test submission from the Host tab; its scores appear there, and nowhere else."""
    competition = competition_for(request.user, slug)
    require_manager(request.user, competition, MAKES_TESTS)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose a prediction CSV to test.")
        return redirect(reverse("competitions:host", kwargs={"slug": slug}) + "#test-submission")
    try:
        test = create_host_test(
            competition=competition, user=request.user, file_name=upload.name, stream=upload
        )
    except (SubmissionRefused, CodeRefused) as error:
        messages.error(request, f"Test submission refused: {error.message}")
    else:
        messages.success(request, f"Test file '{test.file_name}' is being scored; its scores appear below.")
    return redirect(reverse("competitions:host", kwargs={"slug": slug}) + "#test-submission")


@login_required
def code_runs(request, slug, submission_id):
    """A code submission's runs: the sample run's logs; the hidden run's status only, except for the host
    (submissions.queries.code_runs_for)."""
    submission = submission_for(request.user, submission_id)
    competition = submission.competition
    if competition.slug != slug:
        raise NotFound(f"No submission {submission_id} that you may see.")
    context = competition_context(request, competition, "submissions")
    runs = code_runs_for(request.user, submission)
    for run in runs:
        run["failure_label"] = CodeRun.Failure(run["failure"]).label.lower() if run["failure"] else ""
    context.update(submission=submission, runs=runs)
    return render(request, "submissions/code_runs.html", context)


@login_required
@require_POST
def host_code(request, slug, number, track):
    """The Host tab's form for what a track takes in a phase and the inputs its code runs on."""
    competition = competition_for(request.user, slug)
    phase, chosen = find_phase(competition, number), find_track(competition, track)
    if phase is None or chosen is None:
        raise NotFound("Name a phase and a track.")
    uploads = {
        name: (request.FILES[name].name, request.FILES[name])
        for name in ("hidden_inputs", "sample_inputs", "ingestion_program")
        if name in request.FILES
    }
    try:
        saved = set_code_inputs(
            competition=competition,
            user=request.user,
            pair=pair_of(competition, phase, chosen),
            accepts=request.POST.get("accepts", ""),
            default_ingestion=request.POST.get("default_ingestion") == "1",
            rerun=request.POST.get("rerun") == "1",
            **uploads,
        )
    except CodeRefused as error:
        field = error.details.get("field", "accepts").replace("_", " ")
        messages.error(request, f"{field}: {error.message}")
    else:
        messages.success(request, saved_message(saved))
    return redirect(reverse("competitions:host", kwargs={"slug": slug}) + "#code")


def saved_message(saved: SavedCodeInputs) -> str:
    pair, rerun = saved.pair, saved.rerun
    said = f"{pair}: takes {pair.get_accepts_display().lower()}."
    if rerun is None:
        return said
    return (
        f"{said} Rescore {rerun.pk} runs the {rerun.total} scored code submission(s) again on the new "
        "inputs; the pair keeps its current ones, and the boards their scores, until it is done."
    )
