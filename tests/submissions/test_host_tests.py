"""The host's test submissions: scored by the same service as any submission, in every phase, and absent
from every board, quota and participant figure (one test per place)."""

import io
import os
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from community.benchmarks import benchmark_of, benchmark_rows, open_benchmark, track_tables
from community.pwc import export_table
from competitions.models import Competition
from competitions.queries import CompetitionSearch, search_competitions
from config.errors import NotAllowed, NotFound
from datasets.storage import private_storage, store
from leaderboards.dashboard import host_dashboard
from leaderboards.models import LeaderboardEntry
from leaderboards.private_board import pending_on_time
from leaderboards.queries import leaderboard_rows
from scoring import services as scoring
from scoring.rescoring import continue_rescore, start_rescore
from submissions.cleanup import clean_storage
from submissions.host_tests import HOST_TESTS_IN_FLIGHT, create_host_test
from submissions.models import Submission
from submissions.queries import submission_for, visible_submissions
from submissions.quota import team_quota
from submissions.services import SubmissionRefused, select_final
from tests.factories import UserFactory, end_now, joined, make_competition, make_submission, predictions
from tests.moderation.conftest import ALL_RIGHT, TWO_RIGHT, scored

pytestmark = pytest.mark.django_db
API = "/api/v1/competitions/animals/host/test-submissions/"
# Every row of LABEL_SOLUTION right: it would top both boards.
SOLUTION_ITSELF = dict(enumerate(["cat", "dog", "cat", "bird", "dog", "cat", "bird", "dog", "cat", "dog"], 1))


def host_test(competition, user, text=None, name="check.csv"):
    stream = io.BytesIO((text if text is not None else predictions(SOLUTION_ITSELF)).encode())
    return create_host_test(competition=competition, user=user, file_name=name, stream=stream)


def scored_test(competition, user, text=None):
    test = host_test(competition, user, text)
    assert scoring.score_and_settle(test.pk) == "scored"
    test.refresh_from_db()
    return test


@pytest.fixture
def alice(competition, participant):
    joined(competition, participant)
    return participant


# --- Scoring ------------------------------------------------------------------------------------------


def test_a_host_test_is_scored_on_both_splits_by_the_scoring_service(competition, host):
    test = scored_test(competition, host)

    assert (test.status, test.public_score, test.private_score) == ("scored", 1.0, 1.0)
    assert test.team is None
    assert test.is_host_test
    assert not test.counts_against_quota


def test_a_host_test_that_fails_validation_keeps_the_participants_message(competition, host):
    test = host_test(competition, host, "id,species\n1,cat\n")

    assert scoring.score_and_settle(test.pk) == "failed"

    test.refresh_from_db()
    assert "label" in test.error_message
    assert not test.counts_against_quota


def test_a_file_that_is_not_a_csv_is_refused_before_it_is_stored(competition, host):
    with pytest.raises(SubmissionRefused, match=r"'model\.pkl' is not a \.csv file"):
        host_test(competition, host, "x", name="model.pkl")

    assert not Submission.with_host_tests.exists()


@pytest.mark.parametrize("phase", ["draft", "upcoming", "finished", "suspended"])
def test_a_host_may_test_in_every_phase(host, phase):
    competition = make_competition(
        host=host,
        publish=phase != "draft",
        starts_in=timedelta(days=2) if phase == "upcoming" else timedelta(days=-1),
    )
    if phase == "finished":
        end_now(competition)
    if phase == "suspended":
        Competition.objects.filter(pk=competition.pk).update(
            suspended_at=timezone.now(), suspension_reason="x"
        )
        competition.refresh_from_db()

    assert scored_test(competition, host).public_score == 1.0


def test_staff_may_test_too(competition, moderator):
    assert scored_test(competition, moderator).submitted_by == moderator


