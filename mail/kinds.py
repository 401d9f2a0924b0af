"""The kinds of mail Podium sends. Each user turns each kind on or off on the profile (or the API); every mail
names its kind, and its unsubscribe link turns off that kind only. Account mail (the address confirmation)
is not a choice: it goes to whoever asked for it, and carries no unsubscribe link."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class MailKind:
    name: str
    label: str
    wanted_by_default: bool


KINDS: dict[str, MailKind] = {
    kind.name: kind
    for kind in [
        MailKind("submission_results", "A submission of mine was scored or failed", False),
        MailKind("team_requests", "Team invitations and merge requests, and their answers", True),
        MailKind("join_requests", "Requests to join an unlisted competition, and their answers", True),
        MailKind(
            "deadline_reminders",
            "A reminder a day before a competition ends when my team has selected no final submission",
            True,
        ),
        MailKind("thread_replies", "Replies in discussion threads I follow", True),
        MailKind("private_board", "The private leaderboard of a competition I entered is revealed", True),
    ]
}

SUBMISSION_RESULTS = "submission_results"
TEAM_REQUESTS = "team_requests"
JOIN_REQUESTS = "join_requests"
DEADLINE_REMINDERS = "deadline_reminders"
THREAD_REPLIES = "thread_replies"
PRIVATE_BOARD = "private_board"
EMAIL_CONFIRMATION = "email_confirmation"

# Mail about the account itself, sent because the user asked for it: no preference, no unsubscribe link.
ACCOUNT_KINDS: dict[str, MailKind] = {
    EMAIL_CONFIRMATION: MailKind(EMAIL_CONFIRMATION, "Confirm your e-mail address", True),
}
ALL_KINDS: dict[str, MailKind] = {**KINDS, **ACCOUNT_KINDS}
