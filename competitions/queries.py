"""Who may see and do what in a competition: the one door every page, API and export asks."""

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.db.models import Case, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.models import User
from competitions.errors import RulesNotAccepted
from competitions.models import (
    SAMPLE_SUBMISSION_NAME,
    Admission,
    AllowListEntry,
    Competition,
    RulesAcceptance,
    Team,
)
from config.errors import NotAuthenticated, NotFound
from datasets.models import DatasetFile, DatasetVersion
from datasets.storage import public_storage
from scoring import engine


def is_host(user: User, competition: Competition) -> bool:
    return user.is_authenticated and (user.is_staff or competition.host_id == user.pk)


def allow_list_values(user: User) -> list[str]:
    """What an allow-list entry must read to admit the user: their address, or its domain."""
    email = (user.email or "").strip().lower()
    if not email or "@" not in email:
        return []
    return [email, "@" + email.rpartition("@")[2]]


def insider_competitions(user: User) -> Q:
    """The competitions a signed-in user has a way into: hosted, joined, admitted or allow-listed."""
    return (
        Q(host=user)
        | Q(pk__in=RulesAcceptance.objects.filter(user=user).values("competition_id"))
        | Q(pk__in=Admission.objects.filter(user=user).values("competition_id"))
        | Q(pk__in=AllowListEntry.objects.filter(entry__in=allow_list_values(user)).values("competition_id"))
    )


def visible_competitions(user: User) -> QuerySet[Competition]:
    """The competitions a user may reach by their link: published public and unlisted ones, the private ones
    they were admitted to, plus the drafts a host is preparing (staff see all). A competition the moderators
    suspended is hidden from everyone but its host, staff and those who joined it (who are told why, and
    that it takes no submissions). Lists show fewer: see search_competitions."""
    competitions = Competition.objects.select_related("host")
    if user.is_authenticated and user.is_staff:
        return competitions
    published = Q(status=Competition.Status.PUBLISHED)
    reachable = published & Q(suspended_at__isnull=True) & ~Q(visibility=Competition.Visibility.PRIVATE)
    if user.is_authenticated:
        joined = published & Q(pk__in=RulesAcceptance.objects.filter(user=user).values("competition_id"))
        admitted = published & Q(suspended_at__isnull=True) & insider_competitions(user)
        return competitions.filter(reachable | joined | admitted | Q(host=user))
    return competitions.filter(reachable)


def is_admitted(user: User, competition: Competition) -> bool:
    """Whether the user may join: anyone may join a public competition; an unlisted or private one admits
    its host's invitees, allow-listed addresses, approved requests and those who already joined."""
    if competition.visibility == Competition.Visibility.PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Competition.objects.filter(insider_competitions(user), pk=competition.pk).exists()


COMPETITION_ORDERINGS = {
    "default": ("phase_rank", "phase_end_key", "pk"),
    "newest": ("-start_at", "-pk"),
    "ending": ("end_at", "pk"),
    "teams": ("-team_count", "end_at", "pk"),
    "title": ("title", "pk"),
}
COMPETITION_PHASES = ("running", "upcoming", "finished", "draft")


class CompetitionSearch(NamedTuple):
    """What a list page or API client asked for; every field may be empty."""

    text: str = ""
    phase: str = ""
    prediction: str = ""  # a metric's prediction kind: label, probability, number, ...
    ordering: str = "default"


def phase_filter(phase: str, now: datetime) -> Q:
    published = Q(status=Competition.Status.PUBLISHED)
    return {
        "running": published & Q(start_at__lte=now, end_at__gt=now),
        "upcoming": published & Q(start_at__gt=now),
        "finished": published & Q(end_at__lte=now),
        "draft": Q(status=Competition.Status.DRAFT),
    }[phase]


# The words a searcher may use for what a metric's predictions are ("AUC" finds ROC AUC by its name).
PREDICTION_WORDS = {
    "label": "classification class labels",
    "probability": "classification binary probabilities",
    "class_probabilities": "classification multiclass class probabilities",
    "number": "regression numbers",
    "ranked_labels": "ranking ranked labels",
}


def metrics_matching(text: str) -> list[str]:
    """The catalogue's metrics whose key, name or kind of prediction contains the text."""
    wanted = text.casefold()
    return [
        key
        for key, metric in engine.METRICS.items()
        if wanted in f"{key} {metric.name} {PREDICTION_WORDS.get(metric.prediction, '')}".casefold()
    ]


