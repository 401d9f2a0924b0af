"""Parts of other apps' pages that show standings: the profile's competitions and the submissions page's
progress chart. The pages include them by tag, so accounts and submissions never import the boards."""

from django import template

from competitions.phases import current_phase, pair_of, phases_of, tracks_of, window_of
from config.errors import DomainError
from leaderboards.boards import board_for
from leaderboards.participation import joined_competitions
from leaderboards.progress import progress_chart, team_progress
from leaderboards.queries import leaderboard_rows

register = template.Library()


@register.inclusion_tag("leaderboards/_joined_competitions.html")
def joined_competitions_table(user):
    """The competitions a user joined, with their team, ranks and medal."""
    return {"joined": joined_competitions(user)}


@register.inclusion_tag("leaderboards/_progress.html")
def team_progress_section(team):
    """The team's best public score over time against the leader's."""
    progress = team_progress(team)
    return {"progress": progress, **({} if progress.is_empty else progress_chart(progress))}


@register.inclusion_tag("leaderboards/_phases_and_tracks.html", takes_context=True)
def phases_and_tracks(context, competition):
    """The overview's list of phases (dates, the current one marked) and tracks with their leaders on the
    current phase's public board; nothing for a plain competition of one phase and one track."""
    phases, tracks = phases_of(competition), tracks_of(competition)
    if len(phases) == 1 and len(tracks) == 1:
        return {"shown": False}
    current = current_phase(competition)
    user = context["request"].user
    leaders = []
    for track in tracks:
        pair = pair_of(competition, current, track)
        try:
            board = board_for(user, competition, "public", current.number, track.slug)
        except DomainError:  # a hidden board names no leader
            leaders.append((track, None))
            continue
        rows = leaderboard_rows(competition, "public", limit=1, size=board.size, pair=pair)
        leaders.append((track, rows[0] if rows else None))
    return {
        "shown": True,
        "competition": competition,
        "phases": [(phase, window_of(phase, competition), phase.pk == current.pk) for phase in phases],
        "leaders": leaders,
        "several_tracks": len(tracks) > 1,
        "current": current,
    }
