"""Faults injected into a running Podium: a killed worker or pool process, a broker wiped, the database
stopped, the cache gone, the web server killed mid-upload. After each, every accepted submission is scored
once with the score a clean run gives, the boards and quotas are exact, and nothing is left behind."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.chaos.harness import PARTICIPANTS, SLUG
from tests.stack import wait_for

pytestmark = pytest.mark.chaos


def test_a_worker_killed_with_its_pool_mid_scoring_loses_nothing(chaos):
    chaos.set_slow_seconds(0.75)
    chaos.upload_several(4)
    interrupted, _ = chaos.wait_until_scoring()

    chaos.stack.stop("worker")  # SIGKILL to the main process and every pool process
    chaos.stack.start_worker()

    chaos.assert_nothing_lost_or_doubled()
    assert chaos.scoring_attempts(interrupted) >= 2  # killed, then taken over


def test_a_pool_process_killed_mid_scoring_loses_nothing(chaos):
    chaos.set_slow_seconds(0.75)
    chaos.upload_several(4)
    interrupted, holder = chaos.wait_until_scoring()

    chaos.kill_process(chaos.pool_process_of(holder))

    chaos.assert_nothing_lost_or_doubled()
    assert chaos.scoring_attempts(interrupted) >= 2
    assert "WorkerLostError" in chaos.stack.log("worker")


def test_the_broker_killed_and_wiped_mid_scoring_loses_nothing(chaos):
    """Every message in the broker is gone, and uploads arrive while it is down: the sweeper sends what
    waits again once a broker answers."""
    chaos.set_slow_seconds(0.75)
    chaos.upload_several(4)
    chaos.wait_until_scoring()

    chaos.broker.kill()
    chaos.broker.wipe()
    chaos.upload_several(2, first_seed=4)
    chaos.broker.start()

    chaos.assert_nothing_lost_or_doubled()
    assert "Could not enqueue submission" in chaos.stack.log("web")


def test_the_database_stopped_during_uploads_and_scoring_loses_nothing(chaos):
    """PostgreSQL goes down (an immediate stop: a crash) for ten seconds while files are scored and
    uploaded: uploads are answered 503 and tried again by the client, never 500; scoring waits and retries."""
    chaos.set_slow_seconds(0.5)
    chaos.upload_several(4)
    chaos.wait_until_scoring()

    chaos.postgres.stop("immediate")
    outage_ends = time.monotonic() + 10
    with ThreadPoolExecutor(max_workers=1) as client:
        during = client.submit(chaos.upload_several, 2, first_seed=4)
        wait_for(lambda: 503 in chaos.upload_answers or during.done(), 30, "an upload to be answered 503")
        assert not during.done(), during.result()  # an answer other than 503 or 202 fails here
        time.sleep(max(outage_ends - time.monotonic(), 0))  # the outage lasts ten seconds
        chaos.postgres.start()
        during.result(timeout=120)

    chaos.assert_nothing_lost_or_doubled()


def test_with_the_cache_gone_the_api_answers_and_uploads_are_accepted(chaos):
    """The cache's Redis dies: burst limits fail open (answers carry no X-RateLimit headers), every read and
    upload is answered; with the cache back, limits apply again."""
    chaos.set_slow_seconds(0.25)
    chaos.upload_several(2)

    chaos.cache.kill()
    client = chaos.stack.client(PARTICIPANTS[0])
    reads = [
        client.get(path)
        for path in (
            "/api/v1/competitions/",
            f"/api/v1/competitions/{SLUG}/",
            f"/api/v1/competitions/{SLUG}/leaderboard/",
            f"/api/v1/competitions/{SLUG}/quota/",
            f"/api/v1/competitions/{SLUG}/submissions/",
        )
    ]
    anonymous = requests.get(chaos.stack.url + f"/api/v1/competitions/{SLUG}/leaderboard/", timeout=30)
    chaos.upload_several(2, first_seed=2)

    assert [read.status_code for read in [*reads, anonymous]] == [200] * 6
    assert not any("X-RateLimit-Limit" in read.headers for read in reads)
    assert "Rate limits are off: the cache cannot be reached" in chaos.stack.log("web")
    chaos.assert_nothing_lost_or_doubled()
    chaos.cache.start()
    wait_for(
        lambda: "X-RateLimit-Limit" in client.get("/api/v1/competitions/").headers,
        30,
        "the limits to apply again",
    )


def test_the_web_server_killed_mid_upload_leaves_nothing_behind(chaos):
    """gunicorn is killed while a large upload streams in: the client's connection drops, the upload's
    temporary file is left behind until the cleanup removes it, nothing is charged, and the client's retry
    after the restart is scored."""
    chaos.set_slow_seconds(0.25)
    large = chaos.add_competition("Chaos large", 350_000)  # a file over 5 MB is spooled to disk
    chaos.upload_several(2)
    big_file = chaos.predictions(7, large)
    temporary = chaos.stack.var_dir / "tmp"

    in_flight = chaos.start_partial_upload(PARTICIPANTS[0], big_file, slug=large, share=0.6)
    wait_for(
        lambda: any(path.stat().st_size for path in temporary.iterdir()),
        30,
        "the upload to be spooled to disk",
    )
    chaos.stack.stop("web")  # SIGKILL to gunicorn's master and workers
    left_behind = list(temporary.iterdir())
    try:
        answer = in_flight.recv(1024)
    except ConnectionResetError:
        answer = b""
    in_flight.close()
    chaos.start_web()
    chaos.upload(PARTICIPANTS[0], big_file, slug=large)

    assert answer == b""
    assert left_behind
    chaos.assert_nothing_lost_or_doubled()


def test_a_worker_killed_mid_rescore_loses_nothing(chaos):
    """The host replaces the solution and the worker is killed while it scores the files again: the
    sweeper resumes the rescore, which ends with every file's score against the new solution."""
    chaos.set_slow_seconds(0)
    chaos.upload_several(6)
    chaos.wait_until_settled()
    corrected = chaos.solutions[SLUG].assign(y=lambda solution: solution["y"] * 1.1)
    chaos.set_slow_seconds(0.5)

    chaos.start_rescore(corrected)
    wait_for(
        lambda: chaos.query("SELECT count(*) FROM scoring_rescoredsubmission")[0][0] > 0,
        60,
        "the rescore to score a first file again",
        interval=0.05,
    )
    chaos.stack.stop("worker")
    chaos.stack.start_worker()
    rescore = chaos.wait_until_rescored()

    assert (rescore["status"], rescore["done"], rescore["error"]) == ("done", 6, "")
    assert "'rescores_resumed': 1" in chaos.stack.log_since_start("worker")  # its lost batch, sent again
    chaos.assert_nothing_lost_or_doubled()
