"""The host adds, removes and re-roles co-hosts and reviewers (competitions.queries.HostRole says what each
may do). Each change runs under the competition's lock, so it is ordered with the host's other writes."""

from django.db import IntegrityError, transaction

from accounts.models import User
from competitions import locks
from competitions.errors import CompetitionError
from competitions.models import Competition, CompetitionHost, RulesAcceptance, TeamMembership
from competitions.queries import can_manage_hosts, forget_host_roles
from config.errors import NotAllowed, NotFound

ROLES = CompetitionHost.Role


def refusal(field: str, message: str, code: str) -> CompetitionError:
    return CompetitionError(message, code=code, details={"field": field})


def require_owner(actor: User, competition: Competition) -> None:
    if not can_manage_hosts(actor, competition):
        raise NotAllowed(
            "Only the competition's host can add, remove or change co-hosts and reviewers.", code="not_owner"
        )


def check_role(role: str) -> None:
    if role not in ROLES.values:
        raise refusal("role", f"Unknown role '{role}'. Choose one of: co_host, reviewer.", "bad_role")


def is_participant(competition: Competition, user: User) -> bool:
    return (
        RulesAcceptance.objects.filter(competition=competition, user=user).exists()
        or TeamMembership.objects.filter(competition=competition, user=user).exists()
    )


def co_hosts_of(competition: Competition) -> list[CompetitionHost]:
    return list(competition.co_hosts.select_related("user"))


def add_co_host(*, competition: Competition, actor: User, username: str, role: str) -> CompetitionHost:
    """A co-host or reviewer reads the solution check and the private scores, so a participant cannot be
    one: they would see what the other teams cannot."""
    username = username.strip()
    check_role(role)
    require_owner(actor, competition)
    with transaction.atomic():
        locks.lock_competition(competition.pk)
        user = user_named(username) if username else None
        if user is None:
            raise NotFound(
                f"No user '{username}'." if username else "Name the user to add (their username).",
                code="user_not_found",
                details={"field": "username"},
            )
        if user.pk == competition.host_id:
            raise refusal("username", f"'{user.username}' is the competition's host already.", "already_host")
        if is_participant(competition, user):
            raise refusal(
                "username",
                f"'{user.username}' has joined this competition as a participant: a participant cannot be a "
                "co-host or reviewer, who see the private scores and the solution check.",
                "participant_cannot_host",
            )
        if competition.co_hosts.filter(user=user).exists():
            raise refusal(
                "username",
                f"'{user.username}' is already on the competition's hosts; change their role instead.",
                "already_co_host",
            )
        try:
            with transaction.atomic():
                added = CompetitionHost.objects.create(competition=competition, user=user, role=role)
        except IntegrityError as error:
            raise refusal(
                "username", f"'{user.username}' was added a moment ago.", "already_co_host"
            ) from error
    forget_host_roles(competition)
    return added


def user_named(username: str) -> User | None:
    """The user of that name; a different case finds them too, but only when it names no one else ('Alice'
    and 'alice' are two people: typing 'ALICE' must not pick one of them)."""
    exact = User.objects.filter(username=username).first()
    if exact is not None:
        return exact
    by_case = list(User.objects.filter(username__iexact=username)[:2])
    return by_case[0] if len(by_case) == 1 else None


def co_host_for(competition: Competition, username: str) -> CompetitionHost:
    rows = competition.co_hosts.select_related("user")
    found = rows.filter(user__username=username.strip()).first()
    if found is None:
        by_case = list(rows.filter(user__username__iexact=username.strip())[:2])
        found = by_case[0] if len(by_case) == 1 else None
    if found is None:
        raise NotFound(
            f"'{username}' is not a co-host or reviewer of this competition.",
            code="not_co_host",
            details={"field": "username"},
        )
    return found


def change_co_host_role(
    *, competition: Competition, actor: User, username: str, role: str
) -> CompetitionHost:
    check_role(role)
    require_owner(actor, competition)
    with transaction.atomic():
        locks.lock_competition(competition.pk)
        co_host = co_host_for(competition, username)
        co_host.role = role
        co_host.save(update_fields=["role"])
    forget_host_roles(competition)
    return co_host


def remove_co_host(*, competition: Competition, actor: User, username: str) -> None:
    require_owner(actor, competition)
    with transaction.atomic():
        locks.lock_competition(competition.pk)
        co_host_for(competition, username).delete()
    forget_host_roles(competition)
