"""Final selection, the private leaderboard built at the end, its reveal, late submissions and
disqualification: each rule and each refusal with its message."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from config.errors import NotAllowed
from leaderboards.boards import board_for, leaderboard_csv, spreadsheet_safe
from leaderboards.medals import medal_cutoffs, medal_for
from leaderboards.models import LeaderboardEntry
from leaderboards.queries import leaderboard_rows
from leaderboards.standing import delete_submission
from leaderboards.tasks import build_due_private_boards
from moderation.services import disqualify_submission, disqualify_team
from scoring import engine, leases, services
from submissions.models import Submission
from submissions.services import SubmissionRefused, create_submission, select_final
from tests.factories import UserFactory, end_now, joined, predictions

# LABEL_SOLUTION: public ids 1-4 are cat, dog, cat, bird; private ids 5-10 are dog, cat, bird, dog, cat, dog.
PUBLIC_ALL_RIGHT = {1: "cat", 2: "dog", 3: "cat", 4: "bird"}
PRIVATE_ALL_RIGHT = {5: "dog", 6: "cat", 7: "bird", 8: "dog", 9: "cat", 10: "dog"}
NEXT_LABEL = {"cat": "dog", "dog": "bird", "bird": "cat"}
ALL_WRONG = {i: NEXT_LABEL[label] for i, label in {**PUBLIC_ALL_RIGHT, **PRIVATE_ALL_RIGHT}.items()}


def scored(competition, user, labels: dict[int, str]) -> Submission:
    submission, _ = create_submission(
        competition=competition,
        user=user,
        file_name="p.csv",
        stream=io.BytesIO(predictions({**ALL_WRONG, **labels}).encode()),
    )
    assert services.score_submission(submission.pk) == "scored"
    submission.refresh_from_db()
    return submission


@pytest.fixture
def alice(competition, participant):
    joined(competition, participant)
    return participant


@pytest.fixture
def bob(competition, other_participant):
    joined(competition, other_participant)
    return other_participant


def test_a_team_selects_up_to_the_limit_and_the_next_selection_names_it(competition, alice):
    first, second, third = (scored(competition, alice, PUBLIC_ALL_RIGHT) for _ in range(3))
    select_final(submission=first, user=alice, selected=True)
    select_final(submission=second, user=alice, selected=True)

    with pytest.raises(SubmissionRefused) as refusal:
        select_final(submission=third, user=alice, selected=True)

    assert refusal.value.message == (
        "Your team has already selected 2 of 2 final submissions; unselect one first."
    )
    select_final(submission=first, user=alice, selected=False)
    select_final(submission=third, user=alice, selected=True)
    assert set(Submission.objects.filter(is_final=True).values_list("pk", flat=True)) == {second.pk, third.pk}


def test_only_a_scored_on_time_submission_of_ones_own_team_can_be_selected(competition, alice, bob):
    queued, _ = create_submission(
        competition=competition, user=alice, file_name="p.csv", stream=io.BytesIO(predictions().encode())
    )
    with pytest.raises(SubmissionRefused) as refusal:
        select_final(submission=queued, user=alice, selected=True)
    assert (
        refusal.value.message == f"Only scored submissions can be selected; submission {queued.pk} is queued."
    )

    with pytest.raises(NotAllowed) as not_theirs:
        select_final(submission=queued, user=bob, selected=True)
    assert not_theirs.value.message == f"Only the team that made submission {queued.pk} can select it."


def test_selection_closes_at_the_end(competition, alice):
    submission = scored(competition, alice, PUBLIC_ALL_RIGHT)
    end_now(competition)

    with pytest.raises(SubmissionRefused) as refusal:
        select_final(submission=submission, user=alice, selected=True)

    assert refusal.value.message == "Final submissions can be chosen only while the competition runs."


def test_the_private_board_uses_the_selected_submissions_not_the_best_in_hindsight(competition, alice):
    hindsight_best = scored(competition, alice, {**PUBLIC_ALL_RIGHT, **PRIVATE_ALL_RIGHT})
    chosen = scored(competition, alice, PUBLIC_ALL_RIGHT)
    select_final(submission=chosen, user=alice, selected=True)
    assert hindsight_best.private_score == 1.0

    end_now(competition)
    board = board_for(alice, competition, "private")

    [row] = leaderboard_rows(competition, "private")
    assert board.size == 1
    assert board.is_final
    assert row.score == chosen.private_score == 0.0
    assert LeaderboardEntry.objects.get(split="private").best_submission_id == chosen.pk


def test_without_a_selection_the_best_submissions_by_public_score_count(competition, alice):
    # Best two by public score: 1.0 (private 0) and 0.75 (private 1/3); the 0.5 one (private 1.0) is not among them.
    scored(competition, alice, PUBLIC_ALL_RIGHT)
    scored(competition, alice, {1: "cat", 2: "dog", 3: "cat", 6: "cat", 9: "cat"})
    scored(competition, alice, {1: "cat", 2: "dog", **PRIVATE_ALL_RIGHT})

    end_now(competition)
    board_for(alice, competition, "private")

    [row] = leaderboard_rows(competition, "private")
    assert row.score == pytest.approx(2 / 6)


def test_private_ranks_shake_up_and_ties_go_to_the_earlier_submission(competition, alice, bob, host):
    carol = UserFactory(username="carol")
    joined(competition, carol)
    scored(competition, alice, PUBLIC_ALL_RIGHT)  # public 1.0, private 0
    scored(competition, bob, {1: "cat", **PRIVATE_ALL_RIGHT})  # public 0.25, private 1.0
    scored(competition, carol, {1: "cat", **PRIVATE_ALL_RIGHT})  # same scores, later

    end_now(competition)
    board_for(host, competition, "private")
    rows = leaderboard_rows(competition, "private")

    assert [(r.team_name, r.rank, r.public_rank, r.shake_up) for r in rows] == [
        ("bob", 1, 2, 1),
        ("carol", 2, 3, 1),
        ("alice", 3, 1, -2),
    ]


def test_nobody_but_the_host_sees_private_scores_before_the_end(api_for, competition, alice, host):
    submission = scored(competition, alice, PUBLIC_ALL_RIGHT)
    participant_api = api_for(alice)

    detail = participant_api.get(f"/api/v1/submissions/{submission.pk}/").json()
    listing = participant_api.get("/api/v1/competitions/animals/submissions/").json()["results"]
    board = participant_api.get("/api/v1/competitions/animals/leaderboard/?split=private")
    csv_export = participant_api.get("/api/v1/competitions/animals/leaderboard/csv/?split=private")
    host_board = api_for(host).get("/api/v1/competitions/animals/leaderboard/?split=private")

    assert "private_score" not in detail
    assert "private_score" not in listing[0]
    assert board.status_code == csv_export.status_code == host_board.status_code == 403
    assert board.json()["message"].startswith("The private leaderboard is revealed when the competition ends")
    assert api_for(host).get(f"/api/v1/submissions/{submission.pk}/").json()["private_score"] == 0.0


def test_after_the_end_both_boards_are_public_with_medals(client, api_for, competition, alice, bob):
    scored(competition, alice, PUBLIC_ALL_RIGHT)
    scored(competition, bob, {1: "cat", **PRIVATE_ALL_RIGHT})
    end_now(competition)

    board = api_for(alice).get("/api/v1/competitions/animals/leaderboard/?split=private").json()
    page = client.get("/competitions/animals/leaderboard/?split=private")
    anonymous_csv = client.get("/competitions/animals/leaderboard.csv?split=private")

    assert board["final"] is True
    assert [(r["team"], r["shake_up"], r["medal"]) for r in board["results"]] == [
        ("bob", 1, None),
        ("alice", -1, None),
    ]
    assert page.status_code == 200
    assert "Private leaderboard" in page.content.decode()
    assert anonymous_csv.content.decode().splitlines()[0] == (
        "rank,team,score,entries,last_submitted_at,public_rank,shake_up,medal,prize"
    )


def test_the_board_waits_for_submissions_made_before_the_end(competition, alice, bob):
    scored(competition, alice, PUBLIC_ALL_RIGHT)
    waiting, _ = create_submission(
        competition=competition, user=bob, file_name="p.csv", stream=io.BytesIO(predictions().encode())
    )
    end_now(competition)

    board = board_for(alice, competition, "private")
    assert (board.size, board.pending) == (0, 1)

    services.score_and_settle(waiting.pk)

    competition.refresh_from_db()
    assert competition.private_leaderboard_built_at is not None
    assert {r.team_name for r in leaderboard_rows(competition, "private")} == {"alice", "bob"}


def test_reading_the_private_board_never_builds_it_the_sweeper_does(
    client, api_for, competition, alice, host
):
    scored(competition, alice, PUBLIC_ALL_RIGHT)
    end_now(competition, sweep=False)

    answer = api_for(alice).get("/api/v1/competitions/animals/leaderboard/?split=private").json()
    page = client.get("/competitions/animals/leaderboard/?split=private").content.decode()
    client.force_login(host)
    assert client.get("/competitions/animals/host/dashboard/").status_code == 200

    competition.refresh_from_db()
    assert competition.private_leaderboard_built_at is None
    assert (answer["final"], answer["pending_submissions"], answer["count"]) == (False, 0, 0)
    assert "The final standings are being built; they appear here within a minute." in page
    assert 'Private leaderboard <span class="badge">being built</span>' in page

    assert build_due_private_boards() == 1
    client.logout()
    page = client.get("/competitions/animals/leaderboard/?split=private").content.decode()
    assert 'Private leaderboard <span class="badge">final</span>' in page

    answer = api_for(alice).get("/api/v1/competitions/animals/leaderboard/?split=private").json()
    assert answer["final"] is True
    assert [row["team"] for row in answer["results"]] == ["alice"]


def test_late_submissions_are_scored_for_the_team_and_never_ranked(competition, alice):
    scored(competition, alice, {1: "cat"})
    end_now(competition)

    late = scored(competition, alice, {**PUBLIC_ALL_RIGHT, **PRIVATE_ALL_RIGHT})

    assert late.is_late
    assert (late.public_score, late.private_score) == (1.0, 1.0)
    [public] = leaderboard_rows(competition, "public")
    assert public.score == 0.25
    assert public.entries == 1
    board_for(alice, competition, "private")
    assert leaderboard_rows(competition, "private")[0].score == 0.0


def test_deleting_removes_a_submission_from_the_board_but_not_from_the_quota(competition, alice):
    best = scored(competition, alice, PUBLIC_ALL_RIGHT)
    scored(competition, alice, {1: "cat"})

    delete_submission(submission=best, user=alice)

    [row] = leaderboard_rows(competition, "public")
    assert (row.score, row.entries) == (0.25, 1)
    from submissions.quota import team_quota

    assert team_quota(best.team).used == 2


def test_disqualifying_a_submission_or_a_team_updates_the_boards_at_once(competition, alice, bob, host):
    best = scored(competition, alice, PUBLIC_ALL_RIGHT)
    scored(competition, alice, {1: "cat"})
    scored(competition, bob, {1: "cat", 2: "dog"})

    disqualify_submission(submission=best, actor=host, reason="Hand-labelled test rows.")
    assert [(r.team_name, r.score) for r in leaderboard_rows(competition, "public")] == [
        ("bob", 0.5),
        ("alice", 0.25),
    ]

    disqualify_team(team=best.team, actor=host, reason="Multiple accounts.")
    assert [r.team_name for r in leaderboard_rows(competition, "public")] == ["bob"]
    with pytest.raises(SubmissionRefused) as refusal:
        create_submission(
            competition=competition, user=alice, file_name="p.csv", stream=io.BytesIO(predictions().encode())
        )
    assert refusal.value.message == (
        "Your team was disqualified and can no longer act in this competition. Reason: Multiple accounts."
    )


def test_only_the_host_can_disqualify_and_a_reason_is_required(api_for, competition, alice, bob, host):
    submission = scored(competition, alice, PUBLIC_ALL_RIGHT)

    by_participant = api_for(bob).post(f"/api/v1/submissions/{submission.pk}/disqualify/", {"reason": "x"})
    without_reason = api_for(host).post(f"/api/v1/submissions/{submission.pk}/disqualify/", {"reason": " "})

    assert by_participant.status_code == 404  # bob cannot even see alice's submission
    assert without_reason.status_code == 400
    assert without_reason.json()["message"] == "Give a reason; the team will see it."


@pytest.mark.parametrize(
    ("teams", "gold", "silver", "bronze"),
    [(10, 1, 2, 4), (99, 9, 19, 39), (100, 10, 20, 40), (500, 11, 50, 100), (2000, 14, 100, 200)],
)
def test_medal_cutoffs_follow_kaggles_thresholds(teams, gold, silver, bronze):
    cutoffs = medal_cutoffs(teams)

    assert (cutoffs["gold"], cutoffs["silver"], cutoffs["bronze"]) == (gold, silver, bronze)
    assert [medal_for(rank, cutoffs) for rank in (gold, gold + 1, bronze, bronze + 1)] == [
        "gold",
        "silver" if silver > gold else "bronze",
        "bronze",
        None,
    ]


def test_csv_export_defuses_spreadsheet_formulas_in_team_names():
    assert spreadsheet_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_safe("plain team") == "plain team"
    from leaderboards.queries import LeaderboardRow

    row = LeaderboardRow(1, 1, "+cmd", -0.5, 2, timezone.now())
    line = leaderboard_csv([row], "public").decode().splitlines()[1]
    assert line.startswith("1,'+cmd,-0.5,2,")


def test_the_host_disqualifies_from_the_submissions_page_and_the_team_sees_why(
    client, competition, alice, host
):
    submission = scored(competition, alice, PUBLIC_ALL_RIGHT)
    client.force_login(host)

    no_reason = client.post(
        f"/competitions/animals/submissions/{submission.pk}/disqualify/", {"scope": "team"}
    )
    done = client.post(
        f"/competitions/animals/submissions/{submission.pk}/disqualify/",
        {"scope": "submission", "reason": "Used the test labels."},
        follow=True,
    )
    client.force_login(alice)
    page = client.get("/competitions/animals/submissions/").content.decode()

    assert no_reason.status_code == 302
    assert f"Submission {submission.pk} is disqualified" in done.content.decode()
    assert "Disqualified: Used the test labels." in page
    assert leaderboard_rows(competition, "public") == []


def test_the_submissions_api_carries_the_quota(api_for, competition, alice):
    scored(competition, alice, PUBLIC_ALL_RIGHT)

    body = api_for(alice).get("/api/v1/competitions/animals/submissions/").json()

    assert (body["count"], body["quota"]["remaining_today"]) == (1, 4)


def test_after_the_end_participants_see_private_scores_but_never_the_host_only_detail(
    api_for, competition, alice, host
):
    failed, _ = create_submission(
        competition=competition, user=alice, file_name="p.csv", stream=io.BytesIO(b"id,label\n1,cat\n")
    )
    services.score_submission(failed.pk)
    Submission.objects.filter(pk=failed.pk).update(host_error_detail="Traceback: hidden row 7 is 'bird'")
    scored(competition, alice, PUBLIC_ALL_RIGHT)
    end_now(competition)

    mine = api_for(alice).get("/api/v1/competitions/animals/submissions/").json()["results"]
    hosts = api_for(host).get("/api/v1/competitions/animals/submissions/").json()["results"]

    assert all("private_score" in s and "host_error_detail" not in s for s in mine)
    assert any(s["host_error_detail"] == "Traceback: hidden row 7 is 'bird'" for s in hosts)


DAY = 86400


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (-5, "now"),  # a clock a little ahead never shows a negative age
        (0, "now"),
        (59, "now"),
        (60, "1 min"),
        (90, "1 min"),
        (3599, "59 min"),
        (3600, "1 h"),
        (7200, "2 h"),
        (DAY - 1, "23 h"),
        (DAY, "1 d"),
        (3 * DAY, "3 d"),
        (30 * DAY - 1, "29 d"),
        (30 * DAY, "1 mo"),
        (65 * DAY, "2 mo"),
        (365 * DAY - 1, "12 mo"),
        (365 * DAY, "1 yr"),
        (800 * DAY, "2 yr"),
    ],
)
def test_the_leaderboard_writes_the_last_submission_age_unambiguously(seconds, shown):
    from leaderboards.queries import compact_age

    now = timezone.now()
    assert compact_age(now - timedelta(seconds=seconds), now) == shown


def test_a_submission_scored_while_its_team_merged_is_saved_on_the_merged_team(competition, alice, bob):
    from competitions.teams import accept_merge, request_merge

    submission, _ = create_submission(
        competition=competition, user=alice, file_name="p.csv", stream=io.BytesIO(predictions().encode())
    )
    assert leases.take(submission.pk, "worker-1")
    merge_request = request_merge(competition=competition, user=alice, target_name="bob")
    accept_merge(merge_request=merge_request, user=bob)

    scores = engine.Scores(0.5, 0.5)
    outcome = services.record_scores(
        submission, "worker-1", scores, services.setup_of(submission).fingerprint
    )

    submission.refresh_from_db()
    assert outcome == "scored"
    assert submission.team.name == "bob"
    assert [(r.team_name, r.score) for r in leaderboard_rows(competition, "public")] == [("bob", 0.5)]


def test_the_final_selection_limit_cannot_drop_below_a_teams_selections(competition, alice, host):
    from competitions.errors import CompetitionError
    from competitions.services import update_competition

    for submission in (scored(competition, alice, PUBLIC_ALL_RIGHT) for _ in range(2)):
        select_final(submission=submission, user=alice, selected=True)

    with pytest.raises(CompetitionError) as refusal:
        update_competition(competition=competition, user=host, changes={"final_selection_limit": 1})

    assert refusal.value.message == (
        "A team has already selected 2 final submissions; the limit cannot go below that."
    )


def test_an_on_time_submission_settling_after_the_build_joins_the_board(competition, alice, bob):
    scored(competition, alice, PUBLIC_ALL_RIGHT)
    end_now(competition)
    board_for(alice, competition, "private")
    straggler, _ = create_submission(
        competition=competition, user=bob, file_name="p.csv", stream=io.BytesIO(predictions().encode())
    )
    Submission.objects.filter(pk=straggler.pk).update(is_late=False)  # committed just before the end

    services.score_and_settle(straggler.pk)

    assert {r.team_name for r in leaderboard_rows(competition, "private")} == {"alice", "bob"}


def test_a_disqualification_body_that_is_not_an_object_is_a_clear_400(api_for, competition, alice, host):
    submission = scored(competition, alice, PUBLIC_ALL_RIGHT)

    response = api_for(host).post(
        f"/api/v1/submissions/{submission.pk}/disqualify/", ["cheating"], format="json"
    )

    assert response.status_code == 400
    assert "Expected a dictionary" in str(response.json())
    submission.refresh_from_db()
    assert submission.disqualified_at is None
