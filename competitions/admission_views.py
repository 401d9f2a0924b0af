"""Pages for admission: the invitation link, a join request, and the host's actions on the Host tab.

A host's action comes back to the Host tab's access section with its message, as the Team tab does."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from competitions import admission
from competitions.admission_forms import InvitationForm, entries_in
from competitions.models import Competition
from competitions.queries import competition_for, is_admitted
from config.actions import run_action
from config.errors import DomainError


def invitation(request, slug, code):
    """An invitation link: the invitee signs in and is admitted with one click (a GET changes nothing)."""
    found = admission.invitation_for(slug, code)
    competition = found.competition
    if request.method == "POST" and request.user.is_authenticated:
        admission.redeem_invitation(slug=slug, code=code, user=request.user)
        messages.success(request, f"You are admitted to '{competition.title}': read the rules and join.")
        return redirect("competitions:rules", slug=slug)
    context = {
        "competition": competition,
        "invitation": found,
        "problem": admission.invitation_problem(found, timezone.now()),
        "already_admitted": request.user.is_authenticated and is_admitted(request.user, competition),
    }
    return render(request, "competitions/invitation.html", context)


@login_required
@require_POST
def request_to_join(request, slug):
    competition = competition_for(request.user, slug)
    message = request.POST.get("message", "")  # the service checks it, for the page and the API alike
    admission.request_to_join(competition=competition, user=request.user, message=message)
    messages.success(request, "Your request is with the host; you will be notified of the answer.")
    return redirect("competitions:overview", slug=slug)


def host_action(request, slug: str, action: Callable[[Competition], str]):
    """Runs the action on the competition and comes back to the Host tab's access section."""
    competition = competition_for(request.user, slug)
    return run_action(request, competition, action, reverse("competitions:host", args=[slug]) + "#access")


@login_required
@require_POST
def create_invitation(request, slug):
    def action(competition):
        form = InvitationForm(request.POST)
        if not form.is_valid():  # a date or number that does not parse; the service checks the rest
            field, errors = next(iter(form.errors.items()))
            raise DomainError(
                f"{form.fields[field].label}: {errors[0]}",
                code="invalid_invitation",
                details={"field": field},
            )
        admission.create_invitation(competition=competition, user=request.user, **form.cleaned_data)
        return "New invitation link made: copy it from the list below."

    return host_action(request, slug, action)


@login_required
@require_POST
def revoke_invitation(request, slug, invitation_id):
    def action(competition):
        found = admission.host_invitation(request.user, competition, invitation_id)
        admission.revoke_invitation(invitation=found, user=request.user)
        return "The invitation link is revoked; those it admitted stay admitted."

    return host_action(request, slug, action)


@login_required
@require_POST
def add_to_allow_list(request, slug):
    def action(competition):
        entries = entries_in(request.POST.get("entries", ""))
        added = admission.add_to_allow_list(competition=competition, user=request.user, entries=entries)
        return f"The allow-list admits {', '.join(entry.entry for entry in added)}."

    return host_action(request, slug, action)


@login_required
@require_POST
def remove_from_allow_list(request, slug, entry_id):
    def action(competition):
        admission.remove_from_allow_list(competition=competition, user=request.user, entry_id=entry_id)
        return "Removed from the allow-list; those who already joined stay in."

    return host_action(request, slug, action)


@login_required
@require_POST
def answer_join_request(request, slug, request_id, verb):
    def action(competition):
        join_request = admission.host_join_request(request.user, competition, request_id)
        reason = request.POST.get("reason", "") if verb == "refuse" else ""
        answered = admission.answer_join_request(
            join_request=join_request, user=request.user, approve=verb == "approve", reason=reason
        )
        return f"{answered.user.username}'s request is {answered.status}."

    return host_action(request, slug, action)
