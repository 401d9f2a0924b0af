"""Who wins each prize on the final (private) board: the prize for place k goes to the k-th eligible team in
the board's own order, so a team the host marked not eligible keeps its rank and the prize passes to the
next eligible team. Ties are already broken on the board (the earlier submission ranks first), so each
place has exactly one team. A prize no eligible team reached is not awarded.

Who sees the mark: the host (and staff) see every team not eligible; a team sees its own; everyone else
sees only who won (as Kaggle shows prize winners only).

With several tracks, the prizes are the competition's, one set, awarded on the deciding phase's default
track's final board (Kaggle's single prize pool; a host who wants prizes per track runs a competition per
track). Another track's final board shows no prize column, only where the prizes are decided.
"""

import dataclasses
from dataclasses import dataclass

from accounts.models import User
from competitions.models import Competition, PhaseTrack, Prize, Team
from competitions.phases import deciding_phase, default_track, pair_of
from competitions.queries import can_review
from leaderboards.models import LeaderboardEntry
from leaderboards.queries import LeaderboardRow, ranked_entries


@dataclass(frozen=True)
class Award:
    """One prize and the team that won it (None: not awarded, or the board is not built yet)."""

    prize: Prize
    team_id: int | None = None
    team_name: str = ""
    rank: int | None = None

    @property
    def text(self) -> str:
        return self.prize.text


@dataclass(frozen=True)
class PrizeAwards:
    awards: list[Award]
    ineligible_team_ids: frozenset[int]
    is_final: bool
    board: PhaseTrack  # where the prizes are decided
    on_this_board: bool = True  # whether the board being read is that one

    def prize_of(self, team_id: int) -> Prize | None:
        return next((award.prize for award in self.awards if award.team_id == team_id), None)


def prize_awards(competition: Competition) -> PrizeAwards:
    """Each prize of the competition with its winner on the built private board. Reads only the top of the
    board: the winners are among the first (prizes + teams not eligible) rows."""
    prizes = list(competition.prizes.order_by("place"))
    ineligible = frozenset(
        competition.teams.filter(prize_ineligible_at__isnull=False).values_list("pk", flat=True)
    )
    board = prize_board(competition)
    if not competition.private_leaderboard_built_at:
        return PrizeAwards([Award(prize) for prize in prizes], ineligible, is_final=False, board=board)
    top = ranked_entries(competition, LeaderboardEntry.Split.PRIVATE, board).values_list("team_id", flat=True)
    ranked = enumerate(top[: len(prizes) + len(ineligible)], start=1)
    winners = [(rank, team_id) for rank, team_id in ranked if team_id not in ineligible][: len(prizes)]
    names = dict(Team.objects.filter(pk__in=[team_id for _, team_id in winners]).values_list("pk", "name"))
    awards = [
        Award(prize, team_id, names[team_id], rank)
        for prize, (rank, team_id) in zip(prizes, winners, strict=False)
    ]
    awards += [Award(prize) for prize in prizes[len(winners) :]]
    return PrizeAwards(awards, ineligible, is_final=True, board=board)


def prize_board(competition: Competition) -> PhaseTrack:
    """The board the prizes are decided on: the deciding phase's default track's."""
    return pair_of(competition, deciding_phase(competition), default_track(competition))


def ineligible_shown_to(
    user: User, competition: Competition, viewer_team: Team | None, ineligible: frozenset[int] | None = None
) -> frozenset[int]:
    """The teams whose 'not eligible for prizes' mark this viewer sees: all for the host, their own for a
    team, none for anyone else (who costs no query)."""
    if can_review(user, competition):
        if ineligible is None:
            ineligible = frozenset(
                competition.teams.filter(prize_ineligible_at__isnull=False).values_list("pk", flat=True)
            )
        return ineligible
    if viewer_team is not None and not viewer_team.is_prize_eligible:
        return frozenset({viewer_team.pk})
    return frozenset()


def rows_with_prizes(
    user: User,
    competition: Competition,
    split: str,
    rows: list[LeaderboardRow],
    *,
    viewer_team: Team | None,
    pair: PhaseTrack | None = None,
) -> tuple[list[LeaderboardRow], PrizeAwards | None]:
    """The rows with the prize each team won (the private board the prizes are decided on, with every
    award; another track's private board gets the awards marked `on_this_board=False` and no prize on its
    rows) and the mark the viewer may see. The public board's reads by anyone but the host and an
    ineligible team cost nothing."""
    awards = prize_awards(competition) if split == LeaderboardEntry.Split.PRIVATE else None
    if awards is not None and pair is not None and pair.pk != awards.board.pk:
        awards = dataclasses.replace(awards, on_this_board=False)
    shown = ineligible_shown_to(
        user, competition, viewer_team, awards.ineligible_team_ids if awards else None
    )
    if awards is None and not shown:
        return rows, None
    return [
        dataclasses.replace(
            row,
            prize=awards.prize_of(row.team_id) if awards and awards.on_this_board else None,
            not_eligible_for_prizes=row.team_id in shown,
        )
        for row in rows
    ], awards