def test_a_participant_may_not_make_a_test_submission(competition, alice):
    with pytest.raises(
        NotAllowed, match="Only the competition's host or a co-host can make test submissions"
    ):
        host_test(competition, alice)


def test_at_most_five_tests_wait_at_once(competition, host):
    for _ in range(HOST_TESTS_IN_FLIGHT):
        host_test(competition, host)

    with pytest.raises(SubmissionRefused, match="5 test submissions are still being scored; wait") as refused:
        host_test(competition, host)
    assert refused.value.http_status == 429


# --- Never on a board, a quota or a figure ------------------------------------------------------------


def test_a_host_test_never_enters_the_public_board(competition, host, alice):
    scored(competition, alice, TWO_RIGHT)
    scored_test(competition, host)

    rows = leaderboard_rows(competition, "public")
    assert [(row.team_name, row.score) for row in rows] == [("alice", 0.5)]
    assert LeaderboardEntry.objects.filter(competition=competition).count() == 1


def test_a_host_test_never_enters_the_cached_board(client, competition, host, alice):
    scored(competition, alice, TWO_RIGHT)
    first = client.get("/api/v1/competitions/animals/leaderboard/").json()  # cached now
    scored_test(competition, host)

    again = client.get("/api/v1/competitions/animals/leaderboard/").json()
    assert again == first
    assert [row["team"] for row in again["results"]] == ["alice"]


def test_a_host_test_never_enters_the_private_board_or_its_medals(competition, host, alice):
    scored(competition, alice, TWO_RIGHT)  # private 2/6
    for number in range(9):  # ten teams: gold for the first, silver for the second
        make_submission(joined(competition, UserFactory(username=f"team{number}")), public_score=0.25)
    scored_test(competition, host)  # private 1.0: it would take gold from alice
    end_now(competition)

    rows = leaderboard_rows(competition, "private")
    assert len(rows) == 10
    assert "host" not in [row.team_name for row in rows]
    assert (rows[0].team_name, rows[0].score, rows[0].medal) == ("alice", pytest.approx(2 / 6), "gold")


def test_a_waiting_host_test_does_not_hold_back_the_private_board(competition, host, alice):
    scored(competition, alice, TWO_RIGHT)
    host_test(competition, host)  # queued, never scored
    competition = end_now(competition)

    assert pending_on_time(competition) == 0
    assert competition.private_leaderboard_built_at is not None


def test_a_host_test_is_no_submission_a_team_can_select_or_see(competition, host, alice):
    test = scored_test(competition, host)

    with pytest.raises(NotFound):
        submission_for(alice, test.pk)
    with pytest.raises(NotFound):
        select_final(submission=submission_for(host, test.pk), user=host, selected=True)


def test_a_host_test_is_not_in_the_hosts_list_of_every_teams_submissions(competition, host, alice):
    mine = scored(competition, alice, TWO_RIGHT)
    scored_test(competition, host)

    assert list(visible_submissions(host, competition)) == [mine]


def test_a_host_test_never_enters_the_benchmark_table_or_its_papers_with_code_export(
    competition, host, alice, other_participant
):
    scored(competition, alice, ALL_RIGHT)
    end_now(competition)
    open_benchmark(host=host, competition=competition, task="Animal Classification")
    scored_test(competition, host)  # after the end, as a benchmark takes late files

    rows = benchmark_rows(benchmark_of(competition))
    assert [row.method_name for row in rows] == ["alice"]
    exported = export_table(benchmark_of(competition), track_tables(benchmark_of(competition)))
    assert [row["model_name"] for row in exported[0]["datasets"][0]["sota"]["rows"]] == ["alice"]


def test_a_host_test_counts_against_no_quota(competition, host, alice):
    before = team_quota(alice_team := joined(competition, alice))
    scored_test(competition, host)

    after = team_quota(alice_team)
    assert (after.used, after.total_used, after.in_flight) == (
        before.used,
        before.total_used,
        before.in_flight,
    )


