"""Who may see and do what in a competition: the one door every page, API and export asks."""

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from competitions.errors import RulesNotAccepted
from competitions.models import (
    SAMPLE_SUBMISSION_NAME,
    Admission,
    AllowListEntry,
    Competition,
    CompetitionHost,
    Prize,
    RulesAcceptance,
    Team,
    TeamMembership,
)
from competitions.phases import public_data_of
from config.errors import DomainError, NotAllowed, NotAuthenticated, NotFound
from datasets.models import DatasetFile, DatasetVersion
from datasets.storage import public_storage
from organisations.models import OrganisationMembership
from organisations.queries import organisation_role
from scoring import engine


class HostRole:
    """Who runs a competition, from most to least power (docs/organisers.md):

    - owner: the host who created it (and staff): everything, and alone adds, removes and changes co-hosts;
    - co_host: everything else the host does (settings, publishing, rescoring, test submissions,
      disqualifying, the benchmark); a competition is deleted only by staff, in the admin;
    - reviewer: reads what the host reads (every submission, both boards with private scores, the dashboard,
      the solution check), changes nothing.

    The owners of the competition's organisation are co-hosts, its members reviewers."""

    OWNER = "owner"
    CO_HOST = "co_host"
    REVIEWER = "reviewer"
    ORDER = (OWNER, CO_HOST, REVIEWER)


ORGANISATION_ROLES = {"owner": HostRole.CO_HOST, "member": HostRole.REVIEWER}


def host_role(user: User, competition: Competition) -> str | None:
    """The user's HostRole in the competition, or None for everyone else. Read once per competition object
    (pages ask it several times); the co-host services forget it when they change a role."""
    if not user.is_authenticated:
        return None
    if user.is_staff or competition.host_id == user.pk:
        return HostRole.OWNER
    known: dict[int, str | None] = competition.__dict__.setdefault("_host_roles", {})
    if user.pk not in known:
        co_host_role = (
            CompetitionHost.objects.filter(competition=competition, user=user)
            .order_by()
            .values_list("role", flat=True)
            .first()
        )
        from_organisation = organisation_role(user, competition.organisation_id)
        if from_organisation and TeamMembership.objects.filter(competition=competition, user=user).exists():
            from_organisation = None  # a participant added to the organisation later stays a participant
        known[user.pk] = strongest_role(co_host_role, from_organisation)
    return known[user.pk]


def strongest_role(co_host_role: str | None, organisation_role: str | None) -> str | None:
    roles = {co_host_role, ORGANISATION_ROLES.get(organisation_role or "")}
    return next((role for role in HostRole.ORDER if role in roles), None)


def with_viewer_role(competitions: QuerySet[Competition], user: User) -> QuerySet[Competition]:
    """The competitions with the viewer's co-host and organisation roles read in the same query, so that
    host_role() on one of them costs no query of its own (an upload's statements stay as few)."""
    return competitions.annotate(
        viewer_co_host_role=Subquery(
            CompetitionHost.objects.filter(competition=OuterRef("pk"), user=user)
            .order_by()
            .values("role")[:1]
        ),
        viewer_organisation_role=Subquery(
            OrganisationMembership.objects.filter(organisation=OuterRef("organisation_id"), user=user)
            .filter(~Exists(TeamMembership.objects.filter(competition=OuterRef(OuterRef("pk")), user=user)))
            .order_by()
            .values("role")[:1]
        ),
    )


def remember_viewer_role(competition: Competition, user: User) -> None:
    if hasattr(competition, "viewer_co_host_role"):
        role = strongest_role(
            getattr(competition, "viewer_co_host_role"),  # noqa: B009 - an annotation, unknown to the model
            getattr(competition, "viewer_organisation_role"),  # noqa: B009
        )
        competition.__dict__.setdefault("_host_roles", {})[user.pk] = role


def forget_host_roles(competition: Competition) -> None:
    competition.__dict__.pop("_host_roles", None)


def can_manage(user: User, competition: Competition) -> bool:
    """The owner and co-hosts: every host action but managing co-hosts."""
    return host_role(user, competition) in (HostRole.OWNER, HostRole.CO_HOST)


def can_review(user: User, competition: Competition) -> bool:
    """Any organiser, reviewers included: may read what the host reads (private scores, every submission)."""
    return host_role(user, competition) is not None


def can_manage_hosts(user: User, competition: Competition) -> bool:
    return host_role(user, competition) == HostRole.OWNER


class NotHost(NotAllowed):
    """An action of the competition's organisers, refused to anyone else: one code and one wording for
    every host route, page and API alike."""

    code = "not_host"


def require_manager(user: User, competition: Competition, action: str) -> None:
    """The guard of every host action that changes something: the owner (and staff) and co-hosts pass,
    reviewers and everyone else are refused (403 not_host) with the action named."""
    if not can_manage(user, competition):
        raise NotHost(f"Only the competition's host or a co-host can {action}.")


def require_reviewer(user: User, competition: Competition, action: str) -> None:
    """The guard of what organisers read: reviewers pass too."""
    if not can_review(user, competition):
        raise NotHost(f"Only the competition's host, co-hosts and reviewers can {action}.")


