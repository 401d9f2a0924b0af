from django.core.paginator import Paginator
from django.shortcuts import render

from competitions.queries import competition_for
from competitions.views import competition_context
from scoring.leaderboard import public_leaderboard, public_leaderboard_size

PAGE_SIZE = 100


def leaderboard(request, slug):
    competition = competition_for(request.user, slug)
    context = competition_context(request, competition, "leaderboard")
    paginator = Paginator(range(public_leaderboard_size(competition)), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    offset = (page.number - 1) * PAGE_SIZE
    context.update(rows=public_leaderboard(competition, offset=offset, limit=PAGE_SIZE), page=page)
    return render(request, "scoring/leaderboard.html", context)
