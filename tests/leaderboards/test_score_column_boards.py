"""The boards, their API and their CSV carry the secondary columns the viewer may see; sorting by a column
keeps each team's rank on the primary score."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from leaderboards.boards import board_columns
from leaderboards.models import LeaderboardEntry
from leaderboards.queries import rows_sorted_by_column
from scoring import services
from tests.factories import UserFactory, joined, make_competition
from tests.scoring.test_statements import upload_through_api

# Ids 1-4 public (truth 0, 1, 2, 3), 5-10 private.
SOLUTION = "id,y,Usage\n" + "".join(
    f"{i},{i - 1},{'Public' if i <= 4 else 'Private'}\n" for i in range(1, 11)
)
COLUMNS = [
    {"label": "MAE", "metric": "mae", "precision": 3},
    {"label": "Median error", "metric": "median_absolute_error", "shown": False},
]


def submit_errors(competition, user, api_for, errors: list[float]) -> None:
    """Predictions off the public truth by `errors` (ids 1-4), exact on the private rows."""
    lines = [f"{i},{i - 1 + (errors[i - 1] if i <= 4 else 0)}" for i in range(1, 11)]
    submission_id = upload_through_api(api_for(user), competition, "id,y\n" + "\n".join(lines) + "\n")
    assert services.score_and_settle(submission_id) == "scored"


@pytest.fixture
def board(host, participant, api_for):
    """RMSE ranks (lower is better). alice: RMSE 1, MAE 1; bob: RMSE 1, MAE 0.5 (first on the tie);
    carol: RMSE 1.5, MAE 0.75 (third, but second by MAE)."""
    competition = make_competition(
        host=host, slug="columned", metric="rmse", solution=SOLUTION, target="y", score_columns=COLUMNS
    )
    bob, carol = UserFactory(username="bob"), UserFactory(username="carol")
    for user in (participant, bob, carol):
        joined(competition, user)
    submit_errors(competition, participant, api_for, [1, 1, 1, 1])
    submit_errors(competition, bob, api_for, [2, 0, 0, 0])
    submit_errors(competition, carol, api_for, [3, 0, 0, 0])
    return competition


def test_a_participant_sees_the_shown_columns_and_never_a_hidden_one(board, participant, api_for):
    body = api_for(participant).get(f"/api/v1/competitions/{board.slug}/leaderboard/").json()

    assert [row["team"] for row in body["results"]] == ["bob", "alice", "carol"]
    assert all(list(row["columns"]) == ["MAE"] for row in body["results"])
    assert body["results"][0]["columns"]["MAE"] == pytest.approx(0.5)


def test_the_host_sees_hidden_columns_too(board, host, api_for):
    body = api_for(host).get(f"/api/v1/competitions/{board.slug}/leaderboard/").json()

    assert list(body["results"][0]["columns"]) == ["MAE", "Median error"]


def test_sorting_by_a_column_keeps_the_rank_on_the_primary_score(board, participant, api_for):
    body = api_for(participant).get(f"/api/v1/competitions/{board.slug}/leaderboard/", {"sort": "MAE"}).json()

    assert body["sort"] == "MAE"
    assert [(row["team"], row["rank"]) for row in body["results"]] == [("bob", 1), ("carol", 3), ("alice", 2)]


def test_sorting_by_a_hidden_or_unknown_column_is_refused_naming_the_choices(board, participant, api_for):
    response = api_for(participant).get(
        f"/api/v1/competitions/{board.slug}/leaderboard/", {"sort": "Median error"}
    )

    assert response.status_code == 400
    assert response.json()["message"] == (
        "No column 'Median error' to sort by: choose one of 'MAE', or leave sort out for rank order."
    )


def test_the_csv_has_a_column_per_shown_score_column(board, participant, client):
    client.force_login(participant)
    response = client.get(f"/competitions/{board.slug}/leaderboard.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))

    assert rows[0] == ["rank", "team", "score", "MAE", "entries", "last_submitted_at"]
    assert rows[1][:4] == ["1", "bob", "1.0", "0.5"]


def test_the_page_shows_shown_columns_at_their_precision_and_hides_hidden_ones(board, participant, client):
    client.force_login(participant)
    page = client.get(f"/competitions/{board.slug}/leaderboard/").content.decode()

    assert ">MAE</a>" in page
    assert "0.750</td>" in page  # precision 3
    assert "Median error" not in page
    assert "Ties go to the better MAE, then a column only the host sees, then the earlier submission." in page


def test_the_page_sorted_by_a_column_says_so_and_keeps_ranks(board, participant, client):
    client.force_login(participant)
    page = client.get(f"/competitions/{board.slug}/leaderboard/", {"sort": "MAE"}).content.decode()

    assert "Sorted by MAE; # keeps each team's rank by score." in page
    table = page[page.index('id="leaderboard"') :]
    assert table.index("bob") < table.index("carol") < table.index("alice")


def test_submission_lists_carry_the_columns_the_viewer_may_see(board, host, participant, api_for, client):
    mine = api_for(participant).get(f"/api/v1/competitions/{board.slug}/submissions/").json()["results"]
    every = api_for(host).get(f"/api/v1/competitions/{board.slug}/submissions/").json()["results"]

    assert mine[0]["public_columns"] == {"MAE": 1.0}
    assert "private_columns" not in mine[0]
    alice_seen_by_host = next(row for row in every if row["team"] == "alice")
    assert alice_seen_by_host["public_columns"] == {"MAE": 1.0, "Median error": 1.0}
    assert alice_seen_by_host["private_columns"] == {"MAE": 0.0, "Median error": 0.0}
    client.force_login(participant)
    page = client.get(f"/competitions/{board.slug}/submissions/").content.decode()
    assert 'data-label="MAE">1.000</td>' in page
    assert "Median error" not in page


def test_the_submissions_page_shows_private_column_values_to_whoever_sees_private_scores(
    board, host, participant, client
):
    client.force_login(host)
    hosts_page = client.get(f"/competitions/{board.slug}/submissions/").content.decode()
    client.force_login(participant)
    before_the_end = client.get(f"/competitions/{board.slug}/submissions/").content.decode()
    board.start_at, board.end_at = board.start_at - timedelta(days=30), timezone.now() - timedelta(minutes=1)
    board.save(update_fields=["start_at", "end_at"])
    after_the_end = client.get(f"/competitions/{board.slug}/submissions/").content.decode()

    assert 'data-label="Median error (private)">0.0000</td>' in hosts_page
    assert "(private)" not in before_the_end
    assert 'data-label="MAE (private)">0.000</td>' in after_the_end
    assert "Median error" not in after_the_end


def test_a_sorted_page_comes_from_the_database_a_page_at_a_time(board, participant, api_for):
    client = api_for(participant)

    second = client.get(
        f"/api/v1/competitions/{board.slug}/leaderboard/", {"sort": "MAE", "offset": 1, "limit": 1}
    ).json()

    assert second["count"] == 3
    assert [(row["team"], row["rank"]) for row in second["results"]] == [("carol", 3)]


def test_sorting_puts_an_entry_without_the_column_last_and_keeps_its_rank(board, participant, api_for):
    bob = LeaderboardEntry.objects.get(team__name="bob", split="public")
    bob.columns = {}
    bob.save(update_fields=["columns"])

    body = api_for(participant).get(f"/api/v1/competitions/{board.slug}/leaderboard/", {"sort": "MAE"}).json()

    assert [(row["team"], row["rank"]) for row in body["results"]] == [("carol", 3), ("alice", 2), ("bob", 1)]


def test_a_board_sorted_by_a_column_reads_one_page_in_a_bounded_number_of_queries(
    board, participant, django_assert_max_num_queries
):
    [mae] = board_columns(participant, board, None)
    with django_assert_max_num_queries(3):
        rows = rows_sorted_by_column(board, "public", mae, offset=0, limit=2, size=3)

    assert [(row.team_name, row.rank) for row in rows] == [("bob", 1), ("carol", 3)]


def test_the_profile_ranks_with_the_boards_tie_break_on_the_columns(board, participant, client):
    """alice scored first, but bob's better MAE breaks the tie on RMSE: the profile says so, as the board."""
    client.force_login(participant)
    alice_page = client.get("/accounts/profile/").content.decode()
    client.force_login(User.objects.get(username="bob"))
    bob_page = client.get("/accounts/profile/").content.decode()

    board_ranks = {
        entry.team.name: rank
        for rank, entry in enumerate(
            LeaderboardEntry.objects.filter(competition=board, split="public").order_by("score", "tie_key"),
            start=1,
        )
    }
    assert board_ranks == {"bob": 1, "alice": 2, "carol": 3}
    assert '2 <span class="muted">of 3</span>' in alice_page
    assert '1 <span class="muted">of 3</span>' in bob_page
