"""Uploads, scoring, team changes and final selections of one competition at the same time, on PostgreSQL with
a real worker: no client sees anything but success, and PostgreSQL reports no deadlock (competitions/locks.py's order)."""

from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from tests.stack import wait_for

pytestmark = pytest.mark.integration

UPLOADERS = [f"rush{number}" for number in range(6)]
UPLOADS_EACH = 15
RENAMES_EACH = 4
SELECTIONS_EACH = 5  # select, unselect, ... ending selected
IDS = range(1, 21)
SOLUTION = "id,y\n" + "".join(f"{i},{i % 2}\n" for i in IDS)


def guesses(seed: int) -> str:
    """A file whose public score depends on the seed, so teams' best submissions change as they upload."""
    return "id,y\n" + "".join(f"{i},{(i * seed) % 3 % 2}\n" for i in IDS)


def deadlocks_reported(stack) -> int:
    with psycopg.connect(stack.postgres_admin_url, autocommit=True) as connection:
        row = connection.execute(
            "SELECT deadlocks FROM pg_stat_database WHERE datname = %s", [stack.database_name]
        ).fetchone()
    return row[0] if row else 0


def connections_to(stack) -> int:
    with psycopg.connect(stack.postgres_admin_url, autocommit=True) as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [stack.database_name]
        ).fetchone()[0]


def test_uploads_scoring_team_changes_and_final_selections_at_once_answer_2xx_and_never_deadlock(
    postgres_stack,
):
    stack = postgres_stack
    deadlocks_before = deadlocks_reported(stack)
    stack.client("demo-host").create_competition(
        "Rush", SOLUTION, metric="accuracy", daily_submission_limit="1000", max_team_size="10"
    )
    joiners = [f"joiner{number}" for number in range(len(UPLOADERS))]
    mergers = [f"merger{number}" for number in range(len(UPLOADERS))]
    clients = stack.add_users(*UPLOADERS, *joiners, *mergers)
    for client in clients.values():
        assert client.post("/api/v1/competitions/rush/join/").status_code == 200
    stack.start_worker()
    # Each merging team brings a scored submission, which the merge moves while its new team uploads; each
    # uploading team has a scored one to select as final (and unselect, and select again) during the rush.
    firsts = {}
    for team in (*mergers, *UPLOADERS):
        submitted = clients[team].submit("rush", guesses(7))
        assert submitted.status_code == 202, submitted.text
        firsts[team] = clients[team].wait_until_finished(submitted.json()["id"])["id"]
    invitations, merge_requests = {}, {}
    for joiner, merger, uploader in zip(joiners, mergers, UPLOADERS, strict=True):
        invited = clients[uploader].post(
            "/api/v1/competitions/rush/team/invitations/", data={"username": joiner}
        )
        assert invited.status_code == 201, invited.text
        invitations[joiner] = invited.json()["id"]
        asked = clients[merger].post(
            "/api/v1/competitions/rush/team/merge-requests/", data={"team": uploader}
        )
        assert asked.status_code == 201, asked.text
        merge_requests[uploader] = asked.json()["id"]

    def upload(uploader: str, number: int):
        return ("upload", uploader), clients[uploader].submit("rush", guesses(number))

    def renames(uploader: str):
        """One after another, so the last name is known."""
        for number in range(RENAMES_EACH):
            renamed = clients[uploader].session.patch(
                f"{stack.url}/api/v1/competitions/rush/team/",
                json={"name": f"{uploader} v{number}"},
                timeout=60,
            )
            if renamed.status_code != 200:
                break
        return ("rename", uploader), renamed

    def selections(uploader: str):
        """Final selection takes the team's lock, as uploads and scoring do; one after another, so the last
        choice is known."""
        for number in range(SELECTIONS_EACH):
            chosen = clients[uploader].post(
                f"/api/v1/submissions/{firsts[uploader]}/select/", json={"selected": number % 2 == 0}
            )
            if chosen.status_code != 200:
                break
        return ("selection", uploader), chosen

    def accept_invitation(joiner: str):
        path = f"/api/v1/competitions/rush/invitations/{invitations[joiner]}/accept/"
        return ("invitation", joiner), clients[joiner].post(path)

    def accept_merge(uploader: str):
        path = f"/api/v1/competitions/rush/merge-requests/{merge_requests[uploader]}/accept/"
        return ("merge", uploader), clients[uploader].post(path)

    work = [(upload, (uploader, number)) for number in range(UPLOADS_EACH) for uploader in UPLOADERS]
    for index, (joiner, uploader) in enumerate(zip(joiners, UPLOADERS, strict=True)):
        at = len(work) * (index + 1) // (len(UPLOADERS) + 2)
        work[at:at] = [
            (accept_invitation, (joiner,)),
            (accept_merge, (uploader,)),
            (renames, (uploader,)),
            (selections, (uploader,)),
        ]
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda job: job[0](*job[1]), work))

    refused = [
        (kind, answer.status_code, answer.text[:300]) for kind, answer in answers if answer.status_code >= 300
    ]
    assert refused == []
    uploaded = [(kind[1], answer.json()["id"]) for kind, answer in answers if kind[0] == "upload"]
    assert len(uploaded) == len(UPLOADERS) * UPLOADS_EACH
    finished = [clients[uploader].wait_until_finished(number)["status"] for uploader, number in uploaded]
    assert finished == ["scored"] * len(uploaded)
    board = clients[UPLOADERS[0]].get("/api/v1/competitions/rush/leaderboard/?limit=100").json()["results"]
    # Each team stands once, with its own uploads and the merged team's submission counted.
    assert sorted((row["team"], row["entries"]) for row in board) == sorted(
        (f"{uploader} v{RENAMES_EACH - 1}", UPLOADS_EACH + 2) for uploader in UPLOADERS
    )
    for uploader in UPLOADERS:
        mine = clients[uploader].get(f"/api/v1/submissions/{firsts[uploader]}/").json()
        assert mine["is_final"] is True, mine

    # A backend counts its deadlocks in PostgreSQL's statistics when it ends: stop every process first.
    stack.stop("web")
    stack.stop("worker")
    wait_for(lambda: connections_to(stack) == 0, 30, "the stack's database connections to close")
    assert deadlocks_reported(stack) - deadlocks_before == 0


