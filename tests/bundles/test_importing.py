"""A bundle import is a job: the request keeps the upload and queues it, a worker takes it with a lease and
imports it, a second delivery does nothing, and the sweeper resumes what a lost worker left. The task's
service (bundles.importing.run_import) is called as a plain function, as a worker would;
tests/integration/test_bundle_worker.py proves the wiring with a real worker."""

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from bundles import importing
from bundles.importing import queue_import, run_import, sweep_imports, take
from bundles.models import BundleImport
from bundles.services import ImportTakenOver, make_draft, read_bundle, working_folder
from competitions.models import Competition
from datasets.storage import private_storage
from tests.bundles.builders import bundle, result_only
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db


def queued(host, *, check_only: bool = False) -> BundleImport:
    return queue_import(
        host=host, upload=io.BytesIO(bundle(result_only())), file_name="bundle.zip", check_only=check_only
    )


def expire_lease(imported: BundleImport) -> None:
    BundleImport.objects.filter(pk=imported.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


def sent_imports(callbacks) -> list[int]:
    """The import ids whose task the committed transaction would send."""
    return [callback.args[0] for callback in callbacks if getattr(callback, "func", None) is importing.send]


def test_the_api_answers_at_once_with_the_queued_import_and_where_to_poll(
    host, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer = api_client_for(host).post(
            reverse("api-bundles"), {"bundle": io.BytesIO(bundle(result_only()))}, format="multipart"
        )

    assert answer.status_code == 202, answer.json()
    body = answer.json()
    assert (body["status"], body["competition"], body["report"], body["error"]) == ("queued", None, [], None)
    assert answer["Location"] == body["url"] == reverse("api-bundle", args=[body["id"]])
    assert sent_imports(callbacks) == [body["id"]]
    imported = BundleImport.objects.get(pk=body["id"])
    with private_storage().open(imported.upload_key, "rb") as kept:
        assert kept.read() == bundle(result_only())
    assert not Competition.objects.exists()


def test_the_page_shows_importing_until_the_worker_is_done(client, host):
    imported = queued(host)
    client.force_login(host)

    waiting = client.get(reverse("bundles:report", args=[imported.pk])).content.decode()
    run_import(imported.pk)
    done = client.get(reverse("bundles:report", args=[imported.pk])).content.decode()

    assert "Importing bundle.zip…" in waiting
    assert 'data-pending="1"' in waiting
    assert "Imported bundle.zip" in done
    assert 'data-pending="1"' not in done


def test_a_bundle_over_the_size_limit_is_refused_before_it_is_stored(client, host, small_limits, settings):
    big = io.BytesIO(os.urandom(1024**2 + 1))
    big.name = "big.zip"

    answer = api_client_for(host).post(reverse("api-bundles"), {"bundle": big}, format="multipart")

    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_bundle_archive"
    assert answer.json()["message"] == (
        f"The bundle cannot be imported: the bundle: it is larger than the limit of {1024**2} bytes."
    )
    big.seek(0)
    client.force_login(host)
    page = client.post(reverse("bundles:import"), {"bundle": big})
    assert page.status_code == 400
    assert f"it is larger than the limit of {1024**2} bytes." in page.content.decode()
    assert not BundleImport.objects.exists()
    root = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    assert not [path for path in root.rglob("*") if path.is_file()]


def test_an_import_is_done_once_and_its_upload_removed(host):
    imported = queued(host)

    assert run_import(imported.pk) == "imported"
    assert run_import(imported.pk) == "not_taken"  # a second delivery of the task

    imported.refresh_from_db()
    assert (imported.status, imported.attempts, imported.upload_key) == ("imported", 1, "")
    assert Competition.objects.count() == 1
    assert imported.finished_at is not None


def test_a_delivery_while_another_worker_holds_the_import_does_nothing(host):
    imported = queued(host)
    assert take(imported.pk, "the-other-worker")

    assert run_import(imported.pk) == "not_taken"

    imported.refresh_from_db()
    assert (imported.status, imported.lease_holder) == ("importing", "the-other-worker")
    assert not Competition.objects.exists()


def test_a_check_reports_and_makes_nothing(host):
    imported = queued(host, check_only=True)

    assert run_import(imported.pk) == "checked"

    imported.refresh_from_db()
    assert imported.summary == {
        "title": "Toy accuracy",
        "version": "2",
        "phases": ["Development"],
        "tracks": ["labels"],
        "columns": ["accuracy", "duration"],
    }
    assert (imported.competition, imported.stored_files, imported.upload_key) == (None, {}, "")
    assert not Competition.objects.exists()


def test_the_sweeper_queues_again_an_import_whose_worker_was_lost(host, django_capture_on_commit_callbacks):
    imported = queued(host)
    assert take(imported.pk, "a-worker-that-died")
    expire_lease(imported)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert sweep_imports() == {"requeued": 1, "failed": 0}

    assert sent_imports(callbacks) == [imported.pk]
    assert run_import(imported.pk) == "imported"
    imported.refresh_from_db()
    assert (imported.status, imported.attempts) == ("imported", 2)


def test_the_sweeper_sends_again_an_import_that_waited_too_long(
    host, settings, django_capture_on_commit_callbacks
):
    imported = queued(host)
    fresh = queued(host)
    BundleImport.objects.filter(pk=imported.pk).update(
        enqueued_at=timezone.now() - timedelta(seconds=settings.PODIUM_REQUEUE_AFTER + 1)
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert sweep_imports() == {"requeued": 1, "failed": 0}

    assert sent_imports(callbacks) == [imported.pk]
    assert fresh.pk not in sent_imports(callbacks)


def test_an_import_lost_too_many_times_fails_and_says_so(host):
    imported = queued(host)
    upload_key = imported.upload_key
    for attempt in range(importing.MAX_ATTEMPTS):
        assert take(imported.pk, f"worker-{attempt}")
        expire_lease(imported)

    assert sweep_imports() == {"requeued": 0, "failed": 1}

    imported.refresh_from_db()
    assert (imported.status, imported.error_code, imported.upload_key) == ("failed", "import_lost", "")
    assert imported.error_message.startswith(
        f"The import stopped {importing.MAX_ATTEMPTS} times before it finished"
    )
    assert not private_storage().exists(upload_key)
    body = api_client_for(host).get(reverse("api-bundle", args=[imported.pk])).json()
    assert body["error"]["code"] == "import_lost"


def test_a_worker_lost_after_making_the_draft_is_resumed_by_attaching_only(host):
    """A worker made the draft (one transaction with the import's row) and died before attaching the
    programs: the next take attaches them to that draft, making no second one."""
    imported = queued(host)
    assert take(imported.pk, "a-worker-that-died")
    with working_folder() as folder, private_storage().open(imported.upload_key, "rb") as upload:
        plan, unpacked = read_bundle(upload, Path(folder) / "bundle")
        make_draft(
            imported=imported, plan=plan, bundle=unpacked, scratch=Path(folder), holder="a-worker-that-died"
        )
    expire_lease(imported)
    sweep_imports()

    assert run_import(imported.pk) == "imported"

    imported.refresh_from_db()
    assert Competition.objects.get() == imported.competition
    assert any(line["status"] == "attached" for line in imported.report)
    assert imported.competition.phase_tracks.get().program_fingerprint


def test_an_unexpected_error_gives_the_lease_up_for_the_sweeper(host):
    imported = queued(host)
    private_storage().delete(imported.upload_key)  # the storage lost it (an outage, an operator's mistake)

    with pytest.raises(FileNotFoundError):
        run_import(imported.pk)

    imported.refresh_from_db()
    assert imported.status == "importing"
    assert imported.lease_expires_at <= timezone.now()
    assert sweep_imports() == {"requeued": 1, "failed": 0}


def test_a_worker_that_lost_its_lease_writes_nothing(host):
    imported = queued(host)
    assert take(imported.pk, "slow-worker")
    expire_lease(imported)
    assert take(imported.pk, "new-worker")

    assert importing.finish(imported, "slow-worker", status="checked") == "not_taken"

    imported.refresh_from_db()
    assert (imported.status, imported.lease_holder) == ("importing", "new-worker")


def test_a_draft_made_after_the_lease_was_taken_over_is_rolled_back_and_its_files_removed(host, settings):
    imported = queued(host)
    upload_key = imported.upload_key
    assert take(imported.pk, "slow-worker")
    expire_lease(imported)
    assert take(imported.pk, "new-worker")

    with working_folder() as folder, private_storage().open(upload_key, "rb") as upload:
        plan, unpacked = read_bundle(upload, Path(folder) / "bundle")
        with pytest.raises(ImportTakenOver):
            make_draft(
                imported=imported, plan=plan, bundle=unpacked, scratch=Path(folder), holder="slow-worker"
            )

    assert not Competition.objects.exists()
    root = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    assert [str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()] == [upload_key]
    public = Path(settings.STORAGES["public_data"]["OPTIONS"]["location"])
    assert not [path for path in public.rglob("*") if path.is_file()]


def test_the_sweeper_runs_on_the_beat_and_the_import_on_the_default_queue(settings):
    from bundles import tasks
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["sweep-bundle-imports"]

    assert entry == {"task": tasks.sweep_bundle_imports.name, "schedule": settings.PODIUM_SWEEP_EVERY}
    assert app.amqp.router.route({}, tasks.import_bundle.name)["queue"].name == "celery"