def test_a_host_test_is_in_none_of_the_dashboards_figures_or_charts(competition, host, alice):
    scored(competition, alice, TWO_RIGHT)
    scored_test(competition, host)
    host_test(competition, host, "id,species\n1,cat\n")
    scoring.score_and_settle(Submission.with_host_tests.latest("pk").pk)
    host_test(competition, host)  # still queued

    figures = host_dashboard(competition)
    assert (figures.participants, figures.teams, figures.submissions) == (1, 1, 1)
    assert (figures.scored, figures.failed, figures.in_flight) == (1, 0, 0)
    assert (sum(figures.scored_by_day), sum(figures.failed_by_day)) == (1, 0)
    assert (figures.failure_codes, figures.latest_failures) == ([], [])
    assert [row.team_name for row in figures.public_top] == ["alice"]


def test_a_host_test_adds_no_team_to_the_competition_list(competition, host):
    scored_test(competition, host)

    [listed] = [c for c in search_competitions(host, CompetitionSearch()) if c.pk == competition.pk]
    assert listed.team_count == 0
    assert competition.teams.count() == 0


def test_the_storage_cleanup_keeps_a_host_tests_file(competition, host):
    test = scored_test(competition, host)
    orphan = store(
        private_storage(), f"submissions/{competition.pk}/host-tests", "x.csv", io.BytesIO(b"id\n")
    )
    for key in (test.file_key, orphan.key):
        then = time.time() - 2 * 3600
        os.utime(private_storage().path(key), (then, then))

    done = clean_storage()

    assert done.orphaned_files == [orphan.key]
    assert private_storage().exists(test.file_key)


# --- Rescoring ----------------------------------------------------------------------------------------


def test_a_rescore_scores_host_tests_again_and_keeps_them_off_the_boards(competition, host, alice):
    scored(competition, alice, ALL_RIGHT)
    test = scored_test(competition, host)
    new_solution = "id,label,Usage\n" + "".join(
        f"{i},{'dog' if i == 1 else label},{'Public' if i <= 4 else 'Private'}\n"
        for i, label in SOLUTION_ITSELF.items()
    )

    rescore = start_rescore(
        competition=competition, user=host, solution=SimpleUploadedFile("new.csv", new_solution.encode())
    )
    assert rescore.total == 2
    while continue_rescore(rescore.pk) == "continuing":
        pass

    test.refresh_from_db()
    assert test.public_score == 0.75  # id 1 is a dog now
    rows = leaderboard_rows(competition, "public")
    assert [(row.team_name, row.score) for row in rows] == [("alice", 0.75)]


# --- The API ------------------------------------------------------------------------------------------


def upload(client, text=None, name="check.csv"):
    stream = io.BytesIO((text if text is not None else predictions(SOLUTION_ITSELF)).encode())
    stream.name = name
    return client.post(API, {"file": stream}, format="multipart")


def test_the_host_posts_a_test_file_and_lists_it_with_both_scores(api_for, competition, host):
    answer = upload(api_for(host))

    assert answer.status_code == 202, answer.json()
    body = answer.json()
    assert (body["status"], body["file_name"], body["submitted_by"]) == ("queued", "check.csv", "host")
    scoring.score_and_settle(body["id"])
    listed = api_for(host).get(API).json()
    assert listed["count"] == 1
    [test] = listed["results"]
    assert (test["id"], test["status"], test["public_score"], test["private_score"]) == (
        body["id"],
        "scored",
        1.0,
        1.0,
    )
    assert (test["error"], test["host_error_detail"]) == (None, None)


def test_the_api_shows_a_refused_files_message(api_for, competition, host):
    answer = upload(api_for(host), "id,species\n1,cat\n")
    scoring.score_and_settle(answer.json()["id"])

    [test] = api_for(host).get(API).json()["results"]
    assert test["status"] == "failed"
    assert "label" in test["error"]["message"]


