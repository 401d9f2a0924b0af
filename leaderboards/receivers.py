"""How the boards follow what the apps below them did (competitions.signals and scoring.signals)."""

from leaderboards.board_cache import board_changed
from leaderboards.private_board import build_private_leaderboard, finalize_if_due, rebuild_if_built
from leaderboards.services import rebuild_public_entries, recompute_public_entry, record_on_leaderboard


def merged_team_stands(sender, *, team, **kwargs) -> None:
    """The merged team stands with its best of both teams' submissions."""
    recompute_public_entry(team)  # forgets the cached board


def scored_submission_stands(sender, *, submission, **kwargs) -> None:
    record_on_leaderboard(submission)
    board_changed(submission.competition_id)


def settle_private_board(sender, *, submission, **kwargs) -> None:
    competition = submission.competition
    if competition.private_leaderboard_built_at:
        rebuild_if_built(competition)  # an upload committed just as the board was built
    else:
        finalize_if_due(competition)


def boards_follow_new_scores(sender, *, competition, **kwargs) -> None:
    rebuild_public_entries(competition)
    if competition.private_leaderboard_built_at:
        build_private_leaderboard(competition)
