"""Who may see and do what in a competition: the one door every page, API and export asks."""

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from accounts.models import User
from competitions.errors import RulesNotAccepted
from competitions.models import Competition, RulesAcceptance, Team
from config.errors import NotAuthenticated, NotFound
from datasets.models import DatasetFile, DatasetVersion
from scoring import engine


def is_host(user: User, competition: Competition) -> bool:
    return user.is_authenticated and (user.is_staff or competition.host_id == user.pk)


def visible_competitions(user: User) -> QuerySet[Competition]:
    """Published competitions, plus the drafts a host is preparing (staff see all)."""
    competitions = Competition.objects.select_related("host")
    if user.is_authenticated and user.is_staff:
        return competitions
    if user.is_authenticated:
        return competitions.filter(Q(status=Competition.Status.PUBLISHED) | Q(host=user))
    return competitions.filter(status=Competition.Status.PUBLISHED)


LISTING_ORDER = {
    Competition.Phase.RUNNING: 0,
    Competition.Phase.UPCOMING: 1,
    Competition.Phase.DRAFT: 2,
    Competition.Phase.FINISHED: 3,
}


def listed_competitions(user: User) -> list[Competition]:
    """Running competitions first (ending soonest first), then upcoming, drafts, and finished ones
    (most recently ended first)."""
    competitions = list(visible_competitions(user).annotate(team_count=Count("teams")))

    def listing_key(competition: Competition) -> tuple[int, float]:
        ends = competition.end_at.timestamp()
        return LISTING_ORDER[
            competition.phase
        ], -ends if competition.phase == Competition.Phase.FINISHED else ends

    competitions.sort(key=listing_key)
    for competition in competitions:
        metric = engine.METRICS.get(competition.metric)
        competition.metric_name = metric.name if metric else competition.metric
    return competitions


def competition_for(user: User, slug: str) -> Competition:
    competition = visible_competitions(user).filter(slug=slug).first()
    if competition is None:
        raise NotFound(f"No competition '{slug}' exists, or it is not published yet.")
    return competition


def team_for(user: User, competition: Competition) -> Team | None:
    if not user.is_authenticated:
        return None
    return Team.objects.filter(competition=competition, memberships__user=user).first()


def accepted_rules_version(user: User, competition: Competition) -> int | None:
    if not user.is_authenticated:
        return None
    return (
        RulesAcceptance.objects.filter(competition=competition, user=user)
        .values_list("rules_version", flat=True)
        .first()
    )


def has_accepted_current_rules(user: User, competition: Competition) -> bool:
    return accepted_rules_version(user, competition) == competition.rules_version


def require_participant(user: User, competition: Competition, action: str) -> Team:
    """The participant's team, or a refusal that says they must accept the rules first."""
    if not user.is_authenticated:
        raise NotAuthenticated(f"Log in and join the competition to {action}.")
    team = team_for(user, competition)
    version = accepted_rules_version(user, competition)
    if team is None or version is None:
        raise RulesNotAccepted(f"Join the competition by accepting its rules to {action}.")
    if version != competition.rules_version:
        raise RulesNotAccepted(
            f"The rules have changed since you accepted them; accept the new rules to {action}."
        )
    return team


def require_data_access(user: User, competition: Competition) -> None:
    if is_host(user, competition):
        return
    require_participant(user, competition, "download its data")


def downloadable_data(user: User, competition: Competition) -> DatasetVersion:
    """The competition's public data, once the user may download it."""
    require_data_access(user, competition)
    if competition.data_version is None:
        raise NotFound("This competition has no data files yet.")
    return competition.data_version


def downloadable_file(user: User, competition: Competition, name: str) -> DatasetFile:
    dataset_file = downloadable_data(user, competition).files.filter(name=name).first()
    if dataset_file is None:
        raise NotFound(f"Competition '{competition.slug}' has no data file '{name}'.")
    return dataset_file


def viewer_state(user: User, competition: Competition) -> dict:
    """Where the viewer stands in a competition, as every page and the API show it."""
    version = accepted_rules_version(user, competition)
    team = team_for(user, competition)
    return {
        "has_joined": team is not None,
        "has_accepted_current_rules": version == competition.rules_version,
        "team": team,
        "is_host": is_host(user, competition),
    }


def can_see_private_scores(user: User, competition: Competition) -> bool:
    """Private scores stay with the host and admins until the end; after it, everyone sees them."""
    return is_host(user, competition) or competition.phase == Competition.Phase.FINISHED


def submission_limits(competition: Competition) -> dict:
    """The hard limits every submission file meets, as participants see them before uploading."""
    return {
        "max_megabytes": settings.PODIUM_MAX_UPLOAD_MB,
        "rows": competition.public_rows + competition.private_rows,
        "scoring_seconds": settings.PODIUM_SCORING_SOFT_LIMIT,
        "daily_submissions": competition.daily_submission_limit,
    }
