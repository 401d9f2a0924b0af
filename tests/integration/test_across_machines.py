"""Nothing depends on one machine: web, two workers and beat, each with a var/ folder of its own (no disk
shared between them, as on separate hosts), meet only through PostgreSQL, the broker, the Redis cache and
an S3 API (moto's server), and run a competition from its creation to its private board. Then again with
RabbitMQ as the broker: the broker is a setting.

What platform/ deploys is this: the same processes, on as many machines."""

import re
import secrets
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.s3 import s3_server
from tests.services import in_ci, missing, require_postgres, require_rabbitmq, require_redis
from tests.stack import Stack, serving, wait_for

pytestmark = pytest.mark.integration

IDS = range(1, 41)
TRUTH = {i: i * 1.5 for i in IDS}
SOLUTION = "id,y,Usage\n" + "".join(f"{i},{TRUTH[i]},{'Public' if i % 2 else 'Private'}\n" for i in IDS)
TRAIN = b"id,x,y\n" + b"".join(f"{i},{i},{i * 1.5}\n".encode() for i in range(100, 140))
TEST = b"id,x\n" + b"".join(f"{i},{i}\n".encode() for i in IDS)
FIRST = 4  # submissions sent in one go; more follow one by one until both workers have scored some
MOST = 40
SCORED = re.compile(r"Task scoring\.tasks\.score_submission\[[^\]]+\] succeeded")


def offset_of(number: int) -> float:
    """Submission number k (from 0) predicts the truth plus (k + 1) / 4: its MAE is that offset."""
    return (number + 1) / 4


def predictions(offset: float) -> str:
    return "id,y\n" + "".join(f"{i},{TRUTH[i] + offset}\n" for i in IDS)


def scored_by(stack: Stack, worker: str) -> int:
    return len(SCORED.findall(stack.log(worker)))


@pytest.fixture
def s3(tmp_path):
    with s3_server(tmp_path) as server:
        yield server


@pytest.fixture
def rabbitmq_vhost():
    """A RabbitMQ virtual host of this test's own (`rabbitmqctl`, as root), removed at the end."""
    url = require_rabbitmq()
    rabbitmqctl = shutil.which("rabbitmqctl")
    if rabbitmqctl is None:
        missing("rabbitmqctl is not installed, so no fresh virtual host can be made")
    vhost = f"podium_it_{secrets.token_hex(4)}"
    for command in (["add_vhost", vhost], ["set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"]):
        done = subprocess.run([rabbitmqctl, *command], capture_output=True, text=True, timeout=60)
        if done.returncode:
            (pytest.fail if in_ci() else pytest.skip)(f"rabbitmqctl {command[0]} failed: {done.stderr}")
    try:
        yield url.rstrip("/") + "/" + vhost
    finally:
        subprocess.run([rabbitmqctl, "delete_vhost", vhost], capture_output=True, timeout=60, check=False)


def separate_hosts(tmp_path, stack_template, s3, *, broker_url: str) -> Stack:
    require_postgres()
    cache = require_redis()
    return Stack(
        tmp_path / "site",
        template=stack_template("postgres"),
        redis_url=cache,  # emptied first; the cache every web process shares
        broker_url=broker_url,
        env={**s3.env(), "PODIUM_CACHE_URL": cache, "PODIUM_SWEEP_EVERY": "1"},
        separate_hosts=True,
    )


