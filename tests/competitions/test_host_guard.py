"""One guard for every host action: a reviewer (who reads what the host reads) and a participant are refused
each change with the same 403 `not_host` and a message naming the action, on the API and the pages."""

import pytest

from competitions.co_hosts import add_co_host
from competitions.models import CompetitionHost
from tests.factories import UserFactory, joined

CHANGES = [
    ("patch", "", {"subtitle": "Mine now"}, "change it"),
    ("post", "publish/", {}, "publish it"),
    ("put", "phases/", {"phases": []}, "set its phases and tracks"),
    ("put", "tracks/", {"tracks": []}, "set its phases and tracks"),
    ("post", "rescore/", {"metric": "macro_f1"}, "replace the solution or change the metric"),
    ("delete", "rescore/", None, "cancel a rescore"),
    ("put", "prizes/", {"prizes": []}, "change its prizes"),
    ("post", "access/invitation-links/", {}, "create invitation links"),
    ("post", "access/allow-list/", {"entries": ["@example.edu"]}, "change the allow-list"),
    ("post", "host/test-submissions/", {}, "make test submissions"),
    ("post", "benchmark/", {"task": "Image Classification"}, "turn it into a benchmark"),
]


@pytest.fixture
def reviewer(competition, host):
    rita = UserFactory(username="rita")
    add_co_host(competition=competition, actor=host, username="rita", role=CompetitionHost.Role.REVIEWER)
    return rita


@pytest.mark.parametrize(("method", "path", "body", "action"), CHANGES)
@pytest.mark.parametrize("who", ["reviewer", "participant"])
def test_every_host_change_is_refused_alike_to_reviewers_and_participants(
    competition, reviewer, participant, api_for, who, method, path, body, action
):
    if who == "participant":
        joined(competition, participant)
    client = api_for(reviewer if who == "reviewer" else participant)

    answer = getattr(client, method)(f"/api/v1/competitions/{competition.slug}/{path}", body, format="json")

    assert answer.status_code == 403, answer.content
    assert answer.json()["code"] == "not_host"
    assert answer.json()["message"] == f"Only the competition's host or a co-host can {action}."


def test_what_organisers_read_is_refused_to_a_participant_with_the_same_code(
    competition, participant, api_for
):
    joined(competition, participant)

    answer = api_for(participant).get(f"/api/v1/competitions/{competition.slug}/rescore/")

    assert answer.status_code == 403
    assert (answer.json()["code"], answer.json()["message"]) == (
        "not_host",
        "Only the competition's host, co-hosts and reviewers can see its rescores.",
    )


def test_a_reviewer_posting_the_host_tab_gets_the_same_refusal_on_the_page(competition, reviewer, client):
    client.force_login(reviewer)

    answer = client.post(f"/competitions/{competition.slug}/host/", {"title": "Mine"})

    assert answer.status_code == 403
    assert (
        "Only the competition&#x27;s host or a co-host can change it; reviewers read it."
        in answer.content.decode()
    )
