"""Each kind of event queues one mail per recipient who wants that kind, once, however often it fires."""

import io

import pytest

from community.mail_news import mail_comment, mail_join_request, mail_submission_result, mail_team_request
from community.models import Notification
from community.services import post_comment
from competitions import teams
from competitions.models import Competition
from competitions.services import update_competition
from leaderboards.private_board import finalize_ended_competitions
from leaderboards.signals import private_board_revealed
from mail import kinds
from mail.models import OutgoingMail
from mail.services import UnknownMailKind, queue_mail, set_mail_preferences
from scoring.services import score_and_settle
from submissions.models import Submission
from submissions.services import create_submission
from tests.competitions.test_teams import player
from tests.factories import UserFactory, end_now, predictions
from tests.mail_notifications.conftest import outbox

PERFECT_PUBLIC = predictions({1: "cat", 2: "dog", 3: "cat", 4: "bird"})


def upload(competition, user, text) -> Submission:
    submission, _ = create_submission(
        competition=competition, user=user, file_name="p.csv", stream=io.BytesIO(text.encode())
    )
    return submission


def test_a_scored_submission_is_mailed_once_to_its_submitter_who_turned_the_kind_on(competition, players):
    alice, _ = players
    set_mail_preferences(user=alice, choices={kinds.SUBMISSION_RESULTS: True})
    submission = upload(competition, alice, PERFECT_PUBLIC)

    score_and_settle(submission.pk)
    mail_submission_result(None, submission=submission)  # the event told a second time

    assert outbox() == [
        (f"submission-result:{submission.pk}", "alice", "Submission #1 in Animals scored"),
    ]
    assert "was scored. Its public score is 1." in OutgoingMail.objects.get().body


def test_a_failed_submission_is_mailed_with_its_reason(competition, players):
    alice, _ = players
    set_mail_preferences(user=alice, choices={kinds.SUBMISSION_RESULTS: True})
    submission = upload(competition, alice, "id,label\n1,cat\n2,dog\n")

    score_and_settle(submission.pk)

    [(_event, _recipient, subject)] = outbox()
    assert subject == "Submission #1 in Animals failed"
    reason = Submission.objects.get(pk=submission.pk).error_message
    assert reason
    assert reason in OutgoingMail.objects.get().body


def test_submission_results_are_not_mailed_by_default(competition, players):
    alice, _ = players
    assert not kinds.KINDS[kinds.SUBMISSION_RESULTS].wanted_by_default  # the worker's one read relies on it

    score_and_settle(upload(competition, alice, PERFECT_PUBLIC).pk)

    assert outbox() == []


def test_an_invitation_and_its_answer_are_mailed_once_each_to_the_other_side(competition, players):
    alice, bob = players

    invitation = teams.invite_member(competition=competition, user=alice, username="bob")
    mail_team_request(None, request=invitation, actor=alice)  # the signal told twice
    teams.accept_invitation(invitation=invitation, user=bob)
    invitation.refresh_from_db()
    mail_team_request(None, request=invitation, actor=bob)

    assert outbox(kinds.TEAM_REQUESTS) == [
        (
            f"team-invitation:{invitation.pk}:pending",
            "bob",
            "alice invited you to join team 'alice' in Animals.",
        ),
        (
            f"team-invitation:{invitation.pk}:accepted",
            "alice",
            "bob accepted your invitation and joined team 'alice' in Animals.",
        ),
    ]


def test_a_merge_request_is_mailed_to_the_leaders_of_the_team_asked(competition, players):
    _alice, bob = players

    merge = teams.request_merge(competition=competition, user=bob, target_name="alice")

    assert outbox(kinds.TEAM_REQUESTS) == [
        (
            f"team-merge:{merge.pk}:pending",
            "alice",
            "bob asked for team 'bob' to merge into your team 'alice' in Animals.",
        )
    ]


def test_a_merge_answer_is_mailed_once_to_the_team_that_asked(competition, players):
    alice, bob = players
    merge = teams.request_merge(competition=competition, user=bob, target_name="alice")

    teams.decline_merge(merge_request=merge, user=alice)

    answers = [row for row in outbox(kinds.TEAM_REQUESTS) if not row[0].endswith(":pending")]
    assert answers == [
        (
            f"team-merge:{merge.pk}:declined",
            "bob",
            "alice declined the merge of team 'bob' into team 'alice' in Animals.",
        )
    ]


