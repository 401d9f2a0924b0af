"""An upload interrupted between storing its file and committing its row leaves a file no row references;
the hourly cleanup removes such files and old temporary uploads, after a grace period that keeps every
upload in progress safe."""

import io
import os
import time

import pytest
from django.core.management import call_command
from django.db import OperationalError

import submissions.services
from datasets.storage import private_storage, store
from submissions.cleanup import clean_storage, stored_keys
from submissions.services import create_submission
from tests.factories import joined, predictions

TWO_HOURS = 2 * 3600


def age(path: str, seconds: int) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


@pytest.fixture
def leftovers(competition, participant, settings, tmp_path):
    joined(competition, participant)
    kept, _ = create_submission(
        competition=competition,
        user=participant,
        file_name="p.csv",
        stream=io.BytesIO(predictions().encode()),
    )
    storage = private_storage()
    orphan = store(storage, f"submissions/{competition.pk}/1", "submission.csv", io.BytesIO(b"id,label\n"))
    fresh = store(
        storage, f"submissions/{competition.pk}/1", "submission.csv", io.BytesIO(b"id,label\n1,a\n")
    )
    age(storage.path(orphan.key), TWO_HOURS)
    age(storage.path(kept.file_key), TWO_HOURS)
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    os.makedirs(settings.FILE_UPLOAD_TEMP_DIR)
    old_temp = tmp_path / "uploads" / "old.upload"
    old_temp.write_bytes(b"x" * 100)
    age(str(old_temp), TWO_HOURS)
    (tmp_path / "uploads" / "new.upload").write_bytes(b"y")
    return {"kept": kept.file_key, "orphan": orphan.key, "fresh": fresh.key, "old_temp": old_temp}


def test_a_dry_run_names_what_would_go_and_removes_nothing(leftovers):
    done = clean_storage(dry_run=True)

    assert done.orphaned_files == [leftovers["orphan"]]
    assert done.temporary_files == ["old.upload"]
    assert private_storage().exists(leftovers["orphan"])
    assert leftovers["old_temp"].exists()


def test_orphans_and_old_temporary_files_go_while_referenced_and_recent_ones_stay(leftovers):
    done = clean_storage()

    storage = private_storage()
    assert (len(done.orphaned_files), done.temporary_bytes) == (1, 100)
    assert not storage.exists(leftovers["orphan"])
    assert not leftovers["old_temp"].exists()
    assert storage.exists(leftovers["kept"])  # a submission's file, however old
    assert storage.exists(leftovers["fresh"])  # maybe an upload still committing its row
    assert (leftovers["old_temp"].parent / "new.upload").exists()


def test_the_command_says_what_it_would_remove(leftovers, capsys):
    call_command("clean_storage", "--dry-run")

    printed = capsys.readouterr().out
    assert printed.startswith("Would remove 1 orphaned submission files (9 bytes), 1 temporary upload files")
    assert leftovers["orphan"] in printed


def test_the_admin_shows_the_dry_run_figures_and_removes_on_request(leftovers, admin_client):
    changelist = admin_client.get("/admin/submissions/submission/")
    assert 'href="/admin/submissions/submission/storage-cleanup/"' in changelist.content.decode()

    page = admin_client.get("/admin/submissions/submission/storage-cleanup/")

    figures = page.content.decode()
    assert '<th scope="row">Orphaned submission files</th><td>1</td><td>9\xa0bytes</td>' in figures
    assert '<th scope="row">Temporary upload files</th><td>1</td><td>100\xa0bytes</td>' in figures
    assert private_storage().exists(leftovers["orphan"])

    removed = admin_client.post("/admin/submissions/submission/storage-cleanup/", follow=True)

    assert "Removed 1 orphaned submission files (9 bytes)" in removed.content.decode()
    assert not private_storage().exists(leftovers["orphan"])
    assert private_storage().exists(leftovers["kept"])
    assert "Nothing to remove." in removed.content.decode()


def test_the_storage_cleanup_page_is_for_staff_who_may_delete_submissions(leftovers, client, participant):
    client.force_login(participant)

    assert client.get("/admin/submissions/submission/storage-cleanup/").status_code == 302  # to the login
    assert private_storage().exists(leftovers["orphan"])


def test_a_database_error_while_saving_keeps_the_file_for_the_row_that_may_have_committed(
    competition, participant, monkeypatch
):
    """The connection can break after the COMMIT reached the database: the row may exist, so its file
    stays; the hourly cleanup removes it later if no row references it."""
    joined(competition, participant)

    def connection_lost(team, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(submissions.services, "team_quota", connection_lost)
    with pytest.raises(OperationalError):
        create_submission(
            competition=competition,
            user=participant,
            file_name="p.csv",
            stream=io.BytesIO(b"id,label\n1,cat\n"),
        )

    storage = private_storage()
    assert list(stored_keys(storage, "submissions")) != []
