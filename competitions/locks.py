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

Scoring only reads the competition (has a rescore switched its solution or metric?), so it takes the
weaker `FOR SHARE` (`share_competition`): the workers scoring one competition no longer wait for each other,
while a writer of the competition (a rescore's switch, the private board) still waits for them, and they
for it.

Five kinds of rows are locked outside this order, each alone and never while taking another lock: a
comment (hidden or restored by staff), a dataset's latest version (numbering the next one), an
organisation whose members change, and, here, an invitation link's code (counting its uses) and a join
request (answered once).

Taking locks in one order leaves PostgreSQL nothing to break but what it cannot see (a row lock a
foreign-key check takes, a serialization failure): a service whose transaction it rolled back for that
runs again, a bounded number of times, through `retried_on_conflict`, instead of answering an error.
"""

import functools
import json
import logging
import random
import time
from collections.abc import Callable, Iterable
from typing import ParamSpec, TypeVar

from django.db import DatabaseError, connection
from django.db.models import JSONField, Q, QuerySet, Subquery

from accounts.models import User
from competitions.models import Competition, InvitationCode, JoinRequest, PhaseTrack, Team

logger = logging.getLogger(__name__)

# serialization_failure and deadlock_detected: PostgreSQL rolled the transaction back, and the same
# transaction run again normally succeeds.
CONFLICT_SQLSTATES = frozenset({"40001", "40P01"})
CONFLICT_ATTEMPTS = 4
CONFLICT_PAUSE = 0.02  # seconds, times the attempt number, jittered: the two sides do not meet again at once

Params = ParamSpec("Params")
Result = TypeVar("Result")


def is_conflict(error: BaseException) -> bool:
    """A deadlock or serialization failure that PostgreSQL resolved by rolling this transaction back."""
    cause = error.__cause__
    code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return isinstance(error, DatabaseError) and code in CONFLICT_SQLSTATES


def retried_on_conflict(service: Callable[Params, Result]) -> Callable[Params, Result]:
    """Run the service again when PostgreSQL rolled its transaction back for a deadlock or a serialization
    failure, up to CONFLICT_ATTEMPTS times in all. Only an outermost transaction is run again: inside
    another one the whole outer transaction is lost, so the error goes up to whoever opened it."""

    @functools.wraps(service)
    def run(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        attempt = 1
        while True:
            outermost = not connection.in_atomic_block
            try:
                return service(*args, **kwargs)
            except DatabaseError as error:
                if not (outermost and attempt < CONFLICT_ATTEMPTS and is_conflict(error)):
                    raise
                logger.warning("%s: %s; running it again (attempt %s)", service.__name__, error, attempt + 1)
            time.sleep(random.uniform(0.5, 1.5) * CONFLICT_PAUSE * attempt)  # noqa: S311 - jitter, not secrets
            attempt += 1

    return run


def lock_user(user_id: int) -> User:
    """The account, read again under its row lock; taken before any competition or team."""
    return User.objects.select_for_update().get(pk=user_id)


def lock_competition(competition_id: int) -> Competition:
    """The competition, read again under its row lock. Call inside a transaction, before locking teams."""
    return Competition.objects.select_for_update(no_key=True).get(pk=competition_id)


def share_competition(competition_id: int) -> Competition:
    """The competition, read again under a shared row lock (`FOR SHARE`): it cannot change until this
    transaction ends, yet other readers under the same lock go on. Call inside a transaction, before
    locking teams."""
    query = Competition.objects.filter(pk=competition_id)
    if connection.vendor != "postgresql":  # SQLite has one writer at a time and no row locks
        return query.get()
    sql, params = query.query.sql_with_params()
    found = list(Competition.objects.raw(f"{sql} FOR SHARE", params))
    if not found:
        raise Competition.DoesNotExist(f"Competition {competition_id} does not exist.")
    return found[0]


def share_competition_and_pair(competition_id: int, phase_track_id: int) -> tuple[Competition, PhaseTrack]:
    """The competition under a shared row lock (as share_competition) and one of its phase-and-track pairs,
    read in the same statement: what scoring needs to know whether a rescore changed the setup since. A
    rescore of a pair locks the competition before switching the pair's setup, so the shared lock on the
    competition alone keeps both still."""
    pair_fields = [field for field in PhaseTrack._meta.concrete_fields if field.column != "id"]
    extra = ", ".join(f'pt."{field.column}" AS "pair__{field.column}"' for field in pair_fields)
    table, pair_table = Competition._meta.db_table, PhaseTrack._meta.db_table
    # Names from the models' own metadata, never from input; the values are parameters.
    sql = (
        f'SELECT c.*, pt."id" AS "pair__id", {extra} FROM "{table}" c JOIN "{pair_table}" pt '  # noqa: S608
        'ON pt."competition_id" = c."id" WHERE c."id" = %s AND pt."id" = %s'
    )
    if connection.vendor == "postgresql":  # SQLite has one writer at a time and no row locks
        sql += " FOR SHARE OF c"
    found = list(Competition.objects.raw(sql, [competition_id, phase_track_id]))
    if not found:
        raise Competition.DoesNotExist(f"Competition {competition_id} or its pair {phase_track_id} is gone.")
    competition = found[0]
    pair = PhaseTrack(
        id=getattr(competition, "pair__id"),  # noqa: B009 - a column of the raw query, unknown to the model
        **{field.attname: getattr(competition, f"pair__{field.column}") for field in pair_fields},
    )
    for field in pair_fields:
        # A raw read gives JSON as text on SQLite (these fields hold objects, lists or null, never text).
        if isinstance(field, JSONField) and isinstance(value := getattr(pair, field.attname), str):
            setattr(pair, field.attname, json.loads(value))
    pair.competition = competition
    return competition, pair


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


def lock_team_row(team_id: int | Subquery) -> Team | None:
    """One team, locked without reading its competition (a caller that has read it already); None if it is
    gone (merged away). `team_id` may be a subquery (a submission's team): the team is then looked up by
    the locking statement itself, leaving no moment between reading a row's team and locking it."""
    teams = Team.objects.select_for_update(of=("self",), no_key=True).filter(Q(pk=team_id)).order_by("pk")
    return teams.first()  # ordered by its own key: the default order joins (and would lock) the competition


def lock_team(team_id: int) -> Team:
    """One team, locked; raises Team.DoesNotExist if it was deleted (merged away) meanwhile."""
    locked = lock_teams([team_id])
    if team_id not in locked:
        raise Team.DoesNotExist(f"Team {team_id} no longer exists.")
    return locked[team_id]


def lock_invitation_code(invitation_id: int) -> InvitationCode:
    """An invitation link's code, read again under its row lock while a use is counted (a leaf: taken alone)."""
    return InvitationCode.objects.select_for_update().get(pk=invitation_id)


def lock_join_request(request_id: int) -> JoinRequest:
    """A join request, read again under its row lock while it is answered (a leaf: taken alone)."""
    return JoinRequest.objects.select_for_update().select_related("competition", "user").get(pk=request_id)
