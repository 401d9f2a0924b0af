"""A team's submission quota: the daily limit per UTC day, the optional total limit and the optional cap on
submissions waiting or scoring at once.

What counts: every submission with `counts_against_quota`, whatever became of it (scored, failed on hidden
data, cancelled or deleted: deleting never buys a fresh attempt). Files refused by validation give their
slot back unless the host chose otherwise.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from competitions.models import PhaseTrack, Team
from competitions.phases import effective_limits, pairs_of, submission_pair
from config.timestamps import utc_label
from submissions.models import Submission

IN_FLIGHT = (Submission.Status.QUEUED, Submission.Status.SCORING)


@dataclass(frozen=True)
class Quota:
    limit: int
    used: int
    resets_at: datetime
    total_limit: int | None = None
    total_used: int = 0
    in_flight_limit: int | None = None
    in_flight: int = 0

    @property
    def remaining_today(self) -> int:
        return max(self.limit - self.used, 0)

    @property
    def total_remaining(self) -> int | None:
        return None if self.total_limit is None else max(self.total_limit - self.total_used, 0)

    @property
    def remaining(self) -> int:
        """What the team can still submit today, all limits considered."""
        if self.total_remaining is None:
            return self.remaining_today
        return min(self.remaining_today, self.total_remaining)

    def after_one_more(self) -> "Quota":
        return Quota(
            limit=self.limit,
            used=self.used + 1,
            resets_at=self.resets_at,
            total_limit=self.total_limit,
            total_used=self.total_used + 1,
            in_flight_limit=self.in_flight_limit,
            in_flight=self.in_flight + 1,
        )

    def refusal(self) -> tuple[str, str] | None:
        """(code, message) for the first limit the next submission would break, or None."""
        resets = utc_label(self.resets_at)
        if self.total_remaining == 0:
            return (
                "total_quota_exceeded",
                f"Your team has used all {self.total_limit} submissions allowed in this competition.",
            )
        if self.remaining_today == 0:
            return (
                "quota_exceeded",
                f"Your team has used all {self.limit} submissions for today. The count resets at {resets}.",
            )
        if self.in_flight_limit is not None and self.in_flight >= self.in_flight_limit:
            return (
                "too_many_in_flight",
                f"Your team already has {self.in_flight} submissions waiting or scoring; the limit is "
                f"{self.in_flight_limit} at once. Submit again when one of them is done.",
            )
        return None


def utc_day_bounds(moment: datetime) -> tuple[datetime, datetime]:
    start = datetime.combine(moment.astimezone(UTC).date(), time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def quota_pairs(pair: PhaseTrack) -> list[int]:
    """The pairs whose submissions share a quota with `pair`: its phase's pairs if the competition shares
    quotas across tracks, otherwise the pair alone."""
    competition = pair.competition
    if not competition.quotas_shared_across_tracks:
        return [pair.pk]
    return [found.pk for found in pairs_of(competition) if found.phase_id == pair.phase_id]


def team_quota(team: Team, now: datetime | None = None, pair: PhaseTrack | None = None) -> Quota:
    """The team's quota in a phase (and track, unless the competition shares quotas across tracks) as it
    stands, in one query; by default where a submission made now would go."""
    day_start, day_end = utc_day_bounds(now or timezone.now())
    counted = Q(counts_against_quota=True)
    competition = team.competition
    pair = pair or submission_pair(competition)
    limits = effective_limits(pair.phase, competition)
    figures = Submission.objects.filter(team=team, phase_track_id__in=quota_pairs(pair)).aggregate(
        today=Count("pk", filter=counted & Q(created_at__gte=day_start, created_at__lt=day_end)),
        total=Count("pk", filter=counted),
        in_flight=Count("pk", filter=Q(status__in=IN_FLIGHT)),
    )
    return Quota(
        limit=limits["daily_submission_limit"],
        used=figures["today"],
        resets_at=day_end,
        total_limit=limits["total_submission_limit"],
        total_used=figures["total"],
        in_flight_limit=limits["max_in_flight"],
        in_flight=figures["in_flight"],
    )