PROVOKE_A_DEADLOCK = """
import json, threading
from django.db import connection, transaction
from competitions import locks
from competitions.models import Competition

first, second = Competition.objects.order_by("pk").values_list("pk", flat=True)[:2]
both_hold_one = threading.Barrier(2)
attempts, finished = [], []

@locks.retried_on_conflict
def lock_both(one, other):
    attempts.append(one)
    with transaction.atomic():
        locks.lock_competition(one)
        if len(attempts) <= 2:  # the two first attempts each hold one row, then ask for the other's
            both_hold_one.wait(timeout=60)
        locks.lock_competition(other)
    finished.append(one)

def run(one, other):
    try:
        lock_both(one, other)
    finally:
        connection.close()

threads = [threading.Thread(target=run, args=pair) for pair in ((first, second), (second, first))]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"attempts": len(attempts), "finished": len(finished)}))
"""


def test_a_real_deadlock_is_run_again_by_the_service_and_both_sides_finish(postgres_stack):
    """Two transactions lock two rows in opposite orders: PostgreSQL breaks the deadlock by rolling one
    back, and `retried_on_conflict` runs that one again. The deadlock counted also shows that the other
    test's statistics would see one."""
    stack = postgres_stack
    stack.stop("web")
    deadlocks_before = deadlocks_reported(stack)

    printed = stack.manage("shell", "-c", PROVOKE_A_DEADLOCK)

    assert printed.strip().splitlines()[-1] == '{"attempts": 3, "finished": 2}'
    wait_for(lambda: connections_to(stack) == 0, 30, "the shell's database connections to close")
    assert deadlocks_reported(stack) - deadlocks_before == 1
