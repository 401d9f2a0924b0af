"""The organisation's page, with its members (owners manage them there) and what it hosts and owns; the
lists of competitions and datasets come from those apps' template tags."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.actions import run_action
from config.errors import DomainError
from organisations import services
from organisations.forms import MemberForm, OrganisationForm
from organisations.models import Organisation, OrganisationMembership
from organisations.queries import can_manage_members, organisation_for, organisation_members


def organisation_list(request):
    organisations = Organisation.objects.all()
    return render(request, "organisations/list.html", {"organisations": organisations})


def detail(request, slug):
    organisation = organisation_for(slug)
    context = {
        "organisation": organisation,
        "members": organisation_members(organisation),
        "may_manage": can_manage_members(request.user, organisation),
        "member_form": MemberForm(),
        "roles": OrganisationMembership.Role.choices,
    }
    return render(request, "organisations/detail.html", context)


@login_required
def create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.create_organisation(user=request.user, **form.cleaned_data)
        except DomainError as error:
            field = error.details.get("field")
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, f"{organisation.name} is created; you are its owner.")
            return redirect("organisations:detail", slug=organisation.slug)
    return render(request, "organisations/new.html", {"form": form})


def on_organisation(request, slug: str, action: Callable[[Organisation], str]):
    """Runs the action on the organisation and comes back to its page with its message."""
    organisation = organisation_for(slug)
    return run_action(request, organisation, action, reverse("organisations:detail", kwargs={"slug": slug}))


@login_required
@require_POST
def add_member(request, slug):
    def action(organisation):
        membership = services.add_member(
            organisation=organisation,
            actor=request.user,
            username=request.POST.get("username", ""),
            role=request.POST.get("role", "member"),
        )
        return f"'{membership.user.username}' joined {organisation.name} as {membership.get_role_display().lower()}."

    return on_organisation(request, slug, action)


@login_required
@require_POST
def change_role(request, slug, username):
    def action(organisation):
        membership = services.change_role(
            organisation=organisation,
            actor=request.user,
            username=username,
            role=request.POST.get("role", ""),
        )
        return f"'{membership.user.username}' is now {membership.get_role_display().lower()}."

    return on_organisation(request, slug, action)


@login_required
@require_POST
def remove_member(request, slug, username):
    def action(organisation):
        services.remove_member(organisation=organisation, actor=request.user, username=username)
        return f"'{username}' is no longer a member of {organisation.name}."

    return on_organisation(request, slug, action)
