"""podium competitions list, files, join, download, submissions and leaderboard, against a live server."""

import csv
import hashlib
import io
import json
from datetime import timedelta

import pytest

from competitions.models import Competition
from competitions.services import update_competition
from scoring import services as scoring
from submissions.services import create_submission
from tests.factories import TEST_CSV, TRAIN_CSV, UserFactory, end_now, joined, make_competition, predictions

# LABEL_SOLUTION: public ids 1-4 are cat, dog, cat, bird; private ids 5-10 are dog, cat, bird, dog, cat, dog.
PUBLIC_RIGHT = {1: "cat", 2: "dog", 3: "cat", 4: "bird"}


def listed(output: str):
    """A listing's --json, as a plain list or as DRF pages."""
    data = json.loads(output)
    return data["results"] if isinstance(data, dict) else data


def scored(competition, user, labels: dict[int, str], description: str = "") -> int:
    submission, _ = create_submission(
        competition=competition,
        user=user,
        file_name="p.csv",
        stream=io.BytesIO(predictions(labels).encode()),
        description=description,
    )
    assert scoring.score_and_settle(submission.pk) == "scored"
    return submission.pk


# --- list and files -------------------------------------------------------------------------------
def test_list_shows_every_visible_competition(podium, competition, host):
    make_competition(host=host, title="Birds of the world", slug="birds")

    table = podium.ok("competitions", "list")
    as_json = podium.ok("competitions", "list", "--json")

    assert table.stdout.splitlines()[0].split() == ["slug", "title", "phase", "deadline", "metric"] + (
        ["teams"] if "teams" in table.stdout.splitlines()[0] else []
    )
    assert "animals" in table.stdout
    assert "Birds of the world" in table.stdout
    assert "Accuracy" in table.stdout
    assert {c["slug"] for c in listed(as_json.stdout)} == {"animals", "birds"}


def test_list_searches_titles(podium, competition, host):
    make_competition(host=host, title="Birds of the world", slug="birds")

    done = podium.ok("competitions", "list", "--search", "birds")

    assert "birds" in done.stdout
    assert "animals" not in done.stdout


def test_list_reads_the_paginated_shape_and_sends_the_filters(podium, competition, host):
    """The lead's paginated list: {count, next, previous, results}, filtered by ?status= on the server."""
    make_competition(host=host, title="Later", slug="later", starts_in=timedelta(days=3))

    data = json.loads(podium.ok("competitions", "list", "--status", "upcoming", "--json").stdout)

    assert isinstance(data, dict), "the competition list is not paginated yet"
    assert data["count"] == 1
    assert [c["slug"] for c in data["results"]] == ["later"]


def test_files_lists_the_data_files_with_sizes_and_checksums(podium, competition):
    table = podium.ok("competitions", "files", "animals")
    files = json.loads(podium.ok("competitions", "files", "animals", "--json").stdout)

    assert {"train.csv", "test.csv", "sample_submission.csv"} <= set(table.stdout.split())
    train = next(f for f in files if f["name"] == "train.csv")
    assert train["sha256"] == hashlib.sha256(TRAIN_CSV.encode()).hexdigest()
    assert train["size"] == len(TRAIN_CSV)


# --- join and download ----------------------------------------------------------------------------
def test_download_needs_the_rules_accepted_first(podium, competition):
    done = podium("competitions", "download", "animals", "-f", "train.csv")

    assert done.returncode == 1
    assert "Error: Join the competition by accepting its rules to download its data." in done.stderr
    assert "Run: podium competitions join animals" in done.stderr


def test_download_one_file(podium, member, workdir):
    done = podium.ok("competitions", "download", "animals", "-f", "train.csv", "-p", "data")

    assert (workdir / "data" / "train.csv").read_text() == TRAIN_CSV
    assert not (workdir / "data" / "train.csv.part").exists()
    assert "Downloaded data/train.csv" in done.stdout


def test_download_everything_and_unzip(podium, member, workdir):
    done = podium.ok("competitions", "download", "animals", "-p", "data", "--unzip")

    data = workdir / "data"
    assert sorted(p.name for p in data.iterdir()) == ["sample_submission.csv", "test.csv", "train.csv"]
    assert (data / "test.csv").read_text() == TEST_CSV
    assert "Extracted 3 files" in done.stdout


def test_download_keeps_the_zip_without_unzip(podium, member, workdir):
    podium.ok("competitions", "download", "animals")

    assert (workdir / "animals.zip").stat().st_size > 0


