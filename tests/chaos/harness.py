"""A Podium that a chaos test may break: its own PostgreSQL, broker Redis and cache Redis, web, worker and
beat on short timings, a competition whose scoring takes long enough to be interrupted, uploads made the
way a client makes them, and the checks every scenario ends with.

Scoring is slowed by a real metric plug-in (a `podium.metrics` entry point in a dist-info folder on the
processes' PYTHONPATH, as pip would install it): `slow_mae` waits as many seconds as a file the test writes
says, then scores scikit-learn's MAE. Nothing in Podium's code knows about it.
"""

import io
import os
import signal
import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
import pytest
from sklearn.metrics import mean_absolute_error
from urllib3 import encode_multipart_formdata

from tests.chaos.servers import PostgresCluster, RedisServer
from tests.stack import Stack, StackTemplate, wait_for

HOST = "hal"
PARTICIPANTS = ("ann", "ben")
SLUG = "chaos"
ROWS = 300
SETTLE_TIMEOUT = 120  # seconds for every accepted submission to be scored after the fault is repaired

# Short timings so a lost worker is taken over in seconds, not minutes. The lease is renewed every third of
# it; the sweeper runs every second and re-sends what waited a second (backing off from there). The limit on
# crashes stays the default: a file taken over after a kill must still be scored, not given up on.
TIMINGS = {
    "PODIUM_SCORING_LEASE": "4",
    "PODIUM_SCORING_MAX_CRASHES": "3",
    "PODIUM_SWEEP_EVERY": "1",
    "PODIUM_REQUEUE_AFTER": "1",
    "PODIUM_RESCORE_MAX_RESUMES": "2",
    "PODIUM_SCORING_SOFT_LIMIT": "60",
    "PODIUM_SCORING_HARD_LIMIT": "90",
    "CELERY_VISIBILITY_TIMEOUT": "120",
    "PODIUM_SANDBOX_WALL_SECONDS": "30",  # a sandbox task must end before the broker redelivers it
    "DATABASE_CONN_MAX_AGE": "60",
}

SLOW_METRIC_MODULE = """
import os
import time
from pathlib import Path

from sklearn.metrics import mean_absolute_error

from scoring.engine import NUMBER, Metric


def slow_mae(y_true, y_pred):
    time.sleep(float(Path(os.environ["PODIUM_CHAOS_SLOW_FILE"]).read_text()))
    return float(mean_absolute_error(y_true, y_pred))


def metric():
    description = "The mean absolute error, after a pause the chaos tests choose; lower is better."
    return Metric("slow_mae", "Slow MAE", False, NUMBER, description), slow_mae
"""

# Counts every write of a result: an update that makes a submission scored, or scores it again.
COUNT_SCORE_WRITES = """
CREATE TABLE chaos_score_writes (submission_id bigint NOT NULL, written_at timestamptz DEFAULT now());
CREATE FUNCTION chaos_count_score_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO chaos_score_writes (submission_id) VALUES (NEW.id);
    RETURN NEW;
END $$;
CREATE TRIGGER chaos_count_score_writes AFTER UPDATE ON submissions_submission FOR EACH ROW
WHEN (NEW.status = 'scored' AND (OLD.status <> 'scored' OR NEW.scored_at IS DISTINCT FROM OLD.scored_at))
EXECUTE FUNCTION chaos_count_score_write();
"""

# clean_storage waits an hour before it removes anything (an upload may still be in progress); the scenarios
# end with nothing in progress, so they run it with no grace at all.
CLEAN_WITHOUT_GRACE = (
    "from datetime import timedelta; import submissions.cleanup as cleanup; "
    "cleanup.GRACE = timedelta(0); print(cleanup.clean_storage().summary())"
)


def install_slow_metric(folder: Path) -> Path:
    """The plug-in as pip leaves a package: its module and a dist-info folder naming the entry point."""
    module = "podium_chaos_metric"
    folder.mkdir(parents=True)
    (folder / f"{module}.py").write_text(SLOW_METRIC_MODULE)
    dist_info = folder / f"{module}-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text(f"[podium.metrics]\nslow_mae = {module}:metric\n")
    return folder


def make_solution(rows: int) -> pd.DataFrame:
    ids = np.arange(1, rows + 1)
    return pd.DataFrame(
        {"id": ids, "y": (ids * 37 % 101) / 10, "Usage": np.where(ids % 3 == 0, "Public", "Private")}
    )


