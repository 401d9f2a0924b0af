"""The daily submission limit: per team, per UTC day."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.utils import timezone

from competitions.models import Team
from submissions.models import Submission


@dataclass(frozen=True)
class Quota:
    limit: int
    used: int
    resets_at: datetime

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    def as_dict(self) -> dict:
        return {
            "limit": self.limit,
            "used": self.used,
            "remaining": self.remaining,
            "resets_at": self.resets_at,
        }


def utc_day_bounds(moment: datetime) -> tuple[datetime, datetime]:
    start = datetime.combine(moment.astimezone(UTC).date(), time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def daily_quota(team: Team, now: datetime | None = None) -> Quota:
    """Submissions refused by validation give their slot back; everything else counts, failed or not."""
    day_start, day_end = utc_day_bounds(now or timezone.now())
    used = Submission.objects.filter(
        team=team, created_at__gte=day_start, created_at__lt=day_end, counts_against_quota=True
    ).count()
    return Quota(limit=team.competition.daily_submission_limit, used=used, resets_at=day_end)
