"""Deadlines and the host's changes: entry deadline, rules re-acceptance, extending the end, and the limits a
host sets at creation and later."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from competitions.errors import CompetitionError, RulesNotAccepted
from competitions.models import Competition
from competitions.services import join_competition, update_competition
from config.errors import NotAllowed
from submissions.services import create_submission
from tests.factories import UserFactory, joined, predictions


def submit(competition, user):
    return create_submission(
        competition=competition, user=user, file_name="p.csv", stream=io.BytesIO(predictions().encode())
    )


def test_no_one_new_joins_after_the_entry_deadline(competition, participant):
    Competition.objects.filter(pk=competition.pk).update(
        entry_deadline_at=timezone.now() - timedelta(minutes=1)
    )
    competition.refresh_from_db()

    with pytest.raises(CompetitionError) as refusal:
        join_competition(competition=competition, user=participant)

    assert refusal.value.code == "entry_closed"
    assert refusal.value.message.startswith("The entry deadline passed on ")
    assert refusal.value.message.endswith("UTC; new participants can no longer join.")


def test_editing_the_rules_asks_participants_to_accept_again(competition, host, participant):
    joined(competition, participant)

    competition = update_competition(competition=competition, user=host, changes={"rules": "No hand labels."})

    assert competition.rules_version == 2
    with pytest.raises(RulesNotAccepted) as refusal:
        submit(competition, participant)
    assert refusal.value.message == (
        "The rules have changed since you accepted them; accept the new rules to submit."
    )
    joined(competition, participant)
    submit(competition, participant)


def test_existing_participants_may_accept_new_rules_after_the_entry_deadline(competition, host, participant):
    joined(competition, participant)
    deadline = timezone.now() + timedelta(minutes=5)
    update_competition(competition=competition, user=host, changes={"entry_deadline_at": deadline})
    Competition.objects.filter(pk=competition.pk).update(
        entry_deadline_at=timezone.now() - timedelta(minutes=1)
    )
    competition.refresh_from_db()
    competition = update_competition(competition=competition, user=host, changes={"rules": "New."})

    joined_again = join_competition(competition=competition, user=participant)

    assert joined_again.name == "alice"


def test_the_end_can_only_be_extended_and_participants_see_the_old_end(client, competition, host):
    old_end = competition.end_at

    with pytest.raises(CompetitionError) as shorter:
        update_competition(
            competition=competition, user=host, changes={"end_at": old_end - timedelta(days=1)}
        )
    competition = update_competition(
        competition=competition, user=host, changes={"end_at": old_end + timedelta(days=7)}
    )

    assert shorter.value.message.startswith("The end can only be extended: choose a time after ")
    assert competition.previous_end_at == old_end
    page = client.get("/competitions/animals/").content.decode()
    assert f"extended from {old_end:%Y-%m-%d %H:%M} UTC" in page
    assert "data-local" in page


def test_nothing_but_text_changes_after_the_end(competition, host):
    Competition.objects.filter(pk=competition.pk).update(end_at=timezone.now() - timedelta(minutes=1))
    competition.refresh_from_db()

    with pytest.raises(CompetitionError) as refusal:
        update_competition(competition=competition, user=host, changes={"daily_submission_limit": 9})
    update_competition(competition=competition, user=host, changes={"overview": "Thanks, everyone."})

    assert (
        refusal.value.message == "The competition has ended; its deadlines and limits can no longer change."
    )


def test_deadlines_must_fall_within_the_competition(competition, host):
    with pytest.raises(CompetitionError) as refusal:
        update_competition(
            competition=competition,
            user=host,
            changes={"merger_deadline_at": competition.end_at + timedelta(days=1)},
        )

    assert refusal.value.message == "The team merger deadline must fall between the start and the end."
    assert refusal.value.details == {"field": "merger_deadline_at"}


def test_only_the_host_changes_a_competition(competition, participant):
    with pytest.raises(NotAllowed) as refusal:
        update_competition(competition=competition, user=participant, changes={"rules": "Mine now."})

    assert refusal.value.message == "Only the competition's host or a co-host can change it."


def test_the_api_patch_changes_only_what_is_sent_and_names_a_bad_field(api_for, competition, host):
    api = api_for(host)

    changed = api.patch(
        "/api/v1/competitions/animals/", {"total_submission_limit": 20, "max_team_size": 3}, format="json"
    )
    bad = api.patch("/api/v1/competitions/animals/", {"max_team_size": 0}, format="json")

    assert changed.status_code == 200
    assert (changed.json()["total_submission_limit"], changed.json()["max_team_size"]) == (20, 3)
    assert changed.json()["daily_submission_limit"] == 5
    assert bad.status_code == 400
    assert "max_team_size" in str(bad.json())


def test_the_host_settings_page_saves_and_shows_errors(client, competition, host):
    client.force_login(host)
    page = client.get("/competitions/animals/host/")
    form = {
        "title": competition.title,
        "rules": "Be kind.",
        "end_at": competition.end_at.strftime("%Y-%m-%dT%H:%M"),
        "daily_submission_limit": 3,
        "max_team_size": 4,
        "final_selection_limit": 2,
    }

    saved = client.post("/competitions/animals/host/", form)
    shortened = client.post(
        "/competitions/animals/host/",
        {**form, "end_at": (competition.end_at - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")},
    )

    assert page.status_code == 200
    assert 'name="entry_deadline_at"' in page.content.decode()
    assert saved.status_code == 302
    competition.refresh_from_db()
    assert (competition.rules_version, competition.daily_submission_limit, competition.max_team_size) == (
        2,
        3,
        4,
    )
    assert shortened.status_code == 200
    assert "The end can only be extended" in shortened.content.decode()


def test_a_participant_cannot_open_the_host_page(client, competition):
    client.force_login(UserFactory(username="mallory"))

    response = client.get("/competitions/animals/host/")

    assert response.status_code == 403


def test_rules_set_at_creation_through_the_api_are_kept(api_for, host):
    from tests.factories import LABEL_SOLUTION, TEST_CSV

    def upload(name, text):
        stream = io.BytesIO(text.encode())
        stream.name = name
        return stream

    start = timezone.now()
    response = api_for(host).post(
        "/api/v1/competitions/",
        {
            "title": "Ruled",
            "start_at": start.isoformat(),
            "end_at": (start + timedelta(days=10)).isoformat(),
            "entry_deadline_at": (start + timedelta(days=7)).isoformat(),
            "metric": "accuracy",
            "id_column": "id",
            "target_columns": "label",
            "total_submission_limit": 50,
            "final_selection_limit": 3,
            "solution": upload("solution.csv", LABEL_SOLUTION),
            "data_files": [upload("test.csv", TEST_CSV)],
        },
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    competition = Competition.objects.get(slug="ruled")
    assert (competition.total_submission_limit, competition.final_selection_limit) == (50, 3)
    assert competition.entry_deadline == start + timedelta(days=7)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"max_team_size": 101}, "max_team_size", "The maximum team size can be at most 100."),
        (
            {"final_selection_limit": 21},
            "final_selection_limit",
            "The final submissions per team can be at most 20.",
        ),
        (
            {"daily_submission_limit": 1001},
            "daily_submission_limit",
            "The daily submission limit can be at most 1000.",
        ),
        ({"max_in_flight": 0}, "max_in_flight", "must be at least 1 (leave it empty for no limit)."),
        (
            {"final_selection_limit": 0},
            "final_selection_limit",
            "Teams must be able to select at least 1 final",
        ),
    ],
)
def test_the_service_holds_every_bound_whoever_calls_it(competition, host, changes, field, message):
    """The bounds were once only on the form and the serializer; the service now refuses what they refuse."""
    with pytest.raises(CompetitionError) as refusal:
        update_competition(competition=competition, user=host, changes=changes)

    assert refusal.value.details == {"field": field}
    assert message in refusal.value.message


def test_the_database_keeps_the_bounds_too(competition):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Competition.objects.filter(pk=competition.pk).update(max_team_size=500)


def test_the_form_the_api_and_the_schema_show_the_same_bounds(client, api_for, competition, host):
    client.force_login(host)
    page = client.get("/competitions/animals/host/").content.decode()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    refused = api_for(host).patch("/api/v1/competitions/animals/", {"max_team_size": 101}, format="json")

    team_size_input = page.split('name="max_team_size"')[1][:200]
    assert 'max="100"' in team_size_input
    update = schema["components"]["schemas"]["PatchedCompetitionUpdateRequest"]["properties"]["max_team_size"]
    assert update["maximum"] == 100
    assert refused.status_code == 400
    assert "max_team_size" in str(refused.json())


def test_the_daily_limit_cannot_be_left_empty_on_the_hosts_forms():
    from competitions.forms import RuleSettingsForm

    form = RuleSettingsForm(data={"daily_submission_limit": "", "max_team_size": ""})

    assert not form.is_valid()
    assert "daily_submission_limit" in form.errors
    assert "max_team_size" not in form.errors  # left empty, it keeps its default
