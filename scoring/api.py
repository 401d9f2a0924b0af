from rest_framework.response import Response
from rest_framework.views import APIView

from competitions.queries import competition_for
from scoring.leaderboard import public_leaderboard, public_leaderboard_size

MAX_PAGE = 500


class LeaderboardApi(APIView):
    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        size = public_leaderboard_size(competition)
        offset = min(parse_int(request.query_params.get("offset"), 0, 0), size)
        limit = min(parse_int(request.query_params.get("limit"), 100, 1), MAX_PAGE)
        rows = public_leaderboard(competition, offset=offset, limit=limit)
        return Response(
            {
                "split": "public",
                "count": size,
                "offset": offset,
                "limit": limit,
                "results": [
                    {
                        "rank": r.rank,
                        "team": r.team_name,
                        "score": r.score,
                        "entries": r.entries,
                        "last_submitted_at": r.last_submitted_at,
                    }
                    for r in rows
                ],
            }
        )


def parse_int(raw, default: int, minimum: int) -> int:
    try:
        return max(int(raw), minimum)
    except (TypeError, ValueError):
        return default
