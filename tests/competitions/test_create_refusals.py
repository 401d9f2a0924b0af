"""When the server refuses the create form, the host's chosen files are kept for the next try (in the private
storage, reachable only from the host's session), the step list marks the steps holding an error, and the
date rules reach the browser in the server's words."""

import os
import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from competitions import staging
from competitions.models import Competition
from datasets.storage import private_storage
from submissions.cleanup import clean_storage, stored_keys
from tests.competitions.test_create_steps import create_fields, step_html
from tests.competitions.test_pages import upload
from tests.factories import LABEL_SOLUTION, UserFactory

pytestmark = pytest.mark.django_db
TRAIN = "id,feature\n" + "".join(f"{i},{i * 2}\n" for i in range(20, 80))


def end_before_start() -> dict:
    start = timezone.now() + timedelta(days=2)
    return {
        "start_at": start.strftime("%Y-%m-%dT%H:%M"),
        "end_at": (start - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    }


def refused_with_files(client, host) -> str:
    """Post the form with a solution and a data file and an end before the start; the page that comes back."""
    client.force_login(host)
    fields = create_fields(data_files=[upload("train.csv", TRAIN)], **end_before_start())
    response = client.post("/competitions/new/", fields)
    assert response.status_code == 200
    return response.content.decode()


def kept_token(html: str) -> str:
    return re.search(r'<input type="hidden" name="staged" value="([^"]+)">', html).group(1)


def staged_keys() -> list[str]:
    return sorted(stored_keys(private_storage(), staging.STAGING_FOLDER))


def test_a_refused_form_keeps_both_files_and_shows_their_names_and_sizes(client, host):
    html = refused_with_files(client, host)

    data = step_html(html, "data")
    assert f"Kept: <strong>train.csv</strong> ({len(TRAIN)}\xa0bytes)" in data
    assert f"Kept: <strong>solution.csv</strong> ({len(LABEL_SOLUTION)}\xa0bytes)" in data
    assert data.count('class="replace-link">replace</label>') == 2
    assert (
        '<input type="file" name="solution" aria-describedby="id_solution_helptext" id="id_solution">' in data
    )
    assert "The files you chose are kept: choose others only to replace them." in html
    keys = staged_keys()
    assert len(keys) == 2
    assert all(key.startswith(f"staged/{host.pk}/") for key in keys)
    assert sorted(private_storage().open(key).read().decode() for key in keys) == sorted(
        [TRAIN, LABEL_SOLUTION]
    )


def test_the_kept_files_create_the_competition_once_the_error_is_fixed_and_then_go(client, host):
    token = kept_token(refused_with_files(client, host))
    fields = create_fields(staged=token)
    del fields["solution"]

    response = client.post("/competitions/new/", fields)

    assert response.status_code == 302
    competition = Competition.objects.get()
    assert competition.public_rows + competition.private_rows == 10
    assert sorted(f.name for f in competition.data_version.files.all()) == [
        "sample_submission.csv",
        "train.csv",
    ]
    assert staged_keys() == []
    assert client.session[staging.SESSION_KEY] == {}


def test_a_newly_chosen_file_replaces_the_kept_one(client, host):
    token = kept_token(refused_with_files(client, host))
    fields = create_fields(staged=token, solution=upload("labels.csv", LABEL_SOLUTION), **end_before_start())

    html = client.post("/competitions/new/", fields).content.decode()

    assert "Kept: <strong>labels.csv</strong>" in html
    assert "<strong>solution.csv</strong>" not in html
    assert "Kept: <strong>train.csv</strong>" in html
    assert len(staged_keys()) == 2  # the replaced file is gone


def test_the_kept_data_files_can_be_left_out(client, host):
    token = kept_token(refused_with_files(client, host))
    fields = create_fields(staged=token, leave_out_data_files="on")
    del fields["solution"]

    client.post("/competitions/new/", fields)

    files = Competition.objects.get().data_version.files.all()
    assert [f.name for f in files] == ["sample_submission.csv"]


def test_another_host_cannot_use_a_kept_token(client, host):
    token = kept_token(refused_with_files(client, host))
    client.force_login(UserFactory(username="mallory"))
    fields = create_fields(staged=token)
    del fields["solution"]

    html = client.post("/competitions/new/", fields).content.decode()

    assert not Competition.objects.exists()
    assert '<a href="#id_solution">Solution CSV (hidden)</a>: This field is required.' in html
    assert "solution.csv" not in html


def test_kept_files_removed_meanwhile_are_asked_for_again(client, host):
    token = kept_token(refused_with_files(client, host))
    for key in staged_keys():
        private_storage().delete(key)
    fields = create_fields(staged=token)
    del fields["solution"]

    html = client.post("/competitions/new/", fields).content.decode()

    assert not Competition.objects.exists()
    assert "The files kept from your last try were removed after a day: choose them again." in html


def test_the_step_list_marks_the_steps_holding_an_error(client, host):
    client.force_login(host)
    fields = create_fields(slug="bad slug!", daily_submission_limit=0)

    html = client.post("/competitions/new/", fields).content.decode()

    indicator = html.split("data-step-indicator>")[1].split("</nav>")[0]
    marked = re.findall(
        r'<li class="[^"]*has-error">.*?<span class="step-name">([^<]+)</span>', indicator, re.S
    )
    assert marked == ["Basics", "Rules, dates and limits"]
    assert indicator.count("(has an error)") == 2


def test_the_date_rules_reach_the_browser_in_the_servers_words(client, host):
    client.force_login(host)

    html = client.get("/competitions/new/").content.decode()

    end = re.search(r'<input [^>]*name="end_at"[^>]*>', html).group(0)
    entry = re.search(r'<input [^>]*name="entry_deadline_at"[^>]*>', html).group(0)
    assert 'data-after="start_at" data-after-message="The end must come after the start."' in end
    assert 'data-between-message="The entry deadline must fall between the start and the end."' in entry
    refused = client.post("/competitions/new/", create_fields(**end_before_start())).content.decode()
    assert "End (UTC)</a>: The end must come after the start." in refused


def test_kept_files_older_than_a_day_are_removed_by_the_storage_cleanup(client, host):
    refused_with_files(client, host)
    old, fresh = staged_keys()
    then = time.time() - staging.LIFETIME.total_seconds() - 60
    os.utime(private_storage().path(old), (then, then))

    assert clean_storage(dry_run=True).staged_files == [old]
    done = clean_storage()

    assert done.staged_files == [old]
    assert staged_keys() == [fresh]


def test_kept_files_work_on_s3(client, host, on_s3):
    token = kept_token(refused_with_files(client, host))
    assert len(staged_keys()) == 2
    fields = create_fields(staged=token)
    del fields["solution"]

    response = client.post("/competitions/new/", fields)

    assert response.status_code == 302
    assert staged_keys() == []
