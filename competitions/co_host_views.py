"""The Host tab's co-host section: POST actions that call one service and come back to the tab with its
message (a refusal names the field and the rule)."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.views.decorators.http import require_POST

from competitions import co_hosts
from competitions.models import Competition, CompetitionHost
from competitions.queries import competition_for
from config.actions import run_action

ROLE_TITLES = dict(CompetitionHost.Role.choices)


def on_co_hosts(request, slug: str, action: Callable[[Competition], str]):
    """Runs the action on the competition and comes back to the Host tab's co-host section."""
    competition = competition_for(request.user, slug)
    return run_action(request, competition, action, f"{reverse('competitions:host', args=[slug])}#co-hosts")


@login_required
@require_POST
def add(request, slug):
    def action(competition):
        added = co_hosts.add_co_host(
            competition=competition,
            actor=request.user,
            username=request.POST.get("username", ""),
            role=request.POST.get("role", CompetitionHost.Role.CO_HOST),
        )
        return f"'{added.user.username}' is now a {ROLE_TITLES[added.role].lower()}."

    return on_co_hosts(request, slug, action)


@login_required
@require_POST
def change_role(request, slug, username):
    def action(competition):
        changed = co_hosts.change_co_host_role(
            competition=competition, actor=request.user, username=username, role=request.POST.get("role", "")
        )
        return f"'{changed.user.username}' is now a {ROLE_TITLES[changed.role].lower()}."

    return on_co_hosts(request, slug, action)


@login_required
@require_POST
def remove(request, slug, username):
    def action(competition):
        co_hosts.remove_co_host(competition=competition, actor=request.user, username=username)
        return f"'{username}' no longer helps host this competition."

    return on_co_hosts(request, slug, action)
