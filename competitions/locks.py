"""The one place that takes row locks on competitions and teams, and so the one place that fixes their order.

The order is: a user account (for acts on a whole account, such as a ban), then competitions (by primary
key), then teams (by primary key). Submissions are never locked
here: their state changes are compare-and-set updates (queued -> scoring -> scored), which need no lock.
Two writers that take their locks in the same order can wait for each other but never deadlock; every
service that locks asks this module instead of calling `select_for_update` itself.

A competition is locked `FOR NO KEY UPDATE` (on PostgreSQL; SQLite has one writer at a time anyway). That
still excludes every other writer of the competition, but not the `FOR KEY SHARE` lock that PostgreSQL's
foreign-key check takes when an upload inserts a submission pointing at the competition: with a plain
`FOR UPDATE`, an upload holding its team and a scorer holding the competition could wait for each other.

Two kinds of rows are locked outside this order, each alone and never while taking another lock: a
comment (hidden or restored by staff) and a dataset's latest version (numbering the next one).
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from accounts.models import User
from competitions.models import Competition, Team


def lock_user(user_id: int) -> User:
    """The account, read again under its row lock; taken before any competition or team."""
    return User.objects.select_for_update().get(pk=user_id)


def lock_competition(competition_id: int) -> Competition:
    """The competition, read again under its row lock. Call inside a transaction, before locking teams."""
    return Competition.objects.select_for_update(no_key=True).get(pk=competition_id)


def lock_competitions(competition_ids: Iterable[int]) -> list[Competition]:
    """Several competitions, locked in primary-key order (those that no longer exist are left out)."""
    return list(
        Competition.objects.select_for_update(no_key=True).filter(pk__in=set(competition_ids)).order_by("pk")
    )


def lock_teams(team_ids: Iterable[int]) -> dict[int, Team]:
    """The teams, locked in primary-key order with their competition read alongside (but not locked: a
    caller that needs the competition locks it first). Teams that no longer exist are left out.

    `FOR NO KEY UPDATE` as for competitions: rows that point at a team (a new submission, a membership)
    can still be inserted while it is held; deleting the team (a merge) still waits for it."""
    teams: QuerySet[Team] = (
        Team.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=set(team_ids))
        .order_by("pk")
        .select_related("competition")
    )
    return {team.pk: team for team in teams}


def lock_team(team_id: int) -> Team:
    """One team, locked; raises Team.DoesNotExist if it was deleted (merged away) meanwhile."""
    locked = lock_teams([team_id])
    if team_id not in locked:
        raise Team.DoesNotExist(f"Team {team_id} no longer exists.")
    return locked[team_id]