def test_a_file_already_there_is_skipped_unless_forced(podium, member, workdir):
    podium.ok("competitions", "download", "animals", "-f", "train.csv")

    again = podium.ok("competitions", "download", "animals", "-f", "train.csv")
    forced = podium.ok("competitions", "download", "animals", "-f", "train.csv", "--force")

    assert "up to date" in again.stdout
    assert "Downloaded train.csv" in forced.stdout


def test_an_interrupted_download_resumes_where_the_part_file_stops(podium, member, workdir):
    """Needs Range support on the server: a 206 with Content-Range for `Range: bytes=N-`."""
    cut = len(TRAIN_CSV) // 2
    (workdir / "train.csv.part").write_bytes(TRAIN_CSV.encode()[:cut])

    done = podium.ok("competitions", "download", "animals", "-f", "train.csv")

    final = (workdir / "train.csv").read_bytes()
    assert final == TRAIN_CSV.encode()
    assert hashlib.sha256(final).hexdigest() == hashlib.sha256(TRAIN_CSV.encode()).hexdigest()
    assert not (workdir / "train.csv.part").exists()
    assert f"resumed at byte {cut}" in done.stdout, (
        "the server answered the Range request with the whole file"
    )


def test_a_part_file_that_is_not_a_prefix_never_corrupts_the_download(podium, member, workdir):
    (workdir / "train.csv.part").write_bytes(b"this is not the start of train.csv")

    podium.ok("competitions", "download", "animals", "-f", "train.csv")

    assert (workdir / "train.csv").read_bytes() == TRAIN_CSV.encode()
    assert not (workdir / "train.csv.part").exists()


def test_a_changed_file_of_the_same_size_is_downloaded_again(podium, member, workdir):
    """The size matches but the server's X-Checksum-SHA256 does not: the old copy is replaced."""
    same_size = TRAIN_CSV.encode()[::-1]
    (workdir / "train.csv").write_bytes(same_size)

    done = podium.ok("competitions", "download", "animals", "-f", "train.csv")

    assert (workdir / "train.csv").read_text() == TRAIN_CSV
    assert "Downloaded train.csv" in done.stdout


# --- submissions and quota ------------------------------------------------------------------------
def test_submissions_lists_the_team_submissions_with_scores(podium, competition, member):
    scored(competition, member, PUBLIC_RIGHT, description="all public right")

    table = podium.ok("competitions", "submissions", "animals")
    data = json.loads(podium.ok("competitions", "submissions", "animals", "--json").stdout)

    header = table.stdout.splitlines()[0].split()
    assert header == ["id", "date", "description", "status", "public_score", "final"]
    row = table.stdout.splitlines()[2]
    assert "all public right" in row
    assert "scored" in row
    assert "1.000000" in row.split()  # six decimals, as the site shows scores
    assert data["count"] == 1
    assert data["results"][0]["public_score"] == 1.0
    assert "4 submissions left today" in table.stdout


def test_a_used_up_quota_is_refused_with_the_servers_message_and_retry_after(
    podium_for, host, alice, workdir
):
    competition = make_competition(host=host, daily_limit=1)
    joined(competition, alice)
    scored(competition, alice, PUBLIC_RIGHT)
    (workdir / "p.csv").write_text(predictions())

    done = podium_for(alice)("competitions", "submit", "animals", "-f", "p.csv", "-m", "one too many")

    assert done.returncode == 1
    assert "Error: Your team has used all 1 submissions for today." in done.stderr
    assert "Retry after" in done.stderr
    assert "Retry-After:" in done.stderr


def test_the_host_sees_each_teams_submissions_and_why_one_failed(podium_for, competition, host, member):
    bob = UserFactory(username="bob")
    joined(competition, bob)
    scored(competition, member, PUBLIC_RIGHT, description="good")
    failed, _ = create_submission(
        competition=competition,
        user=bob,
        file_name="p.csv",
        stream=io.BytesIO(b"id,label\n1,cat\n"),
        description="too short",
    )
    assert scoring.score_and_settle(failed.pk) == "failed"

    lines = podium_for(host).ok("competitions", "submissions", "animals").stdout.splitlines()

    assert lines[0].split()[:3] == ["id", "date", "team"]
    assert lines[0].split()[-1] == "error"
    bob_row = next(line for line in lines if "too short" in line)
    assert "bob" in bob_row
    assert "failed" in bob_row
    assert "Your file is missing 9 test ids" in bob_row
    alice_row = next(line for line in lines if "good" in line)
    assert "alice" in alice_row
    assert "missing" not in alice_row