def predictions_csv(solution: pd.DataFrame, seed: int) -> str:
    """A participant's file: the truth plus noise of its own size, so every file scores differently."""
    noise = np.random.default_rng(seed).normal(0, 0.5 + seed / 10, len(solution))
    frame = pd.DataFrame({"id": solution["id"], "y": np.round(solution["y"] + noise, 6)})
    return frame.to_csv(index=False)


def expected_scores(solution: pd.DataFrame, csv_text: str) -> tuple[float, float]:
    """Public and private MAE computed here with scikit-learn, as a clean run scores them."""
    predicted = pd.read_csv(io.StringIO(csv_text)).set_index("id")["y"]
    scores = []
    for usage in ("Public", "Private"):
        rows = solution[solution["Usage"] == usage]
        scores.append(mean_absolute_error(rows["y"], predicted.loc[rows["id"]].to_numpy()))
    return scores[0], scores[1]


@dataclass
class Accepted:
    slug: str
    participant: str
    id: int
    file: str
    public: float
    private: float


class ChaosTemplate:
    """A cluster holding a migrated Podium with the host's and participants' accounts, stopped once built."""

    def __init__(self, folder: Path):
        self.cluster = PostgresCluster.create()
        try:
            self.cluster.start()
            self.stack_template = StackTemplate(
                folder, postgres_admin_url=self.cluster.admin_url, seed=False, users=(HOST, *PARTICIPANTS)
            )
            self.cluster.stop()
        except BaseException:
            self.cluster.remove()
            raise

    def remove(self) -> None:
        self.cluster.remove()