def search_competitions(user: User, search: CompetitionSearch | None = None) -> QuerySet[Competition]:
    """The competitions a user may see, filtered and ordered in SQL so lists can page through them.

    The default order puts running competitions first (ending soonest first), then upcoming, drafts,
    and finished ones (most recently ended first)."""
    search = search or CompetitionSearch()
    now = timezone.now()
    published = Q(status=Competition.Status.PUBLISHED)
    competitions = visible_competitions(user)
    if not user.is_staff:  # participants still reach a suspended competition, but lists no longer offer it
        competitions = competitions.filter(Q(suspended_at__isnull=True) | Q(host_id=user.pk))
        # An unlisted competition is reached by its link: lists show it only to those it let in.
        unlisted = Q(visibility=Competition.Visibility.UNLISTED)
        competitions = competitions.exclude(
            unlisted & ~insider_competitions(user) if user.is_authenticated else unlisted
        )
    competitions = competitions.annotate(
        team_count=Count("teams", distinct=True),
        phase_rank=Case(
            When(published & Q(start_at__lte=now, end_at__gt=now), then=Value(0)),
            When(published & Q(start_at__gt=now), then=Value(1)),
            When(status=Competition.Status.DRAFT, then=Value(2)),
            default=Value(3),
        ),
        # Finished competitions sort by how recently they ended: the further the end, the later. (Value(now)
        # is what Django wraps a bare datetime in; spelled out, the type checker follows the subtraction.)
        phase_end_key=Case(
            When(
                published & Q(end_at__lte=now),
                then=ExpressionWrapper(Value(now) - F("end_at"), DurationField()),
            ),
            default=ExpressionWrapper(F("end_at") - Value(now), DurationField()),
        ),
    )
    if search.text:
        competitions = competitions.filter(
            Q(title__icontains=search.text)
            | Q(subtitle__icontains=search.text)
            | Q(slug__icontains=search.text)
            | Q(metric__in=metrics_matching(search.text))
        )
    if search.phase:
        competitions = competitions.filter(phase_filter(search.phase, now))
    if search.prediction:
        keys = [key for key, metric in engine.METRICS.items() if metric.prediction == search.prediction]
        competitions = competitions.filter(metric__in=keys)
    return competitions.order_by(*COMPETITION_ORDERINGS[search.ordering])


def with_metric_names(competitions: Iterable[Competition]) -> list[Competition]:
    listed = list(competitions)
    for competition in listed:
        metric = engine.METRICS.get(competition.metric)
        # A display attribute for the list templates, not a field of the model.
        setattr(competition, "metric_name", metric.name if metric else competition.metric)  # noqa: B010
    return listed


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
    admitted = team is not None or is_admitted(user, competition)
    return {
        "has_joined": team is not None,
        "has_accepted_current_rules": version == competition.rules_version,
        "may_join": competition.host_id != user.pk
        and (team is not None or (competition.takes_newcomers and admitted)),
        "is_admitted": admitted,
        "hosts_it": competition.host_id == user.pk,
        "team": team,
        "is_host": is_host(user, competition),
    }


def can_see_private_scores(user: User, competition: Competition) -> bool:
    """Private scores stay with the host and admins until the end; after it, everyone sees them."""
    return is_host(user, competition) or competition.phase == Competition.Phase.FINISHED


def submission_format(competition: Competition) -> dict:
    """What a prediction file must look like, for clients that check a file before spending a submission."""
    metric = engine.METRICS.get(competition.metric)
    # A null foreign key reads as None without a query, as checking data_version_id would.
    has_sample = (
        competition.data_version is not None
        and competition.data_version.files.filter(name=SAMPLE_SUBMISSION_NAME).exists()
    )
    return {
        "id_column": competition.id_column,
        "columns": competition.submission_columns,
        "prediction": metric.prediction if metric else None,
        "prediction_range": list(metric.prediction_range) if metric and metric.prediction_range else None,
        "sample_file": SAMPLE_SUBMISSION_NAME if has_sample else None,
        "max_megabytes": settings.PODIUM_MAX_UPLOAD_MB,
        "max_rows": competition.public_rows + competition.private_rows,
    }


def submission_limits(competition: Competition) -> dict:
    """The hard limits every submission file meets, as participants see them before uploading."""
    return {
        "max_megabytes": settings.PODIUM_MAX_UPLOAD_MB,
        "rows": competition.public_rows + competition.private_rows,
        "scoring_seconds": settings.PODIUM_SCORING_SOFT_LIMIT,
        "daily_submissions": competition.daily_submission_limit,
    }


SAMPLE_PREVIEW_LINES = 6


def solution_check(competition: Competition) -> dict:
    """What the host checks before publishing: the split Podium fixed, the submission format, the first
    lines of the generated sample submission, and what is still missing. Only the host sees it."""
    files = list(competition.data_version.files.all()) if competition.data_version is not None else []
    sample = next((f for f in files if f.name == SAMPLE_SUBMISSION_NAME), None)
    sample_lines = []
    if sample is not None:
        with public_storage().open(sample.storage_key, "rb") as stream:
            head = stream.read(16 * 1024).decode("utf-8", errors="replace").splitlines()
        sample_lines = head[:SAMPLE_PREVIEW_LINES]
    total = competition.public_rows + competition.private_rows
    todo = [
        message
        for missing, message in (
            (not competition.overview.strip(), "Write an overview: what the task is and why it matters."),
            (not competition.rules.strip(), "Write the rules participants accept."),
            (len(files) <= 1, "Add the public data (train and test files) participants download."),
        )
        if missing
    ]
    return {
        "ids": total,
        "public_rows": competition.public_rows,
        "private_rows": competition.private_rows,
        "public_percent": round(100 * competition.public_rows / total) if total else 0,
        "files": files,
        "sample_lines": sample_lines,
        "todo": todo,
    }
