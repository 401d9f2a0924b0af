"""The Host tab's prize actions: save the prizes, mark a team not eligible for prizes or eligible again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from competitions.prize_forms import PrizeEligibilityForm, PrizesForm
from competitions.prizes import PrizeRefused, set_prize_eligibility, set_prizes
from competitions.queries import competition_for, require_manager
from competitions.views import render_host_page


def host_competition(request, slug):
    competition = competition_for(request.user, slug)
    require_manager(request.user, competition, "change its prizes")
    return competition


@login_required
@require_POST
def save_prizes(request, slug):
    competition = host_competition(request, slug)
    form = PrizesForm(request.POST, competition=competition)
    if form.is_valid():
        drafts = form.drafts()
        if form.is_valid():
            try:
                saved = set_prizes(competition=competition, user=request.user, prizes=drafts)
            except PrizeRefused as refused:
                form.show_refusal(refused)
            else:
                count = len(saved)
                messages.success(request, f"Saved {count} prize{'s' if count != 1 else ''}.")
                return redirect(reverse("competitions:host", args=[slug]) + "#prizes")
    return render_host_page(request, competition, prizes_form=form)


@login_required
@require_POST
def prize_eligibility(request, slug):
    competition = host_competition(request, slug)
    if request.POST.get("eligible") == "1":
        team = competition.teams.filter(name=request.POST.get("team", "")).first()
        if team is not None:
            set_prize_eligibility(team=team, user=request.user, eligible=True)
            messages.success(request, f"Team '{team.name}' is eligible for prizes again.")
        return redirect(reverse("competitions:host", args=[slug]) + "#prize-eligibility")
    form = PrizeEligibilityForm(request.POST)
    if form.is_valid():
        name = form.cleaned_data["team"].strip()
        team = competition.teams.filter(name=name).first()
        if team is None:
            form.add_error("team", f"No team is named '{name}' in this competition; check the leaderboard.")
        else:
            try:
                set_prize_eligibility(
                    team=team, user=request.user, eligible=False, reason=form.cleaned_data["reason"]
                )
            except PrizeRefused as refused:
                form.add_error("reason", refused.message)
            else:
                messages.success(
                    request,
                    f"Team '{team.name}' is not eligible for prizes; it still ranks, and its prize goes to the "
                    "next eligible team.",
                )
                return redirect(reverse("competitions:host", args=[slug]) + "#prize-eligibility")
    return render_host_page(request, competition, eligibility_form=form)
