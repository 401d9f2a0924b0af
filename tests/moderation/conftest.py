import io

import pytest

from scoring import services as scoring
from submissions.models import Submission
from submissions.services import create_submission
from tests.factories import joined, predictions

# LABEL_SOLUTION's public ids 1-4 are cat, dog, cat, bird: these answers score 1.0, 0.75 and 0.5 there.
ALL_RIGHT = {1: "cat", 2: "dog", 3: "cat", 4: "bird"}
THREE_RIGHT = {1: "cat", 2: "dog", 3: "cat", 4: "cat"}
TWO_RIGHT = {1: "cat", 2: "dog", 3: "dog", 4: "cat"}


def scored(competition, user, labels: dict[int, str]) -> Submission:
    """A submission uploaded through the real service and scored as the worker would score it."""
    submission, _ = create_submission(
        competition=competition,
        user=user,
        file_name="predictions.csv",
        stream=io.BytesIO(predictions(labels).encode()),
    )
    assert scoring.score_submission(submission.pk) == "scored"
    submission.refresh_from_db()
    return submission


def the_audit_entry(*, actor, action: str, target, reason: str):
    """The one audit log entry there is, checked to say who did what to which object and why."""
    from moderation.models import AuditLogEntry

    entry = AuditLogEntry.objects.get()
    assert (entry.actor, entry.action, entry.target, entry.reason) == (actor, action, target, reason)
    return entry


def run_action(client, changelist: str, action: str, objects, reason: str | None = None):
    """An admin action as a moderator runs it: select and choose the action, then confirm with a reason
    (reason None: stop at the confirmation page)."""
    selection = {"action": action, "_selected_action": [obj.pk for obj in objects]}
    asked = client.post(changelist, selection)
    if reason is None:
        return asked
    assert asked.status_code == 200, asked
    assert 'name="reason"' in asked.content.decode()
    return client.post(changelist, {**selection, "confirm_moderation": "yes", "reason": reason}, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def alice(competition, participant):
    joined(competition, participant)
    return participant


@pytest.fixture
def bob(competition, other_participant):
    joined(competition, other_participant)
    return other_participant
