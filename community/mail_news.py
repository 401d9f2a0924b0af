"""What Podium mails, and to whom: each event is told through mail.services.queue_mail, with an event name
that is the same however often the event fires (the outbox keeps one mail per event, kind and recipient).

The events reach here as signals from the apps below (scoring, the boards, teams) or as calls from
community's own services (comments), plus the beat task's deadline reminders."""

from datetime import datetime, timedelta

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from community.admission_notifications import join_request_news
from community.models import Comment, Notification
from community.targets import kind_of
from community.team_notifications import invitation_news, merge_news
from competitions.models import (
    Competition,
    JoinRequest,
    Phase,
    Team,
    TeamInvitation,
    TeamMembership,
    TeamMergeRequest,
)
from competitions.phases import deciding_phase, effective_limits, phases_of, window_of
from config.timestamps import utc_label
from mail import kinds
from mail.services import queue_mail, site_url
from submissions.models import Submission

REMINDER_BEFORE = timedelta(hours=24)


def mail_submission_result(sender: object, *, submission: Submission, **kwargs: object) -> None:
    """The submitter hears that a file was scored (with its public score) or failed (with the reason)."""
    # On the worker's path after every score: the kind is off unless chosen (its default), so one statement
    # reads the submission only for a submitter who turned it on, and finds nothing for everyone else (if
    # the default ever changes, tests/mail_notifications/test_outbox.py's default test fails).
    found = (
        Submission.objects.select_related("competition", "submitted_by")
        .filter(
            pk=submission.pk,
            submitted_by__mail_preferences__kind=kinds.SUBMISSION_RESULTS,
            submitted_by__mail_preferences__is_wanted=True,
        )
        .first()
    )
    if found is None:
        return
    submission = found
    competition = submission.competition
    link = site_url(reverse("submissions:list", args=[competition.slug]))
    number = f"#{submission.team_number}" if submission.team_number else f"{submission.pk}"
    if submission.status == Submission.Status.SCORED:
        subject = f"Submission {number} in {competition.title} scored"
        score = (
            "" if submission.public_score is None else f" Its public score is {submission.public_score:g}."
        )
        body = f"Your submission {number} ({submission.file_name}) in {competition.title} was scored.{score}"
    elif submission.status == Submission.Status.FAILED:
        subject = f"Submission {number} in {competition.title} failed"
        body = (
            f"Your submission {number} ({submission.file_name}) in {competition.title} could not be scored:\n\n"
            f"{submission.error_message}"
        )
    else:
        return
    queue_mail(
        recipients=[submission.submitted_by],
        kind=kinds.SUBMISSION_RESULTS,
        event=f"submission-result:{submission.pk}",
        subject=subject,
        body=f"{body}\n\nYour submissions: {link}\n",
    )


def mail_team_request(
    sender: object, *, request: TeamInvitation | TeamMergeRequest, actor: User, **kwargs: object
) -> None:
    """Invitations, merge requests and their answers: the same people and sentences as the notifications."""
    if isinstance(request, TeamInvitation):
        recipients, text = invitation_news(request, actor)
        competition, name = request.team.competition, "team-invitation"
    else:
        recipients, text = merge_news(request, actor)
        competition, name = request.target.competition, "team-merge"
    link = site_url(reverse("competitions:team", args=[competition.slug]))
    queue_mail(
        recipients=[user for user in recipients if user.pk != actor.pk],
        kind=kinds.TEAM_REQUESTS,
        event=f"{name}:{request.pk}:{request.status}",
        subject=text,
        body=f"{text}\n\nYour team: {link}\n",
    )


def mail_join_request(sender: object, *, join_request: JoinRequest, actor: User, **kwargs: object) -> None:
    """A join request reaches the organisers who may answer it, its answer the requester: the same sentence
    as the notification."""
    recipients, text = join_request_news(join_request, actor)
    competition = join_request.competition
    if join_request.status == JoinRequest.Status.PENDING:
        link = site_url(reverse("competitions:host", args=[competition.slug]) + "#access")
    else:
        link = site_url(reverse("competitions:overview", args=[competition.slug]))
    queue_mail(
        recipients=recipients,
        kind=kinds.JOIN_REQUESTS,
        event=f"join-request:{join_request.pk}:{join_request.status}",
        subject=text,
        body=f"{text}\n\n{link}\n",
    )


