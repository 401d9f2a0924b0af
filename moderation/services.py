"""What moderators do from the admin: suspend or feature a competition, start a rescore, disqualify a team or
a submission, ban an account, hide a comment, remove a rating. Each makes its change through the owning app's
own rules and writes an audit log entry in the same transaction, so neither stands without the other."""

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from accounts.models import User
from community.models import Comment, Rating
from community.queries import comment_target
from community.ratings import delete_rating, ratable_kind
from community.targets import kind_of
from competitions import locks
from competitions.logos import replace_logo
from competitions.models import Competition, Team
from competitions.queries import host_role, require_manager
from config.errors import DomainError, NotAllowed
from datasets.storage import private_storage
from leaderboards import standing
from moderation.models import AuditLogEntry
from scoring.models import Rescore
from scoring.rescoring import start_rescore
from submissions.models import Submission

Action = AuditLogEntry.Action
REPR_LENGTH = AuditLogEntry._meta.get_field("target_repr").max_length


class ModerationRefused(DomainError):
    code = "moderation_refused"


def record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None,
    reason: str = "",
    details: dict | None = None,
    target_repr: str = "",
) -> AuditLogEntry:
    """Write one audit log entry (actor None: Podium itself); call inside the transaction of the change."""
    return AuditLogEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=target.pk if target is not None else None,
        target_repr=(target_repr or str(target or ""))[:REPR_LENGTH],
        reason=reason,
        details=details or {},
    )


def record_disqualification(*, actor: User, target: Team | Submission, reason: str) -> None:
    """Every disqualification, from the admin, the API or the submissions page, by a host or an admin."""
    competition = target.competition
    if isinstance(target, Team):
        action, details = Action.TEAM_DISQUALIFIED, {"competition": competition.slug}
        label = f"Team '{target.name}' in {competition.slug}"
    else:
        action, details = (
            Action.SUBMISSION_DISQUALIFIED,
            {"competition": competition.slug, "team": target.participant_team.name},
        )
        label = f"Submission {target.pk} of team '{target.participant_team.name}' in {competition.slug}"
    details["by"] = (
        "staff" if actor.is_staff else ORGANISER_NAMES.get(host_role(actor, competition) or "", "host")
    )
    record(actor=actor, action=action, target=target, reason=reason, details=details, target_repr=label)


# How the audit log names who acted: the competition's owner is its host.
ORGANISER_NAMES = {"owner": "host", "co_host": "co-host"}


def require_staff(actor: User) -> None:
    if not (actor.is_authenticated and actor.is_active and actor.is_staff):
        raise NotAllowed("Only staff can moderate.")


def delete_for_good(*, target: Competition | User, actor: User, reason: str) -> str:
    """A superuser deletes a competition (with everything in it) or an account, with a reason written to the
    audit log in the same transaction; an account whose submissions or competitions must stay is refused
    (ban it instead). Returns what was deleted, as the log names it."""
    if not (actor.is_authenticated and actor.is_active and actor.is_superuser):
        raise NotAllowed("Only superusers delete competitions and accounts; ban or suspend instead.")
    reason = require_reason(reason)
    if isinstance(target, Competition):
        action, label = Action.COMPETITION_DELETED, f"Competition '{target.title}' ({target.slug})"
    else:
        action, label = Action.USER_DELETED, f"User '{target.username}'"
    try:
        with transaction.atomic():
            record(actor=actor, action=action, target=None, reason=reason, target_repr=label)
            target.delete()
    except models.ProtectedError:
        raise ModerationRefused(
            f"{label} cannot be deleted: submissions or competitions that must be kept refer to it. "
            "Ban the account instead.",
            code="protected",
        ) from None
    return label


def require_reason(reason: str, shown: str = "it is kept in the audit log") -> str:
    """The reason for a moderation act, which every act needs; `shown` says who reads it."""
    reason = (reason or "").strip()
    if not reason:
        raise ModerationRefused(f"Give a reason; {shown}.", code="reason_required")
    return reason[:2000]


# Competitions.


def suspend_competition(*, competition: Competition, actor: User, reason: str) -> Competition:
    """Hide a competition from everyone but its host and staff, and close it to submissions, joins and team
    changes; the host sees the reason."""
    require_staff(actor)
    reason = require_reason(reason)
    with transaction.atomic():
        locked = locks.lock_competition(competition.pk)
        if locked.suspended_at:
            raise ModerationRefused(f"'{locked.title}' is already suspended.", code="already_suspended")
        locked.suspended_at = timezone.now()
        locked.suspension_reason = reason
        locked.save(update_fields=["suspended_at", "suspension_reason"])
        record(actor=actor, action=Action.COMPETITION_SUSPENDED, target=locked, reason=reason)
    return locked


