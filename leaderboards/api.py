"""The leaderboard API: a page or the whole board as CSV, and the host's and admins' disqualifications."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from competitions.phases import pairs_of
from competitions.queries import competition_for, team_for
from config.api_input_limits import page_parameter
from config.api_schema import LIMIT, OFFSET, error, errors
from leaderboards.boards import board_columns, board_for, leaderboard_csv, sort_column
from leaderboards.prizes import rows_with_prizes
from leaderboards.queries import board_page, leaderboard_rows, rows_sorted_by_column
from leaderboards.serializers import LeaderboardSerializer
from leaderboards.standing import delete_submission
from submissions.api import SubmissionDetailApi, serialize
from submissions.queries import submission_for
from submissions.serializers import SubmissionSerializer

MAX_PAGE = 500
CSV_MAX_ROWS = 1_000_000

SPLIT = OpenApiParameter(
    "split",
    str,
    enum=["public", "private"],
    default="public",
    description="The private board is shown once the competition has ended; any other value is a 404.",
)
PHASE = OpenApiParameter(
    "phase", int, required=False, description="The phase's number (default: the current one)."
)
TRACK = OpenApiParameter(
    "track", str, required=False, description="The track's slug (default: the default track)."
)
BOARD_ERRORS = {
    **errors(401),
    403: error("The private board before the end of the competition."),
    404: error("No such competition, or no such split."),
}


class LeaderboardApi(APIView):
    @extend_schema(
        operation_id="leaderboard_retrieve",
        summary="A page of a competition's leaderboard",
        tags=["leaderboards"],
        parameters=[
            SPLIT,
            PHASE,
            TRACK,
            OpenApiParameter(
                LIMIT.name, LIMIT.type, description=f"Rows to return: 100 unless given, {MAX_PAGE} at most."
            ),
            OFFSET,
            OpenApiParameter(
                "sort",
                str,
                description="A secondary column's label: the rows in that column's order, best first, each "
                "keeping its rank on the primary score. Left out: rank order.",
            ),
        ],
        responses={200: LeaderboardSerializer, **errors(400), **BOARD_ERRORS},
    )
    def get(self, request, slug):
        """?split=public|private of ?phase=N&track=slug, paginated with ?limit= and ?offset=, ordered by
        ?sort=."""
        competition = competition_for(request.user, slug)
        params = request.query_params
        board = board_for(
            request.user, competition, params.get("split", "public"), params.get("phase"), params.get("track")
        )
        columns = board_columns(request.user, competition, board.pair)
        sort = sort_column(columns, request.query_params.get("sort"))
        offset = page_parameter(request, "offset", default=0, minimum=0, maximum=board.size)
        limit = page_parameter(request, "limit", default=100, minimum=1, maximum=MAX_PAGE)
        if sort is None:
            rows = board_page(
                competition, board.split, offset=offset, limit=limit, size=board.size, pair=board.pair
            )
        else:
            rows = rows_sorted_by_column(
                competition, board.split, sort, offset=offset, limit=limit, size=board.size, pair=board.pair
            )
        viewer_team = team_for(request.user, competition) if request.user.is_authenticated else None
        rows, _ = rows_with_prizes(
            request.user, competition, board.split, rows, viewer_team=viewer_team, pair=board.pair
        )
        page = {
            "phase": board.pair.phase.number,
            "track": board.pair.track.slug,
            "split": board.split,
            "final": board.is_final,
            "pending_submissions": board.pending,
            "count": board.size,
            "offset": offset,
            "limit": limit,
            "sort": sort.label if sort else "",
            "results": rows,
        }
        context = {"split": board.split, "columns": [column.label for column in columns]}
        return Response(LeaderboardSerializer(page, context=context).data)


class LeaderboardCsvApi(APIView):
    @extend_schema(
        operation_id="leaderboard_csv",
        summary="The whole leaderboard as a CSV file",
        tags=["leaderboards"],
        parameters=[SPLIT, PHASE, TRACK],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="rank, team, score, ... per row."
            ),
            **errors(400),
            **BOARD_ERRORS,
        },
    )
    def get(self, request, slug):
        return leaderboard_download(request, slug)


def leaderboard_download(request, slug) -> HttpResponse:
    """The whole board as CSV, for the page's download button and the API alike."""
    competition = competition_for(request.user, slug)
    board = board_for(
        request.user,
        competition,
        request.GET.get("split", "public"),
        request.GET.get("phase"),
        request.GET.get("track"),
    )
    rows = (
        leaderboard_rows(competition, board.split, limit=CSV_MAX_ROWS, size=board.size, pair=board.pair)
        if board.size
        else []
    )
    rows, _ = rows_with_prizes(
        request.user, competition, board.split, rows, viewer_team=None, pair=board.pair
    )
    columns = board_columns(request.user, competition, board.pair)
    response = HttpResponse(
        leaderboard_csv(rows, board.split, columns), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{competition.slug}-{board_name(competition, board)}{board.split}-leaderboard.csv"'
    )
    return response


def board_name(competition, board) -> str:
    """'phase-2-main-' for a board of a competition with several phases or tracks, '' for a plain one."""
    if len(pairs_of(competition)) == 1:
        return ""
    return f"phase-{board.pair.phase.number}-{board.pair.track.slug}-"


class SubmissionApi(SubmissionDetailApi):
    """GET one submission; DELETE hides it from the leaderboards (it still counts against the quota)."""

    @extend_schema(
        operation_id="submission_delete",
        summary="Hide a submission from the leaderboards (it still counts against the quota)",
        description="Answers the submission, now with `deleted_at` set.",
        tags=["submissions"],
        responses={200: SubmissionSerializer, **errors(400, 401, 403, 404)},
    )
    def delete(self, request, submission_id):
        submission = submission_for(request.user, submission_id)
        delete_submission(submission=submission, user=request.user)
        submission.refresh_from_db()
        return Response(serialize(request.user, submission.competition, submission))
