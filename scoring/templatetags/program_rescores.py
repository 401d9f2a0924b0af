"""The scoring program page's part about a rescore with a new program: the page belongs to
scoring_programs, below scoring, so it composes this part by template tag (tests/test_layout.py)."""

from django import template

from competitions.models import Competition, PhaseTrack
from scoring.models import Rescore
from scoring_programs.models import ProgramRun

register = template.Library()


@register.inclusion_tag("scoring/_program_rescore.html")
def program_rescore_state(competition: Competition, pair: PhaseTrack) -> dict:
    """The pair's latest rescore with a new program, with that program's dry run; the page that includes
    it is the host's and reviewers' only (scoring_programs.views.host_program)."""
    rescore = (
        Rescore.objects.filter(phase_track=pair, program__isnull=False).select_related("program").first()
    )
    dry_run = None
    if rescore is not None and rescore.program is not None:
        dry_run = rescore.program.runs.filter(purpose=ProgramRun.Purpose.DRY_RUN).first()
    return {"competition": competition, "program_rescore": rescore, "dry_run": dry_run}