def restore_competition(*, competition: Competition, actor: User, reason: str = "") -> Competition:
    """Lift a suspension: the competition is listed and open again as its dates say."""
    require_staff(actor)
    with transaction.atomic():
        locked = locks.lock_competition(competition.pk)
        if not locked.suspended_at:
            raise ModerationRefused(f"'{locked.title}' is not suspended.", code="not_suspended")
        details = {"suspension_reason": locked.suspension_reason}
        locked.suspended_at = None
        locked.suspension_reason = ""
        locked.save(update_fields=["suspended_at", "suspension_reason"])
        record(
            actor=actor,
            action=Action.COMPETITION_RESTORED,
            target=locked,
            reason=reason.strip(),
            details=details,
        )
    return locked


def feature_competition(*, competition: Competition, actor: User, reason: str = "") -> Competition:
    return set_featured(competition, actor, featured=True, reason=reason)


def unfeature_competition(*, competition: Competition, actor: User, reason: str = "") -> Competition:
    return set_featured(competition, actor, featured=False, reason=reason)


def set_featured(competition: Competition, actor: User, *, featured: bool, reason: str) -> Competition:
    require_staff(actor)
    with transaction.atomic():
        locked = locks.lock_competition(competition.pk)
        if locked.featured == featured:
            state = "already featured" if featured else "not featured"
            raise ModerationRefused(f"'{locked.title}' is {state}.", code="featured_unchanged")
        locked.featured = featured
        locked.save(update_fields=["featured"])
        action = Action.COMPETITION_FEATURED if featured else Action.COMPETITION_UNFEATURED
        record(actor=actor, action=action, target=locked, reason=reason.strip())
    return locked


def remove_logo(*, competition: Competition, actor: User, reason: str) -> Competition:
    """Take down a competition's logo (an inappropriate image); its host may upload another."""
    require_staff(actor)
    reason = require_reason(reason)
    if not competition.logo_key:
        raise ModerationRefused(f"'{competition.title}' has no logo.", code="no_logo")
    with transaction.atomic():
        details = {"logo_key": competition.logo_key}
        locked = replace_logo(competition, "")
        record(
            actor=actor, action=Action.COMPETITION_LOGO_REMOVED, target=locked, reason=reason, details=details
        )
    return locked


def rescore_competition(*, competition: Competition, actor: User, reason: str) -> Rescore:
    """Score every submission again under the current solution and metric (after a fix to a metric, say);
    the leaderboards switch to the new scores once every submission has its new one."""
    require_staff(actor)
    reason = require_reason(reason)
    with transaction.atomic():
        # The current file passed as a new one: the rescore refuses a setup that would change nothing.
        with private_storage().open(competition.solution_key, "rb") as solution:
            rescore = start_rescore(competition=competition, user=actor, solution=solution, reason=reason)
        record(
            actor=actor,
            action=Action.RESCORE_STARTED,
            target=competition,
            reason=reason,
            details={"rescore": rescore.pk, "metric": rescore.metric, "submissions": rescore.total},
        )
    return rescore


# Teams and submissions.


@locks.retried_on_conflict
def disqualify_team(*, team: Team, actor: User, reason: str) -> Team:
    """Take a whole team off the leaderboards; the team sees the reason. The one way in, for the host's
    pages, the API and the admin alike."""
    require_manager(actor, team.competition, "disqualify")
    reason = require_reason(reason, "the team will see it")
    with transaction.atomic():
        locks.lock_competition(team.competition_id)
        if Team.objects.filter(pk=team.pk, disqualified_at__isnull=False).exists():
            raise ModerationRefused(
                f"Team '{team.name}' is already disqualified.", code="already_disqualified"
            )
        team = standing.take_team_off_boards(team=team, reason=reason)
        record_disqualification(actor=actor, target=team, reason=reason)
    return team


@locks.retried_on_conflict
def disqualify_submission(*, submission: Submission, actor: User, reason: str) -> Submission:
    """Take one submission off the leaderboards; its team sees the reason. The one way in, for the host's
    pages, the API and the admin alike."""
    require_manager(actor, submission.competition, "disqualify")
    reason = require_reason(reason, "the team will see it")
    with transaction.atomic():
        locks.lock_competition(submission.competition_id)
        if Submission.objects.filter(pk=submission.pk, disqualified_at__isnull=False).exists():
            raise ModerationRefused(
                f"Submission {submission.pk} is already disqualified.", code="already_disqualified"
            )
        submission = standing.take_submission_off_boards(submission=submission, reason=reason)
        record_disqualification(actor=actor, target=submission, reason=reason)
    return submission


