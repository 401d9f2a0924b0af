"""Kaggle-style medals on a final private leaderboard."""

MEDALS = ("gold", "silver", "bronze")


def medal_cutoffs(teams: int) -> dict[str, int]:
    """The last rank earning each medal, by Kaggle's published thresholds for the number of teams."""
    if teams < 100:
        cutoffs = (teams * 10 // 100, teams * 20 // 100, teams * 40 // 100)
    elif teams < 250:
        cutoffs = (10, teams * 20 // 100, teams * 40 // 100)
    elif teams < 1000:
        cutoffs = (10 + teams * 2 // 1000, 50, 100)
    else:
        cutoffs = (10 + teams * 2 // 1000, teams * 5 // 100, teams * 10 // 100)
    return dict(zip(MEDALS, cutoffs, strict=True))


def medal_for(rank: int, cutoffs: dict[str, int]) -> str | None:
    for medal in MEDALS:
        if rank <= cutoffs[medal]:
            return medal
    return None
