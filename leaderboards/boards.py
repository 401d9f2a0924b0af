"""Which leaderboard a viewer may see, and one page of it as rows or as a CSV download."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from competitions.models import Competition, PhaseTrack
from competitions.phases import board_pair, deciding_phase, scoring_setup, window_of
from competitions.queries import can_review, can_see_private_scores
from competitions.score_columns import ScoreColumnSetup, visible_columns
from config.errors import DomainError, NotAllowed, NotFound
from config.timestamps import utc_label
from leaderboards.board_cache import remembered
from leaderboards.models import LeaderboardEntry
from leaderboards.private_board import pending_on_time
from leaderboards.queries import leaderboard_size

SPLITS = (LeaderboardEntry.Split.PUBLIC, LeaderboardEntry.Split.PRIVATE)


@dataclass(frozen=True)
class Board:
    """A leaderboard as a viewer may see it: which split, whether it is final, and why it may be empty."""

    split: str
    size: int
    is_final: bool
    pair: PhaseTrack
    pending: int = 0
    is_being_built: bool = False


def board_for(
    user, competition: Competition, split: str, phase: int | str | None = None, track: str | None = None
) -> Board:
    """The split the viewer asked for, of the phase and track they named (by default the current phase's
    default track), if they may see it: the private board only of the deciding phase and only after the
    end (hosts and staff too, since it does not exist before); a phase whose host hides its board shows
    it to participants once the phase has ended. Reading never builds the private board: the worker that
    scores the last on-time submission does, or the sweeper within PODIUM_SWEEP_EVERY seconds of the end."""
    if split not in SPLITS:
        raise NotFound(f"No leaderboard '{split}': choose public or private.")
    pair = board_pair(competition, phase, track)
    finished = competition.phase == Competition.Phase.FINISHED
    if pair.phase.board_hidden_until_end and not can_review(user, competition):
        phase_end = window_of(pair.phase, competition)[1]
        if timezone.now() < phase_end:
            raise NotAllowed(
                f"The board of {pair.phase.name} is hidden until the phase ends, on {utc_label(phase_end)}."
            )
    if split == LeaderboardEntry.Split.PRIVATE:
        deciding = deciding_phase(competition)
        if pair.phase_id != deciding.pk:
            raise NotFound(
                f"{pair.phase.name} has no private leaderboard: only the phase that decides the competition "
                f"({deciding.name}) has one."
            )
        if not finished or not can_see_private_scores(user, competition):
            ends = utc_label(competition.end_at)
            raise NotAllowed(f"The private leaderboard is revealed when the competition ends, on {ends}.")
        if not competition.private_leaderboard_built_at:
            return Board(split, 0, False, pair, pending=pending_on_time(competition), is_being_built=True)
    if split == LeaderboardEntry.Split.PUBLIC:
        size = remembered(
            competition.pk, f"size:{pair.pk}", lambda: leaderboard_size(competition, split, pair)
        )
    else:
        size = leaderboard_size(competition, split, pair)
    return Board(split, size, finished, pair)


def board_columns(user, competition: Competition, pair: PhaseTrack | None = None) -> list[ScoreColumnSetup]:
    """The secondary columns a viewer sees on a board (by default the competition's), its export and the
    API: the shown ones, and the hidden ones too for the host and staff."""
    columns = (
        scoring_setup(pair, competition).score_columns if pair is not None else competition.score_columns
    )
    return visible_columns(columns, sees_hidden=can_review(user, competition))


def sort_column(columns: Sequence[ScoreColumnSetup], given: str | None) -> ScoreColumnSetup | None:
    """The column `?sort=` names (None: rank order); a label the viewer cannot see is refused by name."""
    if not given:
        return None
    for column in columns:
        if column.label == given:
            return column
    labels = ", ".join(repr(column.label) for column in columns)
    choices = f"choose one of {labels}" if columns else "this board has no secondary columns"
    raise DomainError(
        f"No column {given!r} to sort by: {choices}, or leave sort out for rank order.",
        code="invalid",
        details={"field": "sort"},
    )


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Team names are typed by participants: a leading quote keeps a spreadsheet from running one as a
    formula (CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def leaderboard_csv(rows, split: str, columns: Sequence[ScoreColumnSetup] = ()) -> bytes:
    """The board as CSV: rank, team, score, then each of the viewer's secondary columns (full precision,
    headed by its label), then the rest."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    private = split == LeaderboardEntry.Split.PRIVATE
    labels = [spreadsheet_safe(column.label) for column in columns]
    header = ["rank", "team", "score", *labels, "entries", "last_submitted_at"]
    writer.writerow(header + (["public_rank", "shake_up", "medal", "prize"] if private else []))
    for row in rows:
        line = [row.rank, spreadsheet_safe(row.team_name), repr(row.score)]
        line += [repr(row.columns[c.label]) if c.label in row.columns else "" for c in columns]
        line += [row.entries, row.last_submitted_at.isoformat()]
        if private:
            line += [row.public_rank or "", row.shake_up if row.shake_up is not None else "", row.medal or ""]
            line.append(spreadsheet_safe(row.prize_text))
        writer.writerow(line)
    return buffer.getvalue().encode()