def managers_of(competition: Competition) -> list[User]:
    """Everyone who may take host actions (can_manage), active, once each, host first: who hears of what
    awaits the host, such as a join request."""
    co_hosts = User.objects.filter(
        Q(
            co_hosted_competitions__competition=competition,
            co_hosted_competitions__role=CompetitionHost.Role.CO_HOST,
        )
        | Q(
            organisation_memberships__organisation_id=competition.organisation_id,
            organisation_memberships__role="owner",
        ),
        is_active=True,
    ).exclude(pk=competition.host_id)
    others = [user for user in co_hosts.distinct().order_by("username") if can_manage(user, competition)]
    return [competition.host, *others]


def organised_by(user: User) -> Q:
    """The competitions the user hosts, co-hosts or reviews, directly or through an organisation (as
    subqueries: no join that would repeat a competition)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    return (
        Q(host=user)
        | Q(pk__in=CompetitionHost.objects.filter(user=user).values("competition_id"))
        | Q(organisation__in=OrganisationMembership.objects.filter(user=user).values("organisation_id"))
    )


def speaking_host_ids(competition: Competition) -> set[int]:
    """Who speaks as the host in discussions (the Host badge): the host, co-hosts and the owners of the
    competition's organisation; reviewers read, they do not speak for the competition."""
    ids = {competition.host_id}
    ids |= set(
        CompetitionHost.objects.filter(competition=competition, role=HostRole.CO_HOST).values_list(
            "user_id", flat=True
        )
    )
    if competition.organisation_id:
        ids |= set(
            OrganisationMembership.objects.filter(
                organisation_id=competition.organisation_id, role=OrganisationMembership.Role.OWNER
            ).values_list("user_id", flat=True)
        )
    return ids


def allow_list_values(user: User) -> list[str]:
    """What an allow-list entry must read to match the user: their address, or its domain (confirmed or not:
    see allow_list_admits)."""
    email = (user.email or "").strip().lower()
    if not email or "@" not in email:
        return []
    return [email, "@" + email.rpartition("@")[2]]


def allow_list_admits(user: User) -> Q:
    """The one check of the allow-list: the competitions whose allow-list admits the user, which takes a
    confirmed address (anyone can sign up with any address; docs/accounts.md says how it is confirmed)."""
    if not user.has_confirmed_email:
        return Q(pk__in=[])
    return Q(pk__in=AllowListEntry.objects.filter(entry__in=allow_list_values(user)).values("competition_id"))


def awaits_email_confirmation(user: User, competition: Competition) -> bool:
    """Whether the competition's allow-list names the user's address or domain, but the address is not
    confirmed yet: the user is told to confirm it rather than that they are not invited."""
    if not user.is_authenticated or user.has_confirmed_email:
        return False
    return competition.allow_list.filter(entry__in=allow_list_values(user)).exists()


def insider_competitions(user: User) -> Q:
    """The competitions a signed-in user has a way into: organised, joined, admitted or allow-listed."""
    return (
        organised_by(user)
        | Q(pk__in=RulesAcceptance.objects.filter(user=user).values("competition_id"))
        | Q(pk__in=Admission.objects.filter(user=user).values("competition_id"))
        | allow_list_admits(user)
    )


def visible_competitions(user: User) -> QuerySet[Competition]:
    """The competitions a user may reach by their link: published public and unlisted ones, the private ones
    they were admitted to, plus the drafts a host is preparing (staff see all; co-hosts and reviewers see
    what the host sees). A competition the moderators suspended is hidden from everyone but its organisers,
    staff and those who joined it (who are told why, and that it takes no submissions). Lists show fewer:
    see search_competitions."""
    competitions = Competition.objects.select_related("host", "organisation")
    if user.is_authenticated and user.is_staff:
        return competitions
    published = Q(status=Competition.Status.PUBLISHED)
    reachable = published & Q(suspended_at__isnull=True) & ~Q(visibility=Competition.Visibility.PRIVATE)
    if user.is_authenticated:
        joined = published & Q(pk__in=RulesAcceptance.objects.filter(user=user).values("competition_id"))
        admitted = published & Q(suspended_at__isnull=True) & insider_competitions(user)
        return competitions.filter(reachable | joined | admitted | organised_by(user))
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
    # The total of the money prizes in the chosen currency, largest first; then the rest in the default order.
    "prize": (F("prize_total").desc(nulls_last=True), "phase_rank", "phase_end_key", "pk"),
}
PRIZE_CURRENCY = "USD"  # what sorting by total prize counts in unless another currency is chosen
COMPETITION_PHASES = ("running", "upcoming", "finished", "draft")


class CompetitionSearch(NamedTuple):
    """What a list page or API client asked for; every field may be empty."""

    text: str = ""
    phase: str = ""
    prediction: str = ""  # a metric's prediction kind: label, probability, number, ...
    ordering: str = "default"
    currency: str = PRIZE_CURRENCY  # the currency "prize" sorts by (prizes are never converted)


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
        competitions = competitions.filter(Q(suspended_at__isnull=True) | organised_by(user))
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
    if search.ordering == "prize":
        competitions = competitions.annotate(prize_total=prize_total_in(search.currency))
    return competitions.prefetch_related("prizes").order_by(*COMPETITION_ORDERINGS[search.ordering])


