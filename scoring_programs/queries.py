"""The one door to a scoring program's logs and detail: the host, co-hosts and reviewers only (a program
may print hidden data; participants see a generic reason naming the run)."""

from __future__ import annotations

from accounts.models import User
from competitions.models import Competition, PhaseTrack
from competitions.queries import require_reviewer
from config.errors import NotFound
from scoring_programs.models import ProgramRun, ScoringProgram

SEES_PROGRAM = "see its scoring program"


def program_for(user: User, competition: Competition, pair: PhaseTrack) -> ScoringProgram | None:
    """The pair's program as its host sees it, or None when the pair is scored by its metric."""
    require_reviewer(user, competition, SEES_PROGRAM)
    return ScoringProgram.objects.filter(phase_track=pair).first()


def program_run_for(user: User, competition: Competition, run_id: int) -> ProgramRun:
    """One run of one of the competition's programs, with its logs (the reference a participant is given)."""
    require_reviewer(user, competition, SEES_PROGRAM)
    run = (
        ProgramRun.objects.filter(pk=run_id, program__pair__competition=competition)
        .select_related("program__pair__phase", "program__pair__track")
        .first()
    )
    if run is None:
        raise NotFound(f"No scoring program run {run_id} exists in this competition.")
    return run


def recent_scoring_runs(
    user: User, competition: Competition, pair: PhaseTrack, limit: int = 20
) -> list[ProgramRun]:
    """The latest runs on the pair's submissions, newest first, for the host's page: the current program's,
    and a new program's that a rescore is trying (or tried) on them."""
    require_reviewer(user, competition, SEES_PROGRAM)
    runs = ProgramRun.objects.filter(program__pair=pair, purpose=ProgramRun.Purpose.SCORING)
    return list(runs.select_related("program")[:limit])
