"""A day before a running competition ends, each member of a team with scored submissions and no final
selection gets one reminder; the beat task runs every ten minutes and sends it once."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from community.mail_news import mail_deadline_reminders
from competitions import teams
from competitions.models import Competition
from config.timestamps import utc_label
from mail import kinds
from mail.models import OutgoingMail
from tests.competitions.test_teams import player, team_of
from tests.factories import make_submission
from tests.mail_notifications.conftest import outbox


def ends_in(competition, delta):
    Competition.objects.filter(pk=competition.pk).update(end_at=timezone.now() + delta)


def test_teams_with_no_final_selection_are_reminded_once(competition, players):
    alice, bob = players
    carol = player(competition, "carol")
    player(competition, "dave")
    teams.accept_invitation(
        invitation=teams.invite_member(competition=competition, user=alice, username="carol"), user=carol
    )
    make_submission(team_of(alice, competition), public_score=0.5)  # scored, nothing selected
    make_submission(team_of(bob, competition), public_score=0.7, is_final=True)  # selected
    # dave's team has submitted nothing, so there is nothing to select
    ends_in(competition, timedelta(hours=20))

    mail_deadline_reminders()
    mail_deadline_reminders()  # the next beat

    assert sorted(outbox(kinds.DEADLINE_REMINDERS)) == [
        (f"deadline-reminder:{competition.pk}", name, "Select your final submissions in Animals")
        for name in ["alice", "carol"]
    ]
    competition.refresh_from_db()
    body = OutgoingMail.objects.filter(kind=kinds.DEADLINE_REMINDERS).first().body
    assert f"Animals ends on {utc_label(competition.end_at)} and your team has not selected" in body


def test_a_competition_ending_later_than_a_day_from_now_or_already_ended_sends_none(competition, players):
    alice, _ = players
    make_submission(team_of(alice, competition), public_score=0.5)

    ends_in(competition, timedelta(hours=25))
    mail_deadline_reminders()
    ends_in(competition, timedelta(seconds=-1))
    mail_deadline_reminders()

    assert outbox() == []


def test_the_reminder_runs_on_beats_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["mail-deadline-reminders"]

    assert entry == {"task": "community.tasks.mail_deadline_reminders", "schedule": 600}


def test_the_reminder_follows_the_deciding_phase_when_it_is_not_the_last(competition, players, host):
    from competitions.phase_setup import PhasePlan, set_phases
    from competitions.phases import pairs_of

    alice, _ = players
    deciding_ends = timezone.now() + timedelta(hours=20)
    set_phases(
        competition=competition,
        user=host,
        plans=[
            PhasePlan(name="Main", start_at=competition.start_at, end_at=deciding_ends, decides=True),
            PhasePlan(name="Extra", start_at=deciding_ends, end_at=competition.end_at),
        ],
    )
    main = next(pair for pair in pairs_of(competition) if pair.phase.name == "Main")
    make_submission(team_of(alice, competition), public_score=0.5, phase_track=main)

    mail_deadline_reminders()

    assert [name for _, name, _ in outbox(kinds.DEADLINE_REMINDERS)] == ["alice"]
    body = OutgoingMail.objects.get(kind=kinds.DEADLINE_REMINDERS).body
    assert f"The Main phase of Animals ends on {utc_label(deciding_ends)}" in body
