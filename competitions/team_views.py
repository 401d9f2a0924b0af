"""The Team tab: one page that shows the team, and POST actions that call one service and come back to it.

A refused action comes back to the tab with its message, so the participant sees why next to the forms.
"""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from competitions import teams
from competitions.models import Competition
from competitions.queries import competition_for
from competitions.views import competition_context
from config.actions import run_action


@login_required
def team_page(request, slug):
    competition = competition_for(request.user, slug)
    context = competition_context(request, competition, "team")
    context["state"] = teams.team_state(request.user, competition)
    return render(request, "competitions/team.html", context)


def on_team(request, slug: str, action: Callable[[Competition], str]):
    """Runs the action on the competition and comes back to the Team tab with its message."""
    competition = competition_for(request.user, slug)
    return run_action(request, competition, action, reverse("competitions:team", kwargs={"slug": slug}))


@login_required
@require_POST
def rename(request, slug):
    def action(competition):
        team = teams.rename_team(
            competition=competition, user=request.user, name=request.POST.get("name", "")
        )
        return f"Your team is now called '{team.name}'."

    return on_team(request, slug, action)


@login_required
@require_POST
def invite(request, slug):
    def action(competition):
        invitation = teams.invite_member(
            competition=competition, user=request.user, username=request.POST.get("username", "")
        )
        return f"You invited '{invitation.invitee.username}'; they join when they accept."

    return on_team(request, slug, action)


@login_required
@require_POST
def answer_invitation(request, slug, invitation_id, verb):
    def action(competition):
        invitation = teams.invitation_for(competition, invitation_id)
        if verb == "accept":
            team = teams.accept_invitation(invitation=invitation, user=request.user)
            return f"You joined team '{team.name}'."
        if verb == "decline":
            teams.decline_invitation(invitation=invitation, user=request.user)
            return f"You declined the invitation of team '{invitation.team.name}'."
        teams.withdraw_invitation(invitation=invitation, user=request.user)
        return f"You withdrew the invitation of '{invitation.invitee.username}'."

    return on_team(request, slug, action)


@login_required
@require_POST
def leave(request, slug):
    def action(competition):
        team = teams.leave_team(competition=competition, user=request.user)
        return f"You left your team; you now compete alone as team '{team.name}'."

    return on_team(request, slug, action)


@login_required
@require_POST
def remove(request, slug, username):
    def action(competition):
        teams.remove_member(competition=competition, user=request.user, username=username)
        return f"You removed '{username}' from the team."

    return on_team(request, slug, action)


@login_required
@require_POST
def disband(request, slug):
    def action(competition):
        teams.disband_team(competition=competition, user=request.user)
        return "You disbanded the team; each former member now competes alone."

    return on_team(request, slug, action)


@login_required
@require_POST
def request_merge(request, slug):
    def action(competition):
        merge_request = teams.request_merge(
            competition=competition, user=request.user, target_name=request.POST.get("team", "")
        )
        return f"You asked team '{merge_request.target.name}' to merge; their leader will answer."

    return on_team(request, slug, action)


@login_required
@require_POST
def answer_merge(request, slug, request_id, verb):
    def action(competition):
        merge_request = teams.merge_request_for(competition, request_id)
        requester = merge_request.requester.name
        if verb == "accept":
            team = teams.accept_merge(merge_request=merge_request, user=request.user)
            return f"Team '{requester}' merged into '{team.name}'."
        if verb == "decline":
            teams.decline_merge(merge_request=merge_request, user=request.user)
            return f"You declined the merge request of team '{requester}'."
        teams.withdraw_merge(merge_request=merge_request, user=request.user)
        return f"You withdrew your merge request to team '{merge_request.target.name}'."

    return on_team(request, slug, action)
