"""Parts of other apps' pages that show standings: the profile's competitions and the submissions page's
progress chart. The pages include them by tag, so accounts and submissions never import the boards."""

from django import template

from leaderboards.participation import joined_competitions
from leaderboards.progress import progress_chart, team_progress

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
