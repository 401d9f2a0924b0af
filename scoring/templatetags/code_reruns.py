"""The Host tab's code section's part about a rescore that runs the scored code again on new hidden inputs or
a new ingestion program: the section belongs to submissions, below scoring, so it composes this part by
template tag (tests/test_layout.py)."""

from django import template

from competitions.models import Competition
from scoring.models import Rescore

register = template.Library()


@register.inclusion_tag("scoring/_code_rerun.html")
def code_rerun_state(competition: Competition) -> dict:
    """The competition's latest code rerun, running or not (a failed one says why); shown on the Host tab,
    which is the host's and reviewers' only."""
    rerun = (
        Rescore.objects.filter(competition=competition, reruns_code=True)
        .select_related("phase_track__phase", "phase_track__track")
        .first()
    )
    return {"competition": competition, "rerun": rerun}