class Chaos:
    def __init__(self, template: ChaosTemplate, folder: Path):
        self.template = template
        self.folder = folder
        self.postgres = template.cluster.copy()
        self.broker = RedisServer(folder / "broker-redis")
        self.cache = RedisServer(folder / "cache-redis")
        self.slow_file = folder / "slow-seconds"
        self.stack: Stack | None = None
        self.solutions: dict[str, pd.DataFrame] = {}
        self.accepted: list[Accepted] = []
        self.upload_answers: list[int] = []

    # --- the site ----------------------------------------------------------------------------------
    def start(self) -> None:
        self.postgres.start()
        self.broker.start()
        self.cache.start()
        self.set_slow_seconds(0)
        self.stack = Stack(
            self.folder / "var",
            template=self.template.stack_template,
            postgres_admin_url=self.postgres.admin_url,
            redis_url=self.broker.url,
        )
        plugins = install_slow_metric(self.folder / "plugins")
        self.stack.env.update(
            TIMINGS,
            PODIUM_CACHE_URL=self.cache.url,
            PODIUM_CHAOS_SLOW_FILE=str(self.slow_file),
            PYTHONPATH=os.pathsep.join(filter(None, [str(plugins), os.environ.get("PYTHONPATH")])),
        )
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            connection.execute(COUNT_SCORE_WRITES)
        # Started side by side, each waiting for its own process to be ready; one gunicorn worker (with its
        # threads) is enough for these few clients and one less interpreter to start on two cores.
        with ThreadPoolExecutor(max_workers=3) as starting:
            for started in [
                starting.submit(self.start_web),
                starting.submit(self.stack.start_worker),
                starting.submit(self.stack.start_beat),
            ]:
                started.result()
        self.add_competition("Chaos", ROWS)

    def start_web(self) -> None:
        self.stack.start_web(workers=1)

    def close(self) -> None:
        if self.stack is not None:
            for name in list(self.stack.processes):
                self.stack.stop(name)
        self.broker.kill()
        self.cache.kill()
        self.postgres.remove()

    @property
    def database_url(self) -> str:
        return self.stack.env["DATABASE_URL"]

    def set_slow_seconds(self, seconds: float) -> None:
        """How long the slow metric waits on each split (read at every call, by every worker)."""
        self.slow_file.write_text(str(seconds))

    def add_competition(self, title: str, rows: int) -> str:
        solution = make_solution(rows)
        slug = self.stack.client(HOST).create_competition(
            title,
            solution.to_csv(index=False),
            metric="slow_mae",
            data_files={"test.csv": solution[["id"]].to_csv(index=False).encode()},
            daily_submission_limit="100",
        )
        for name in PARTICIPANTS:
            assert self.stack.client(name).post(f"/api/v1/competitions/{slug}/join/").status_code == 200
        self.solutions[slug] = solution
        return slug

    # --- uploads, as a client makes them -----------------------------------------------------------
    def predictions(self, seed: int, slug: str = SLUG) -> str:
        return predictions_csv(self.solutions[slug], seed)

    def upload(self, participant: str, csv_text: str, *, slug: str = SLUG, timeout: float = 90) -> int:
        """Upload until accepted, as a client would: a 503 (the database is down) is tried again after a
        pause. Any other answer than 202 fails the test, and so does a dropped connection (only a client
        whose upload was cut off may try again, not knowing whether it counted; no scenario cuts one off)."""
        client = self.stack.client(participant)

        def attempt():
            response = client.submit(slug, csv_text)
            self.upload_answers.append(response.status_code)
            if response.status_code == 503:
                return None
            assert response.status_code == 202, (response.status_code, response.text)
            return response.json()["id"]

        submission_id = wait_for(attempt, timeout, f"an upload by {participant} to be accepted", interval=0.5)
        public, private = expected_scores(self.solutions[slug], csv_text)
        self.accepted.append(Accepted(slug, participant, submission_id, csv_text, public, private))
        return submission_id

    def upload_several(self, count: int, *, first_seed: int = 0, slug: str = SLUG) -> list[int]:
        """`count` uploads, taking turns between the participants."""
        return [
            self.upload(
                PARTICIPANTS[n % len(PARTICIPANTS)], self.predictions(first_seed + n, slug), slug=slug
            )
            for n in range(count)
        ]

    def start_partial_upload(
        self, participant: str, csv_text: str, *, slug: str, share: float
    ) -> socket.socket:
        """Send the headers and the first `share` of a multipart upload, and leave it in flight."""
        body, content_type = encode_multipart_formdata(
            {"file": ("predictions.csv", csv_text.encode(), "text/csv"), "description": ""}
        )
        head = (
            f"POST /api/v1/competitions/{slug}/submissions/ HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{self.stack.port}\r\n"
            f"Authorization: Bearer {self.stack.token(participant)}\r\n"
            f"Content-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        connection = socket.create_connection(("127.0.0.1", self.stack.port), timeout=30)
        connection.sendall(head.encode() + body[: int(len(body) * share)])
        return connection

    def start_rescore(self, solution: pd.DataFrame, slug: str = SLUG) -> None:
        """The host replaces the solution; from then on a clean run gives the scores against the new one."""
        response = self.stack.client(HOST).post(
            f"/api/v1/competitions/{slug}/rescore/",
            files={"solution": ("solution.csv", solution.to_csv(index=False).encode())},
            data={"reason": "Corrected labels"},
        )
        assert response.status_code == 202, response.text
        self.solutions[slug] = solution
        for accepted in self.accepted:
            if accepted.slug == slug:
                accepted.public, accepted.private = expected_scores(solution, accepted.file)

    def wait_until_rescored(self, slug: str = SLUG, timeout: float = SETTLE_TIMEOUT) -> dict:
        host = self.stack.client(HOST)

        def finished():
            rescore = host.get(f"/api/v1/competitions/{slug}/rescore/").json()
            return rescore if rescore["status"] != "running" else None

        return wait_for(finished, timeout, f"the rescore of {slug} to finish\n{self.logs()}", interval=0.25)

    # --- what the database says ---------------------------------------------------------------------
    def query(self, sql: str, *params) -> list[tuple]:
        with psycopg.connect(self.database_url, connect_timeout=5) as connection:
            return connection.execute(sql, params).fetchall()

    def wait_until_scoring(self, timeout: float = 60) -> tuple[int, str]:
        """A submission a worker holds right now: its id and its lease holder ('host:pid:attempt')."""

        def scoring():
            rows = self.query(
                "SELECT id, lease_holder FROM submissions_submission WHERE status = 'scoring' ORDER BY id LIMIT 1"
            )
            return rows[0] if rows else None

        return wait_for(scoring, timeout, "a submission to be scoring", interval=0.05)

    def scoring_attempts(self, submission_id: int) -> int:
        return self.query("SELECT scoring_attempts FROM submissions_submission WHERE id = %s", submission_id)[
            0
        ][0]

    def pool_process_of(self, holder: str) -> int:
        """The worker's pool process that holds a lease (its pid is in the holder's name)."""
        pid = int(holder.split(":")[1])
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        assert parent == self.stack.processes["worker"].pid, (pid, parent)
        return pid

    def kill_process(self, pid: int) -> None:
        os.kill(pid, signal.SIGKILL)

    # --- the checks every scenario ends with --------------------------------------------------------
    def wait_until_settled(self, timeout: float = SETTLE_TIMEOUT) -> dict[int, tuple]:
        ids = [accepted.id for accepted in self.accepted]

        def settled():
            rows = {
                row[0]: row[1:]
                for row in self.query(
                    "SELECT id, status, public_score, private_score, error_code, host_error_detail "
                    "FROM submissions_submission WHERE id = ANY(%s)",
                    ids,
                )
            }
            failed = {pk: row for pk, row in rows.items() if row[0] == "failed"}
            assert not failed, f"submissions failed: {failed}\n{self.logs()}"
            return rows if all(row[0] == "scored" for row in rows.values()) else None

        return wait_for(settled, timeout, f"submissions {ids} to be scored\n{self.logs()}", interval=0.25)

    def logs(self) -> str:
        return "\n".join(
            f"--- {name}.log\n{self.stack.log(name)[-4000:]}" for name in ("web", "worker", "beat")
        )

    def assert_nothing_lost_or_doubled(self) -> None:
        """Every accepted submission is scored once with the score a clean run gives; the boards hold each
        team's best; quotas charged exactly the accepted uploads; no file is left behind; no answer was 500."""
        assert self.accepted, "the scenario accepted no upload"
        rows = self.wait_until_settled()
        for accepted in self.accepted:
            status, public, private = rows[accepted.id][:3]
            assert (status, public, private) == ("scored", approx(accepted.public), approx(accepted.private))

        writes = dict(
            self.query("SELECT submission_id, count(*) FROM chaos_score_writes GROUP BY submission_id")
        )
        assert writes == {accepted.id: 1 for accepted in self.accepted}

        for slug in self.solutions:
            self.assert_board_holds_the_best_scores(slug)
            self.assert_quotas_charge_the_accepted_uploads(slug)
        self.assert_no_file_is_left_behind()
        assert 500 not in self.upload_answers
        assert "Internal Server Error" not in self.stack.log("web"), self.stack.log("web")

    def assert_board_holds_the_best_scores(self, slug: str) -> None:
        board = self.stack.client(PARTICIPANTS[0]).get(f"/api/v1/competitions/{slug}/leaderboard/").json()
        shown = {row["team"]: (row["score"], row["entries"]) for row in board["results"]}
        expected = {}
        for name in PARTICIPANTS:
            theirs = [a.public for a in self.accepted if a.slug == slug and a.participant == name]
            if theirs:
                expected[name] = (approx(min(theirs)), len(theirs))
        assert shown == expected

    def assert_quotas_charge_the_accepted_uploads(self, slug: str) -> None:
        for name in PARTICIPANTS:
            accepted = sorted(a.id for a in self.accepted if a.slug == slug and a.participant == name)
            quota = self.stack.client(name).get(f"/api/v1/competitions/{slug}/quota/").json()
            stored = self.query(
                "SELECT s.id FROM submissions_submission s JOIN competitions_competition c "
                "ON c.id = s.competition_id JOIN accounts_user u ON u.id = s.submitted_by_id "
                "WHERE c.slug = %s AND u.username = %s AND s.counts_against_quota ORDER BY s.id",
                slug,
                name,
            )
            assert (quota["used"], [row[0] for row in stored]) == (len(accepted), accepted)

    def assert_no_file_is_left_behind(self) -> None:
        self.stack.manage("shell", "-c", CLEAN_WITHOUT_GRACE)
        private = self.stack.var_dir / "files" / "private"
        stored = {
            str(path.relative_to(private)) for path in (private / "submissions").rglob("*") if path.is_file()
        }
        referenced = {row[0] for row in self.query("SELECT file_key FROM submissions_submission")}
        assert stored == referenced
        assert list((self.stack.var_dir / "tmp").iterdir()) == []


def approx(value: float):
    return pytest.approx(value, rel=1e-9, abs=1e-12)