def prize_total_in(currency: str) -> Subquery:
    """A competition's money prizes in one currency, summed (a subquery: joined beside the teams it would be
    counted once per team)."""
    totals = (
        Prize.objects.filter(competition=OuterRef("pk"), currency=currency)
        .order_by()
        .values("competition")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Subquery(totals)


def prize_currencies() -> list[str]:
    """The currencies some published public competition's prizes are in, for the list's "sort by total prize"
    (a private competition's currency would tell outsiders it exists)."""
    used = Prize.objects.filter(
        competition__status=Competition.Status.PUBLISHED,
        competition__visibility=Competition.Visibility.PUBLIC,
    ).exclude(currency="")
    return sorted({PRIZE_CURRENCY, *used.values_list("currency", flat=True).distinct()})


def with_metric_names(competitions: Iterable[Competition]) -> list[Competition]:
    listed = list(competitions)
    for competition in listed:
        metric = engine.METRICS.get(competition.metric)
        # A display attribute for the list templates, not a field of the model.
        setattr(competition, "metric_name", metric.name if metric else competition.metric)  # noqa: B010
    return listed


def competition_for(user: User, slug: str) -> Competition:
    competitions = visible_competitions(user).filter(slug=slug)
    if user.is_authenticated and not user.is_staff:
        competitions = with_viewer_role(competitions, user)
    competition = competitions.first()
    if competition is None:
        refuse_unconfirmed_allow_listed(user, slug)
        raise NotFound(f"No competition '{slug}' exists, or it is not published yet.")
    remember_viewer_role(competition, user)
    return competition


class EmailNotConfirmed(DomainError):
    code = "email_not_confirmed"
    http_status = 403


def email_not_confirmed(user: User) -> EmailNotConfirmed:
    return EmailNotConfirmed(
        f"This competition's allow-list admits your address {user.email}, but you have not confirmed it yet: "
        "open the link in the confirmation mail we sent you, or send a new one.",
        details={"email": user.email, "resend": reverse("api-email-confirmation")},
    )


def refuse_unconfirmed_allow_listed(user: User, slug: str) -> None:
    """A private competition whose allow-list names an unconfirmed address tells its holder to confirm it
    (its title and content stay hidden until they do); everyone else gets 'not found'."""
    if not user.is_authenticated or user.has_confirmed_email:
        return
    waiting = (
        Competition.objects.filter(slug=slug, status=Competition.Status.PUBLISHED, suspended_at__isnull=True)
        .filter(allow_list__entry__in=allow_list_values(user))
        .exists()
    )
    if waiting:
        raise email_not_confirmed(user)


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
    if can_review(user, competition):
        return
    require_participant(user, competition, "download its data")


def downloadable_data(user: User, competition: Competition) -> DatasetVersion:
    """The current phase's public data (its own version, or the competition's), once the user may download
    it."""
    require_data_access(user, competition)
    version = public_data_of(competition)
    if version is None:
        raise NotFound("This competition has no data files yet.")
    return version


def downloadable_file(user: User, competition: Competition, name: str) -> DatasetFile:
    dataset_file = downloadable_data(user, competition).files.filter(name=name).first()
    if dataset_file is None:
        raise NotFound(f"Competition '{competition.slug}' has no data file '{name}'.")
    return dataset_file


def viewer_state(user: User, competition: Competition) -> dict:
    """Where the viewer stands in a competition, as every page and the API show it. `is_host` is true for
    every organiser (reviewers too: they see what the host sees); `may_manage` for those who may change it."""
    version = accepted_rules_version(user, competition)
    team = team_for(user, competition)
    role = host_role(user, competition)
    organiser = competition.host_id == user.pk or (role is not None and not user.is_staff)
    admitted = team is not None or is_admitted(user, competition)
    return {
        "has_joined": team is not None,
        "has_accepted_current_rules": version == competition.rules_version,
        "may_join": not organiser and (team is not None or (competition.takes_newcomers and admitted)),
        "is_admitted": admitted,
        "hosts_it": competition.host_id == user.pk,
        "organises_it": organiser,
        "host_role": role,
        "team": team,
        "is_host": role is not None,
        "may_manage": role in (HostRole.OWNER, HostRole.CO_HOST),
        "may_manage_hosts": role == HostRole.OWNER,
    }


def can_see_private_scores(user: User, competition: Competition) -> bool:
    """Private scores stay with the organisers (reviewers too) and admins until the end; after it, everyone
    sees them."""
    return can_review(user, competition) or competition.phase == Competition.Phase.FINISHED


def submission_format(competition: Competition) -> dict:
    """What a prediction file must look like, for clients that check a file before spending a submission."""
    metric = engine.METRICS.get(competition.metric)
    version = public_data_of(competition)
    has_sample = version is not None and version.files.filter(name=SAMPLE_SUBMISSION_NAME).exists()
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