def mail_comment(comment: Comment, target: models.Model, recipients: dict[int, str]) -> None:
    """The people a new comment notifies (user id -> why: the replied-to author, the others in the thread, the
    target's owners) by mail, each with the same reason as the notification."""
    where = kind_of(target)
    link = site_url(f"{where.page_url(target)}#comment-{comment.pk}")
    excerpt = comment.body if len(comment.body) <= 1000 else comment.body[:1000] + "…"
    author, about = comment.author.username, f"the {where.label} {target}"
    subjects = {
        Notification.Kind.REPLY: f"{author} replied to your comment on {about}",
        Notification.Kind.THREAD: f"{author} commented in a thread you follow on {about}",
        Notification.Kind.NEW_COMMENT: f"{author} commented on {about}",
    }
    for reason, subject in subjects.items():
        user_ids = [user_id for user_id, why in recipients.items() if why == reason]
        if user_ids:
            queue_mail(
                recipients=User.objects.filter(pk__in=user_ids),
                kind=kinds.THREAD_REPLIES,
                event=f"comment:{comment.pk}",
                subject=subject,
                body=f"{author} wrote on {about}:\n\n{excerpt}\n\nRead and reply: {link}\n",
            )


def participants(competition: Competition) -> QuerySet[User]:
    return User.objects.filter(
        Exists(TeamMembership.objects.filter(competition=competition, user=OuterRef("pk")))
    )


def mail_private_board(sender: object, *, competition: Competition, **kwargs: object) -> None:
    """Everyone in a team of the competition hears that the final standings are out."""
    link = site_url(reverse("leaderboards:leaderboard", args=[competition.slug]) + "?split=private")
    queue_mail(
        recipients=participants(competition),
        kind=kinds.PRIVATE_BOARD,
        event=f"private-board:{competition.pk}",
        subject=f"The final standings of {competition.title} are out",
        body=f"{competition.title} has ended and its private leaderboard is revealed.\n\nSee it: {link}\n",
    )


def final_selection_deadline(competition: Competition) -> datetime:
    """When teams must have selected their final submissions: the end of the phase that decides."""
    return window_of(deciding_phase(competition), competition)[1]


def final_phase_name(competition: Competition, deciding: Phase) -> str:
    """'Animals' for a competition of one phase, 'The Final phase of Animals' for one of several."""
    if len(phases_of(competition)) == 1:
        return competition.title
    return f"The {deciding.name} phase of {competition.title}"


def mail_deadline_reminders() -> int:
    """A day before a running competition's final-selection deadline, each member of a team that has scored
    submissions but selected none gets one reminder (the outbox's event is the competition: once)."""
    now = timezone.now()
    deciding_ends_soon = Phase.objects.filter(
        competition=OuterRef("pk"), decides=True, end_at__gt=now, end_at__lte=now + REMINDER_BEFORE
    )
    soon = Competition.objects.filter(
        Q(end_at__lte=now + REMINDER_BEFORE) | Exists(deciding_ends_soon),
        status=Competition.Status.PUBLISHED,
        suspended_at__isnull=True,
        start_at__lte=now,
        end_at__gt=now,
    )
    queued = 0
    for competition in soon:
        deadline = final_selection_deadline(competition)
        if not now < deadline <= now + REMINDER_BEFORE:
            continue
        deciding = deciding_phase(competition)
        in_deciding = {"phase_track__phase": deciding}
        scored = Submission.objects.filter(
            team=OuterRef("pk"), status=Submission.Status.SCORED, **in_deciding
        )
        selected = Submission.objects.filter(team=OuterRef("pk"), is_final=True, **in_deciding)
        teams = Team.objects.filter(competition=competition, disqualified_at__isnull=True).filter(
            Exists(scored), ~Exists(selected)
        )
        members = User.objects.filter(
            Exists(TeamMembership.objects.filter(team__in=teams, user=OuterRef("pk")))
        )
        link = site_url(reverse("submissions:list", args=[competition.slug]))
        queued += queue_mail(
            recipients=members,
            kind=kinds.DEADLINE_REMINDERS,
            event=f"deadline-reminder:{competition.pk}",
            subject=f"Select your final submissions in {competition.title}",
            body=(
                f"{final_phase_name(competition, deciding)} ends on {utc_label(deadline)} and your team has "
                f"not selected its final submissions. Without a selection, the private leaderboard takes your "
                f"team's best submissions by public score (up to "
                f"{effective_limits(deciding, competition)['final_selection_limit']}).\n\n"
                f"Choose them on your submissions page: {link}\n"
            ),
        )
    return queued