def test_the_api_refuses_an_empty_file_with_its_name(api_for, competition, host):
    answer = upload(api_for(host), "")

    assert answer.status_code == 400
    assert answer.json()["message"] in ("'check.csv' is empty.", "The submitted file is empty.")


def test_the_api_refuses_a_request_without_a_file(api_for, competition, host):
    answer = api_for(host).post(API, {"note": "no file"}, format="multipart")

    assert answer.status_code == 400
    assert answer.json()["details"]["fields"]["file"] == ["No file was submitted."]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_participant_gets_403_with_the_reason(api_for, competition, alice, method):
    client = api_for(alice)
    answer = upload(client) if method == "post" else client.get(API)

    assert answer.status_code == 403
    assert answer.json()["message"].startswith(
        "Only the competition's host or a co-host can make test submissions"
    )
    assert not Submission.with_host_tests.exists()


def test_an_anonymous_caller_is_asked_to_log_in(api_for, competition):
    assert upload(api_for(None)).status_code == 401


def test_too_many_waiting_tests_get_429(api_for, competition, host):
    client = api_for(host)
    for _ in range(HOST_TESTS_IN_FLIGHT):
        assert upload(client).status_code == 202

    answer = upload(client)
    assert answer.status_code == 429
    assert answer.json()["code"] == "too_many_in_flight"


def test_the_participants_submission_list_and_detail_leave_host_tests_out(api_for, competition, host, alice):
    test = scored_test(competition, host)

    assert api_for(host).get("/api/v1/competitions/animals/submissions/").json()["count"] == 0
    assert api_for(host).get(f"/api/v1/submissions/{test.pk}/").status_code == 404


# --- The Host tab -------------------------------------------------------------------------------------


def test_the_host_tab_uploads_a_test_and_lists_it_with_both_scores(client, competition, host):
    client.force_login(host)
    upload_file = SimpleUploadedFile("check.csv", predictions(SOLUTION_ITSELF).encode())

    answer = client.post("/competitions/animals/host/test-submissions/", {"file": upload_file})

    assert answer.status_code == 302
    assert answer["Location"] == "/competitions/animals/host/#test-submission"
    scoring.score_and_settle(Submission.with_host_tests.get().pk)
    page = client.get("/competitions/animals/host/").content.decode()
    assert "Test file &#x27;check.csv&#x27; is being scored" in page
    assert 'id="host-tests-table" data-pending="0"' in page
    assert "<code>check.csv</code>" in page
    assert page.count("1.000000") == 2  # public and private


def test_the_host_tab_says_why_a_test_file_is_refused(client, competition, host):
    client.force_login(host)
    upload_file = SimpleUploadedFile("model.pkl", b"x")

    client.post("/competitions/animals/host/test-submissions/", {"file": upload_file})

    page = client.get("/competitions/animals/host/").content.decode()
    assert "Test submission refused: &#x27;model.pkl&#x27; is not a .csv file" in page


def test_the_host_tab_asks_for_a_file_when_none_is_chosen(client, competition, host):
    client.force_login(host)

    client.post("/competitions/animals/host/test-submissions/", {})

    assert "Choose a prediction CSV to test." in client.get("/competitions/animals/host/").content.decode()


def test_a_participant_cannot_post_a_test_from_the_page(client, competition, alice):
    client.force_login(alice)
    upload_file = SimpleUploadedFile("check.csv", predictions(SOLUTION_ITSELF).encode())

    answer = client.post("/competitions/animals/host/test-submissions/", {"file": upload_file})

    assert answer.status_code == 403
    assert not Submission.with_host_tests.exists()


def test_a_user_who_cannot_see_the_competition_gets_404(client, host):
    make_competition(host=host, publish=False)
    client.force_login(UserFactory(username="mallory"))

    answer = client.post("/competitions/animals/host/test-submissions/", {})

    assert answer.status_code == 404
