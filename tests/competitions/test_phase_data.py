"""A phase with its own public data: the host points it at a version of the competition's data set, and
while it runs the Data tab, the files API, the downloads and the Croissant document serve that version."""

import io
from datetime import timedelta

import pytest

from competitions.models import Phase
from datasets.services import NewFile, add_version
from tests.competitions.test_phase_pages import local, phase_post
from tests.factories import joined

FINAL_DATA = "id,feature\n11,5.5\n12,6.0\n"


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def phases_body(competition, *, final_data=None, development_ends_in_the_past=True) -> dict:
    middle = competition.start_at + (
        timedelta(hours=12) if development_ends_in_the_past else timedelta(days=2)
    )
    return {
        "phases": [
            {"name": "Development", "start_at": iso(competition.start_at), "end_at": iso(middle)},
            {
                "name": "Final",
                "start_at": iso(middle),
                "end_at": iso(competition.end_at),
                "data_version": final_data,
            },
        ]
    }


@pytest.fixture
def final_version(competition):
    """A second version of the competition's data set, holding the final phase's test file."""
    return add_version(
        dataset=competition.data_version.dataset,
        files=[NewFile("final_test.csv", io.BytesIO(FINAL_DATA.encode()))],
        keep=["sample_submission.csv"],
    )


@pytest.fixture
def alice_api(api_for, competition, participant):
    joined(competition, participant)
    return api_for(participant)


def put_phases(client, competition, body):
    return client.put(f"/api/v1/competitions/{competition.slug}/phases/", body, format="json")


def test_the_running_phase_serves_its_own_data_version(competition, api_for, host, alice_api, final_version):
    answer = put_phases(api_for(host), competition, phases_body(competition, final_data=final_version.number))
    assert answer.status_code == 200, answer.content
    assert [phase["data_version"] for phase in answer.json()["phases"]] == [None, final_version.number]

    files = alice_api.get(f"/api/v1/competitions/{competition.slug}/files/").json()
    assert sorted(item["name"] for item in files) == ["final_test.csv", "sample_submission.csv"]
    download = alice_api.get(f"/api/v1/competitions/{competition.slug}/files/final_test.csv")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).decode() == FINAL_DATA
    gone = alice_api.get(f"/api/v1/competitions/{competition.slug}/files/test.csv")
    assert gone.status_code == 404


def test_a_phase_without_its_own_data_shares_the_competitions(
    competition, api_for, host, alice_api, final_version
):
    body = phases_body(competition, final_data=final_version.number, development_ends_in_the_past=False)
    assert put_phases(api_for(host), competition, body).status_code == 200

    files = alice_api.get(f"/api/v1/competitions/{competition.slug}/files/").json()

    assert "final_test.csv" not in {item["name"] for item in files}
    assert {item["name"] for item in files} == {f.name for f in competition.data_version.files.all()}


def test_the_data_tab_names_the_phase_whose_data_it_shows(
    competition, api_for, host, participant, client, final_version
):
    put_phases(api_for(host), competition, phases_body(competition, final_data=final_version.number))
    joined(competition, participant)
    client.force_login(participant)

    page = client.get(f"/competitions/{competition.slug}/data/").content.decode()

    assert f"The data of the current phase, <strong>Final</strong> (version {final_version.number})." in page
    assert "final_test.csv" in page


def test_an_unknown_data_version_is_refused_on_the_phases_field(competition, api_for, host):
    answer = put_phases(api_for(host), competition, phases_body(competition, final_data=7))

    assert answer.status_code == 400
    body = answer.json()
    assert (body["code"], body["details"]["field"]) == ("unknown_data_version", "phases[1].data_version")
    assert body["message"] == "Phase 2 (Final): the competition's data has no version 7; its versions are 1."
    assert Phase.objects.filter(competition=competition).count() == 1


def test_the_host_tab_sets_a_phases_data_version_and_refuses_an_unknown_one(
    competition, host, client, final_version
):
    client.force_login(host)
    start = competition.start_at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    middle, end = start + timedelta(hours=12), competition.end_at.replace(second=0, microsecond=0)
    final = {"name": "Final", "start_at": local(middle), "end_at": local(end), "data_version": "9"}
    rows = phase_post(
        competition, [{"name": "Development", "start_at": local(start), "end_at": local(middle)}, final]
    )

    refused = client.post(f"/competitions/{competition.slug}/host/phases/", rows)
    assert "the competition&#x27;s data has no version 9; its versions are 1, 2." in refused.content.decode()

    final["data_version"] = str(final_version.number)
    rows = phase_post(
        competition, [{"name": "Development", "start_at": local(start), "end_at": local(middle)}, final]
    )
    client.post(f"/competitions/{competition.slug}/host/phases/", rows)
    assert Phase.objects.get(competition=competition, number=2).data_version == final_version


def two_phases(competition, api_for, host):
    answer = put_phases(api_for(host), competition, phases_body(competition))
    assert answer.status_code == 200, answer.content


def upload_url(competition) -> str:
    return f"/competitions/{competition.slug}/host/phase-data/"


def test_the_host_tab_uploads_a_phases_data_as_a_new_version(competition, api_for, host, participant, client):
    two_phases(competition, api_for, host)
    client.force_login(host)

    answer = client.post(
        upload_url(competition),
        {
            "phase": "2",
            "keep": ["sample_submission.csv"],
            "files": [named("final_test.csv", FINAL_DATA)],
            "notes": "The final's test file.",
        },
        follow=True,
    )

    page = answer.content.decode()
    assert "Version 2 of the data is published and is phase 2&#x27;s data." in page
    final = Phase.objects.get(competition=competition, number=2)
    assert final.data_version.number == 2
    assert sorted(f.name for f in final.data_version.files.all()) == [
        "final_test.csv",
        "sample_submission.csv",
    ]
    assert final.data_version.notes == "The final's test file."
    assert Phase.objects.get(competition=competition, number=1).data_version is None
    assert "Phase 2 (Final):" in page
    assert "version 2 (its own)" in page
    joined(competition, participant)
    files = api_for(participant).get(f"/api/v1/competitions/{competition.slug}/files/").json()
    assert sorted(item["name"] for item in files) == ["final_test.csv", "sample_submission.csv"]


def named(name: str, text: str):
    upload = io.BytesIO(text.encode())
    upload.name = name
    return upload


def test_an_upload_without_files_or_notes_is_refused_by_field_and_changes_nothing(
    competition, api_for, host, client
):
    two_phases(competition, api_for, host)
    client.force_login(host)

    no_files = client.post(upload_url(competition), {"phase": "2", "notes": "Nothing."})
    no_notes = client.post(upload_url(competition), {"phase": "2", "files": [named("a.csv", "id\n1\n")]})

    assert "<strong>files</strong>: Choose the files of the phase" in no_files.content.decode()
    assert "<strong>notes</strong>: Say what changed in this version." in no_notes.content.decode()
    assert competition.data_version.dataset.versions.count() == 1
    assert Phase.objects.get(competition=competition, number=2).data_version is None


def test_a_participant_cannot_upload_a_phases_data(competition, api_for, host, participant, client):
    two_phases(competition, api_for, host)
    client.force_login(participant)

    answer = client.post(
        upload_url(competition), {"phase": "2", "files": [named("a.csv", "id\n1\n")], "notes": "Mine."}
    )

    assert answer.status_code == 403
    assert competition.data_version.dataset.versions.count() == 1