# Accounts.


@locks.retried_on_conflict
def ban_user(*, user: User, actor: User, reason: str) -> int:
    """Deactivate an account (no login, no API token) and disqualify every submission it made, in every
    competition; returns how many submissions were disqualified."""
    require_staff(actor)
    reason = require_reason(reason)
    if user.pk == actor.pk:
        raise ModerationRefused("You cannot ban yourself.", code="ban_self")
    if user.is_superuser and not actor.is_superuser:
        raise NotAllowed(f"Only a superuser can ban the superuser '{user.username}'.")
    with transaction.atomic():
        locked = locks.lock_user(user.pk)
        if locked.banned_at:
            raise ModerationRefused(f"'{locked.username}' is already banned.", code="already_banned")
        locked.is_active = False
        locked.banned_at = timezone.now()
        locked.ban_reason = reason
        locked.save(update_fields=["is_active", "banned_at", "ban_reason"])
        disqualified = standing.take_submissions_off_boards(
            submissions=Submission.objects.filter(submitted_by=locked), reason=f"Account banned: {reason}"
        )
        record(
            actor=actor,
            action=Action.USER_BANNED,
            target=locked,
            reason=reason,
            details={"submissions_disqualified": disqualified},
        )
    return disqualified


def unban_user(*, user: User, actor: User, reason: str = "") -> User:
    """Let a banned account in again; the disqualifications of its submissions stay."""
    require_staff(actor)
    with transaction.atomic():
        locked = locks.lock_user(user.pk)
        if not locked.banned_at:
            raise ModerationRefused(f"'{locked.username}' is not banned.", code="not_banned")
        details = {"ban_reason": locked.ban_reason}
        locked.is_active = True
        locked.banned_at = None
        locked.ban_reason = ""
        locked.save(update_fields=["is_active", "banned_at", "ban_reason"])
        record(
            actor=actor, action=Action.USER_UNBANNED, target=locked, reason=reason.strip(), details=details
        )
    return locked


# Comments.


def hide_comment(*, moderator: User, comment: Comment, reason: str) -> Comment:
    """Staff hide a comment from everyone but its author and staff, with the reason in the audit log."""
    require_staff(moderator)
    reason = require_reason(reason)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.is_hidden:
            return comment
        comment.hidden_at, comment.hidden_by, comment.hidden_reason = timezone.now(), moderator, reason
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        record(
            actor=moderator,
            action=AuditLogEntry.Action.COMMENT_HIDDEN,
            target=comment,
            reason=reason,
            details={"author": comment.author.username, "flags": comment.flag_count},
            target_repr=comment_label(comment),
        )
    return comment


def restore_comment(*, moderator: User, comment: Comment, reason: str) -> Comment:
    """Staff show a hidden comment again; its flags are cleared as dealt with."""
    require_staff(moderator)
    reason = require_reason(reason)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if not comment.is_hidden:
            return comment
        comment.hidden_at, comment.hidden_by, comment.hidden_reason = None, None, ""
        comment.flags.all().delete()
        comment.flag_count = 0
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "flag_count"])
        record(
            actor=moderator,
            action=AuditLogEntry.Action.COMMENT_RESTORED,
            target=comment,
            reason=reason,
            details={"author": comment.author.username},
            target_repr=comment_label(comment),
        )
    return comment


def comment_label(comment: Comment) -> str:
    target = comment_target(comment)
    kind = kind_of(target)
    return f"Comment {comment.pk} by {comment.author.username} on {kind.label} {kind.key(target)}"


# Ratings.


def remove_rating(*, moderator: User, rating: Rating, reason: str) -> str:
    """Staff remove a rating that abuses the system (a ring of accounts, a grudge); the item's totals are
    counted again and the audit log keeps who gave it, how many stars and why it went. Returns its label."""
    require_staff(moderator)
    reason = require_reason(reason)
    label = rating_label(rating)
    with transaction.atomic():
        details = {"user": rating.user.username, "stars": rating.stars}
        target = delete_rating(rating)
        record(
            actor=moderator,
            action=Action.RATING_REMOVED,
            target=target,
            reason=reason,
            details=details,
            target_repr=label,
        )
    return label


def rating_label(rating: Rating) -> str:
    target = rating.target
    if target is None:
        return f"Rating of {rating.stars} by {rating.user.username} on a deleted item"
    kind = ratable_kind(target)
    return f"Rating of {rating.stars} by {rating.user.username} on {kind.label} {kind.key(target)}"
