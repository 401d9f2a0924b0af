"""Carrying submissions over into a phase that starts (Codabench's auto-migration).

When a phase whose host chose a carry-over starts, each team's final selections (or its last K scored
submissions) in the previous phase are copied into it, track by track: new rows over the same stored file,
`carried_over_from` the original, counting against no quota, queued to be scored on the new phase's
solution. The periodic sweeper runs it; a phase is carried over once (`Phase.carried_over_at`, set in the
same transaction as the copies, under the competition's lock).
"""

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from competitions import locks
from competitions.models import Competition, Phase, PhaseTrack
from submissions.models import Submission
from submissions.services import enqueue_scoring, next_team_number

logger = logging.getLogger(__name__)


def carry_over_started_phases(now: datetime | None = None) -> int:
    """Carry over into every phase that has started and has not been carried over; returns how many
    submissions were copied."""
    now = now or timezone.now()
    due = Phase.objects.filter(
        carried_over_at__isnull=True,
        start_at__lte=now,
        competition__status=Competition.Status.PUBLISHED,
        number__gt=1,
    ).exclude(carry_over=Phase.CarryOver.NONE)
    return sum(carry_over_into(phase_id) for phase_id in due.values_list("pk", flat=True))


def carried_candidates(phase: Phase, previous: PhaseTrack):
    """The previous pair's submissions a phase takes over: the final selections, or each team's last K."""
    kept = Submission.objects.filter(
        phase_track=previous,
        status=Submission.Status.SCORED,
        deleted_at__isnull=True,
        disqualified_at__isnull=True,
        team__disqualified_at__isnull=True,
        is_late=False,
    ).order_by()
    if phase.carry_over == Phase.CarryOver.FINALS:
        return list(kept.filter(is_final=True).order_by("team_id", "created_at", "pk"))
    latest = kept.annotate(
        recent=Window(
            RowNumber(), partition_by=[F("team_id")], order_by=[F("created_at").desc(), F("pk").desc()]
        )
    ).filter(recent__lte=phase.carry_over_count or 1)
    return sorted(latest, key=lambda submission: (submission.team_id, submission.created_at, submission.pk))


@locks.retried_on_conflict
def carry_over_into(phase_id: int) -> int:
    """Copy the previous phase's chosen submissions into this phase, once."""
    with transaction.atomic():
        phase = Phase.objects.get(pk=phase_id)
        competition = locks.lock_competition(phase.competition_id)
        phase.refresh_from_db()  # read again under the lock: another sweeper may have done it
        if phase.carried_over_at is not None or phase.carry_over == Phase.CarryOver.NONE:
            return 0
        previous = Phase.objects.filter(competition=competition, number=phase.number - 1).first()
        copies: list[Submission] = []
        if previous is not None:
            targets = {pair.track_id: pair for pair in PhaseTrack.objects.filter(phase=phase)}
            track_of = {}
            chosen = []
            for pair in PhaseTrack.objects.filter(phase=previous, track_id__in=targets):
                track_of[pair.pk] = pair.track_id
                chosen += carried_candidates(phase, pair)
            teams = locks.lock_teams({submission.team_id for submission in chosen if submission.team_id})
            for original in chosen:
                team = teams.get(original.team_id)
                if team is None:
                    continue
                copies.append(
                    Submission.objects.create(
                        competition=competition,
                        phase_track=targets[track_of[original.phase_track_id]],
                        team=team,
                        submitted_by_id=original.submitted_by_id,
                        team_number=next_team_number(team),
                        description=f"Carried over from {previous.name} (#{original.team_number})"[:500],
                        kind=original.kind,  # code runs again, on this phase's inputs
                        file_name=original.file_name,
                        file_key=original.file_key,
                        file_size=original.file_size,
                        file_sha256=original.file_sha256,
                        counts_against_quota=False,
                        carried_over_from=original,
                    )
                )
        Phase.objects.filter(pk=phase.pk).update(carried_over_at=timezone.now())
        for copy in copies:
            transaction.on_commit(lambda pk=copy.pk: enqueue_scoring(pk))
    logger.info("Carried %s submissions over into %s", len(copies), phase)
    return len(copies)
