"""The Host tab's scoring program page: upload a program, map its columns, set its limits, read its dry run
and the logs of its runs (the host's only; participants see a generic reason with the run's number)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from competitions.phases import board_pair, pairs_of
from competitions.queries import can_manage, competition_for, require_manager
from competitions.views import competition_context
from scoring_programs.errors import ProgramRefused
from scoring_programs.forms import ProgramForm
from scoring_programs.models import SampleCode
from scoring_programs.queries import (
    program_for,
    program_run_for,
    recent_scoring_runs,
)
from scoring_programs.sample_code import set_sample_code
from scoring_programs.serializers import sample_code_runs
from scoring_programs.services import (
    SETS_PROGRAM,
    delete_scoring_program,
    latest_dry_run,
    rerun_dry_run,
    set_scoring_program,
)


def page_url(slug: str, pair) -> str:
    return (
        reverse("scoring_programs:host", args=[slug]) + f"?phase={pair.phase.number}&track={pair.track.slug}"
    )


@login_required
def host_program(request, slug):
    competition = competition_for(request.user, slug)
    source = request.POST if request.method == "POST" else request.GET
    pair = board_pair(competition, source.get("phase") or None, source.get("track") or None)
    program = program_for(request.user, competition, pair)
    form, refusal = ProgramForm(), None
    if request.method == "POST":
        require_manager(request.user, competition, SETS_PROGRAM)
        action = request.POST.get("action")
        if action in PAGE_ACTIONS:
            try:
                done = PAGE_ACTIONS[action](request, competition, pair)
            except ProgramRefused as error:
                refusal = error
            else:
                messages.success(request, done)
                return redirect(page_url(slug, pair) + "#dry-run")
        elif action == "delete":
            try:
                delete_scoring_program(competition=competition, user=request.user, pair=pair)
            except ProgramRefused as error:
                refusal = error
            else:
                messages.success(request, f"{pair} is scored by its metric again.")
                return redirect(page_url(slug, pair))
        else:
            form = ProgramForm(request.POST, request.FILES)
            if form.is_valid():
                reference = form.cleaned_data.get("reference")
                try:
                    program = set_scoring_program(
                        competition=competition,
                        user=request.user,
                        pair=pair,
                        archive_name=form.cleaned_data["program"].name,
                        archive=form.cleaned_data["program"].read(),
                        columns=form.columns(),
                        limits=form.limits(),
                        reference_name=reference.name if reference else "",
                        reference=reference.read() if reference else None,
                    )
                except ProgramRefused as error:
                    refusal = error
                else:
                    messages.success(request, saved_message(program))
                    return redirect(page_url(slug, pair))
    context = competition_context(request, competition, "host")
    dry_run = latest_dry_run(program) if program else None
    context.update(
        sample_code=SampleCode.objects.filter(pair=pair).first(),
        dry_run_code_runs=sample_code_runs(dry_run) if dry_run else [],
        dry_run_unfinished=dry_run is not None and not dry_run.is_finished,
        pair=pair,
        pairs=pairs_of(competition) if len(pairs_of(competition)) > 1 else [],
        program=program,
        dry_run=dry_run,
        dry_run_scores=scores_by_column(program, dry_run),
        runs=recent_scoring_runs(request.user, competition, pair) if program else [],
        form=form,
        refusal=refusal,
        may_manage=can_manage(request.user, competition),
    )
    return render(request, "scoring_programs/host.html", context, status=400 if refusal else 200)


def run_dry_run_again(request, competition, pair) -> str:
    run = rerun_dry_run(competition=competition, user=request.user, pair=pair)
    return f"Dry run {run.pk} is queued."


def upload_sample_code(request, competition, pair) -> str:
    upload = request.FILES.get("sample_code")
    if upload is None:
        raise ProgramRefused(
            "Sample code: choose a code zip to upload.",
            code="sample_code_missing",
            details={"field": "sample_code"},
        )
    set_sample_code(
        competition=competition, user=request.user, pair=pair, file_name=upload.name, stream=upload
    )
    if pair.program_fingerprint:
        return f"Sample code '{upload.name}' saved; the program's dry run on it is queued."
    return f"Sample code '{upload.name}' saved; it is being scored as a test submission (Host tab)."


# The page's buttons that are not the program form, by the `action` they post.
PAGE_ACTIONS = {"dry_run": run_dry_run_again, "sample_code": upload_sample_code}


def saved_message(program) -> str:
    if program.phase_track_id is None:
        return (
            "Program saved; a rescore runs its dry run, then scores every scored submission with it. The "
            "boards switch to it when all are done; until then the current program scores."
        )
    return "Program saved; its dry run on the sample submission is queued."


def scores_by_column(program, run) -> list[tuple[dict, float | None]]:
    if program is None or run is None:
        return []
    return [(column, run.scores.get(column["label"])) for column in program.columns]


@login_required
def host_program_run(request, slug, run_id):
    competition = competition_for(request.user, slug)
    run = program_run_for(request.user, competition, run_id)
    context = competition_context(request, competition, "host")
    context.update(run=run, pair=run.program.pair, code_runs=sample_code_runs(run))
    return render(request, "scoring_programs/run.html", context)