# --- leaderboards ---------------------------------------------------------------------------------
@pytest.fixture
def two_teams(competition, member):
    bob = UserFactory(username="bob")
    joined(competition, bob)
    scored(competition, member, PUBLIC_RIGHT)  # public 1.0
    scored(competition, bob, {})  # every row "cat": public 0.5
    return competition


def test_leaderboard_table(podium, two_teams):
    done = podium.ok("competitions", "leaderboard", "animals")

    lines = done.stdout.splitlines()
    assert "Public leaderboard of 'animals' (provisional, 2 teams)." in lines[0]
    assert lines[1].split() == ["rank", "team", "score", "entries", "last"]
    assert lines[3].split()[:4] == ["1", "alice", "1.000000", "1"]
    assert lines[4].split()[:4] == ["2", "bob", "0.500000", "1"]


def test_leaderboard_json(podium, two_teams):
    board = json.loads(podium.ok("competitions", "leaderboard", "animals", "--json").stdout)

    assert board["split"] == "public"
    assert board["count"] == 2
    assert board["offset"] == 0
    assert board["limit"] == 500
    assert [(r["rank"], r["team"], r["score"]) for r in board["results"]] == [
        (1, "alice", 1.0),
        (2, "bob", 0.5),
    ]


def test_leaderboard_download_saves_the_csv(podium, two_teams, workdir):
    done = podium.ok("competitions", "leaderboard", "animals", "--download", "-p", "boards")

    saved = workdir / "boards" / "animals-public-leaderboard.csv"
    rows = list(csv.DictReader(saved.read_text().splitlines()))
    assert [row["team"] for row in rows] == ["alice", "bob"]
    assert str(saved.relative_to(workdir)) in done.stdout


def test_the_private_leaderboard_is_refused_before_the_end(podium, two_teams):
    done = podium("competitions", "leaderboard", "animals", "--private")

    assert done.returncode == 1
    assert "Error: The private leaderboard is revealed when the competition ends" in done.stderr


def test_the_private_leaderboard_after_the_end_shows_the_shake_up_and_medals(podium, two_teams):
    end_now(two_teams)

    done = podium.ok("competitions", "leaderboard", "animals", "--private")

    lines = done.stdout.splitlines()
    assert "Private leaderboard of 'animals' (final, 2 teams)." in lines[0]
    assert lines[1].split() == [
        "rank",
        "team",
        "score",
        "entries",
        "last",
        "public",
        "rank",
        "shake-up",
        "medal",
    ]


def test_a_name_with_control_characters_never_reaches_the_terminal_raw(podium, two_teams):
    """A team name stored before names were checked, holding ESC and a right-to-left override: the CLI
    prints them escaped, in its table and in its --json output alike."""
    from competitions.models import Team

    Team.objects.filter(name="bob").update(name="bob\x1b[2J\u202eevil")

    table = podium.ok("competitions", "leaderboard", "animals")
    as_json = podium.ok("competitions", "leaderboard", "animals", "--json")

    for output in (table.stdout, as_json.stdout):
        assert "\x1b" not in output
        assert "\u202e" not in output
    assert "bob\\u001b[2J\\u202eevil" in table.stdout
    assert (
        json.loads(as_json.stdout)["results"][1]["team"] == "bob\x1b[2J\u202eevil"
    )  # JSON escapes decode back


# --- a private competition ------------------------------------------------------------------------
def test_an_outsiders_cli_finds_a_private_competition_as_if_it_did_not_exist(podium, competition, host):
    update_competition(
        competition=competition, user=host, changes={"visibility": Competition.Visibility.PRIVATE}
    )
    listing = podium.ok("competitions", "list", "--json")
    assert "animals" not in {item["slug"] for item in listed(listing.stdout)}
    for command in (
        ("competitions", "files", "{slug}"),
        ("competitions", "download", "{slug}", "-f", "train.csv"),
        ("competitions", "leaderboard", "{slug}"),
        ("competitions", "submissions", "{slug}"),
    ):
        private = podium(*(part.format(slug="animals") for part in command))
        missing = podium(*(part.format(slug="nope") for part in command))
        assert private.returncode == missing.returncode == 1, command
        assert private.stderr.replace("animals", "nope") == missing.stderr, command
        assert "Animals" not in private.stdout + private.stderr, command
