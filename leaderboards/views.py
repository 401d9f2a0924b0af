"""The leaderboard pages, the host's dashboard, and deleting or disqualifying a submission from a page."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from competitions.phases import current_phase, phases_of, scoring_setup, tracks_of
from competitions.queries import competition_for, require_reviewer
from competitions.score_columns import columns_of
from competitions.views import competition_context
from leaderboards import charts, dashboard
from leaderboards.api import leaderboard_download
from leaderboards.boards import board_columns, board_for
from leaderboards.prizes import rows_with_prizes
from leaderboards.queries import (
    board_page,
    ranks_of_teams,
    row_filters,
    rows_at_ranks,
    rows_sorted_by_column,
    with_cells,
)
from leaderboards.standing import delete_submission
from scoring import engine
from submissions.queries import submission_for

PAGE_SIZE = 100


def leaderboard(request, slug):
    competition = competition_for(request.user, slug)
    context = competition_context(request, competition, "leaderboard")
    board = board_for(
        request.user,
        competition,
        request.GET.get("split", "public"),
        request.GET.get("phase"),
        request.GET.get("track"),
    )
    pair = board.pair
    filters = row_filters()
    only = request.GET.get("only", "") if request.GET.get("only") in filters else ""
    columns = board_columns(request.user, competition, pair)
    # An unknown or hidden label shows the board in rank order, as a stale link should.
    sort = next((column for column in columns if column.label == request.GET.get("sort")), None)
    if sort is not None and not only:
        page = Paginator(range(board.size), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = rows_sorted_by_column(
            competition,
            board.split,
            sort,
            offset=(page.number - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
            size=board.size,
            pair=pair,
        )
    elif only:
        teams = filters[only].teams(competition)
        page = Paginator(ranks_of_teams(competition, board.split, teams, pair), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        rows = rows_at_ranks(competition, board.split, list(page.object_list), size=board.size, pair=pair)
    else:
        page = Paginator(range(board.size), PAGE_SIZE).get_page(request.GET.get("page"))
        offset = (page.number - 1) * PAGE_SIZE
        rows = board_page(
            competition, board.split, offset=offset, limit=PAGE_SIZE, size=board.size, pair=pair
        )
    rows, awards = rows_with_prizes(
        request.user, competition, board.split, rows, viewer_team=context.get("team"), pair=pair
    )
    choices = board_choices(competition, pair)
    context.update(
        rows=with_cells(rows, columns),
        awards=awards if awards and awards.awards else None,
        columns=columns,
        tie_breaks=tie_breaks(competition, columns, pair),
        metric=board_scoring(competition, pair) or context.get("metric"),
        sort=sort.label if sort and not only else "",
        page=page,
        board=board,
        finished=competition.phase == "finished",
        only=only,
        private=board.split == "private",
        your_team_id=context["team"].pk if context.get("team") else None,
        row_filters=[(name, row_filter.label) for name, row_filter in filters.items()],
        board_choices=choices,
        board_query=f"phase={pair.phase.number}&track={pair.track.slug}&" if choices else "",
    )
    return render(request, "leaderboards/leaderboard.html", context)


def board_choices(competition, pair) -> dict | None:
    """The phases and tracks a reader may switch the board to (None for a plain competition, which has
    one board), each with whether it is the one shown."""
    phases, tracks = phases_of(competition), tracks_of(competition)
    if len(phases) == 1 and len(tracks) == 1:
        return None
    current = current_phase(competition)
    return {
        "phases": [(phase, phase.pk == pair.phase_id, phase.pk == current.pk) for phase in phases],
        "tracks": [(track, track.pk == pair.track_id) for track in tracks] if len(tracks) > 1 else [],
        "phase": pair.phase,
        "track": pair.track,
    }


@dataclass(frozen=True)
class BoardScoring:
    """What the board's note says scores it: the pair's metric, or the host's program, and its direction."""

    name: str
    higher_is_better: bool


def board_scoring(competition, pair) -> BoardScoring | None:
    if pair is None:
        return None
    setup = scoring_setup(pair, competition)
    if setup.is_program_scored:
        return BoardScoring("the host's scoring program", setup.higher_is_better)
    metric = engine.METRICS.get(setup.metric)
    return BoardScoring(metric.name, metric.higher_is_better) if metric else None


def tie_breaks(competition, columns, pair=None) -> list[str]:
    """What ties on the board's score break on, in order, as the viewer may read it: the pair's columns (a
    host's program fills its own). A hidden column still breaks ties, so a participant is told one does
    without its name."""
    seen = {column.label for column in columns}
    setup_columns = (
        scoring_setup(pair, competition).score_columns if pair is not None else competition.score_columns
    )
    return [
        column.label if column.label in seen else "a column only the host sees"
        for column in columns_of(setup_columns)
    ]


def leaderboard_csv(request, slug):
    return leaderboard_download(request, slug)


@login_required
@require_POST
def delete(request, slug, submission_id):
    delete_submission(submission=submission_for(request.user, submission_id), user=request.user)
    messages.success(
        request,
        f"Submission {submission_id} deleted from the leaderboards; it still counts against your quota.",
    )
    return redirect("submissions:list", slug=slug)


@login_required
def host_dashboard(request, slug):
    """The host's view of the competition: joins, submissions, failures and the top of both boards."""
    competition = competition_for(request.user, slug)
    require_reviewer(request.user, competition, "see its dashboard")
    figures = dashboard.host_dashboard(competition)
    context = competition_context(request, competition, "host")
    context.update(figures=figures, **dashboard_charts(figures))
    return render(request, "leaderboards/dashboard.html", context)


def dashboard_charts(figures: dashboard.Dashboard) -> dict:
    days = [day.isoformat() for day in figures.days]
    first, last = days[0], days[-1]
    people = [
        charts.Series("Participants", figures.participants_by_day),
        charts.Series("Teams", figures.teams_by_day),
    ]
    submissions = [
        charts.Series("Scored", figures.scored_by_day, colour="#157347"),
        charts.Series("Failed", figures.failed_by_day, colour="#b42318"),
    ]
    return {
        "people_chart": charts.line_chart(
            people,
            days,
            title="Participants and teams over time",
            description=(
                f"Cumulative participants and teams per UTC day from {first} to {last}: "
                f"{figures.participants_by_day[-1]} participants and {figures.teams_by_day[-1]} teams by {last}."
            ),
        ),
        "people_table": charts.data_table(
            people, days, caption="Participants and teams, cumulative per UTC day", label_heading="Day"
        ),
        "submissions_chart": charts.bar_chart(
            submissions,
            days,
            title="Submissions per day",
            description=(
                f"Submissions made each UTC day from {first} to {last}, scored and failed stacked: "
                f"{sum(figures.scored_by_day)} scored and {sum(figures.failed_by_day)} failed in this period."
            ),
        ),
        "submissions_table": charts.data_table(
            submissions, days, caption="Submissions per UTC day, scored and failed", label_heading="Day"
        ),
    }