def test_a_reply_is_mailed_to_the_thread_and_the_host_once(competition, players):
    alice, bob = players
    first = post_comment(author=alice, target=competition, body="Is the split random?")

    reply = post_comment(author=bob, target=competition, body="Yes, seeded.", parent=first)
    mail_comment(reply, competition, {alice.pk: "reply"})  # told again

    assert sorted(outbox(kinds.THREAD_REPLIES)) == [
        (f"comment:{first.pk}", "host", "alice commented on the competition Animals"),
        (f"comment:{reply.pk}", "alice", "bob replied to your comment on the competition Animals"),
        (f"comment:{reply.pk}", "host", "bob commented in a thread you follow on the competition Animals"),
    ]


def test_the_private_board_reveal_is_mailed_to_every_participant_once(competition, players):
    carol = player(competition, "carol")
    teams.accept_invitation(
        invitation=teams.invite_member(competition=competition, user=players[0], username="carol"), user=carol
    )

    end_now(competition)
    finalize_ended_competitions()
    private_board_revealed.send(sender=type(competition), competition=competition)  # told twice

    assert sorted(outbox(kinds.PRIVATE_BOARD)) == [
        (f"private-board:{competition.pk}", name, "The final standings of Animals are out")
        for name in ["alice", "bob", "carol"]
    ]


def test_a_kind_turned_off_is_not_mailed_and_the_others_still_are(competition, players):
    alice, bob = players
    set_mail_preferences(user=bob, choices={kinds.TEAM_REQUESTS: False})

    teams.invite_member(competition=competition, user=alice, username="bob")
    post_comment(author=alice, target=competition, body="Hello")
    set_mail_preferences(user=competition.host, choices={kinds.THREAD_REPLIES: False})
    post_comment(author=bob, target=competition, body="Hello to you")

    assert [(recipient, event.split(":")[0]) for event, recipient, _ in outbox()] == [("host", "comment")]


def test_users_without_an_address_or_inactive_get_no_mail(competition, participant):
    nobody = UserFactory(username="nomail", email="")
    gone = UserFactory(username="gone", is_active=False)

    queued = queue_mail(
        recipients=[nobody, gone, participant],
        kind=kinds.PRIVATE_BOARD,
        event="test:1",
        subject="Hello",
        body="Hi",
    )

    assert queued == 1
    assert outbox() == [("test:1", "alice", "Hello")]


def test_an_unknown_kind_is_refused_by_name(participant):
    with pytest.raises(UnknownMailKind, match="'join_request' is not a kind of mail; the kinds are: "):
        queue_mail(recipients=[participant], kind="join_request", event="x", subject="s", body="b")


def test_a_join_request_is_mailed_to_the_host_and_its_answer_to_the_requester_once(host, other_participant):
    from competitions.admission import answer_join_request, request_to_join
    from competitions.models import Competition
    from competitions.services import update_competition
    from tests.factories import make_competition

    unlisted = make_competition(host=host)
    update_competition(
        competition=unlisted,
        user=host,
        changes={"visibility": Competition.Visibility.UNLISTED, "accepts_join_requests": True},
    )
    unlisted.refresh_from_db()
    asked = request_to_join(competition=unlisted, user=other_participant, message="I am in the course.")
    refused = answer_join_request(join_request=asked, user=host, approve=False, reason="The course is full.")
    mail_join_request(None, join_request=refused, actor=host)  # the event told a second time

    assert outbox() == [
        (f"join-request:{asked.pk}:pending", "host", "bob asks to join Animals."),
        (
            f"join-request:{asked.pk}:refused",
            "bob",
            "The host refused your request to join Animals: The course is full.",
        ),
    ]


def test_a_reply_in_a_competition_turned_private_reaches_no_one_who_may_no_longer_see_it(
    competition, players, host
):
    alice, _ = players
    outsider = UserFactory(username="carol")
    asked = post_comment(author=outsider, target=competition, body="Is the split random?")
    update_competition(
        competition=competition, user=host, changes={"visibility": Competition.Visibility.PRIVATE}
    )

    reply = post_comment(
        author=alice, target=competition, body="Yes, seeded: the secret is 42.", parent=asked
    )

    assert not Notification.objects.filter(recipient=outsider, comment=reply).exists()
    assert Notification.objects.filter(recipient=host, comment=reply).exists()
    assert [
        recipient for event, recipient, _ in outbox(kinds.THREAD_REPLIES) if event == f"comment:{reply.pk}"
    ] == ["host"]