def run_a_competition(stack: Stack, s3) -> None:
    stack.start_worker(concurrency=1, name="worker-a", wait=False)
    stack.start_worker(concurrency=1, name="worker-b", wait=False)
    stack.start_beat(wait=False)
    host = stack.client("demo-host")
    clients = [stack.client("demo"), *stack.add_users("zoe").values()]
    for name in ("worker-a", "worker-b", "beat"):
        stack.wait_until_ready(name)

    # A host creates a competition with files: they land in the bucket, the solution in private/ only.
    slug = host.create_competition(
        "Across machines",
        SOLUTION,
        metric="mae",
        data_files={"train.csv": TRAIN, "test.csv": TEST},
        daily_submission_limit=str(MOST),
    )
    assert any(key.endswith("/test.csv") for key in s3.keys("public/")), s3.keys()
    assert any(key.endswith("/solution.csv") for key in s3.keys("private/solutions/")), s3.keys()
    assert not any(key.endswith("/solution.csv") for key in s3.keys("public/"))

    # Participants join; a download is a redirect to a signed URL that answers with the very bytes.
    for client in clients:
        assert client.post(f"/api/v1/competitions/{slug}/join/").status_code == 200
    answer = clients[0].get(f"/api/v1/competitions/{slug}/files/test.csv", allow_redirects=False)
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"].startswith(s3.endpoint_url + "/")
    assert requests.get(answer.headers["Location"], timeout=30).content == TEST

    # Both teams upload (alternately) until both workers have scored at least one submission.
    def submit(number: int) -> int:
        response = clients[number % 2].submit(slug, predictions(offset_of(number)))
        assert response.status_code == 202, response.text
        return response.json()["id"]

    def scored(number: int, submission_id: int) -> bool:
        return clients[number % 2].wait_until_finished(submission_id)["status"] == "scored"

    with ThreadPoolExecutor(max_workers=FIRST) as pool:
        sent = list(pool.map(submit, range(FIRST)))
    assert all(scored(number, submission_id) for number, submission_id in enumerate(sent))
    while not (scored_by(stack, "worker-a") and scored_by(stack, "worker-b")) and len(sent) < MOST:
        sent.append(submit(len(sent)))
        assert scored(len(sent) - 1, sent[-1])
    assert scored_by(stack, "worker-a") >= 1, stack.log("worker-a")
    assert scored_by(stack, "worker-b") >= 1, stack.log("worker-b")
    assert scored_by(stack, "worker-a") + scored_by(stack, "worker-b") >= len(sent)  # + any redelivery

    # The public board: each team's best, demo's first submission (offset 0.25) ahead of zoe's (0.5).
    board = clients[1].get(f"/api/v1/competitions/{slug}/leaderboard/").json()
    assert [(row["rank"], row["team"]) for row in board["results"]] == [(1, "demo"), (2, "zoe")]
    assert [row["score"] for row in board["results"]] == pytest.approx([0.25, 0.5])

    # The host rescores with a corrected solution (every value one higher), read from the bucket by the
    # workers: zoe's second submission (offset 1.0) is now exact and leads.
    corrected = (
        SOLUTION.splitlines()[0]
        + "\n"
        + "".join(f"{i},{TRUTH[i] + 1},{'Public' if i % 2 else 'Private'}\n" for i in IDS)
    )
    started = host.post(
        f"/api/v1/competitions/{slug}/rescore/",
        files={"solution": ("solution.csv", corrected.encode())},
        data={"reason": "The labels were off by one."},
    )
    assert started.status_code == 202, started.text
    wait_for(
        lambda: host.get(f"/api/v1/competitions/{slug}/rescore/").json()["status"] != "running",
        60,
        "the rescore to finish",
        interval=0.2,
    )
    assert host.get(f"/api/v1/competitions/{slug}/rescore/").json()["status"] == "done"
    board = clients[1].get(f"/api/v1/competitions/{slug}/leaderboard/").json()
    assert [(row["rank"], row["team"]) for row in board["results"]] == [(1, "zoe"), (2, "demo")]
    assert [row["score"] for row in board["results"]] == pytest.approx([0.0, 0.25])
    private_before = clients[0].get(f"/api/v1/competitions/{slug}/leaderboard/?split=private")
    assert private_before.status_code == 403

    # The competition ends; beat's periodic task has a worker build the private board.
    stack.manage(
        "shell",
        "-c",
        "from datetime import timedelta; from django.utils import timezone; "
        "from competitions.models import Competition; "
        f"Competition.objects.filter(slug='{slug}').update(end_at=timezone.now() - timedelta(seconds=1))",
    )

    def private_board():
        response = clients[0].get(f"/api/v1/competitions/{slug}/leaderboard/?split=private")
        return response.json() if response.status_code == 200 and response.json()["final"] else None

    private = wait_for(private_board, 60, "the private board to be built", interval=0.5)
    assert [(row["rank"], row["team"]) for row in private["results"]] == [(1, "zoe"), (2, "demo")]
    assert [row["score"] for row in private["results"]] == pytest.approx([0.0, 0.25])

    # No process kept a stored file on its own disk.
    for name in ("web", "worker-a", "worker-b", "beat", "manage"):
        assert not (stack.host_var_dir(name) / "files").exists(), name


def test_web_two_workers_and_beat_on_separate_hosts_run_a_competition_on_s3_postgres_and_redis(
    tmp_path, stack_template, s3
):
    stack = separate_hosts(tmp_path, stack_template, s3, broker_url=require_redis())
    with serving(stack, worker=False):
        run_a_competition(stack, s3)


def test_the_same_competition_runs_with_rabbitmq_as_the_broker(tmp_path, stack_template, s3, rabbitmq_vhost):
    stack = separate_hosts(tmp_path, stack_template, s3, broker_url=rabbitmq_vhost)
    with serving(stack, worker=False):
        run_a_competition(stack, s3)
        assert "amqp://guest:**@127.0.0.1:5672/" in stack.log("worker-a")
