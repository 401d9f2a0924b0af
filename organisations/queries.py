"""Reads about organisations that pages, the API and the apps above share."""

from django.db.models import QuerySet

from accounts.models import User
from config.errors import DomainError, NotFound
from organisations.models import Organisation, OrganisationMembership

OWNER = OrganisationMembership.Role.OWNER


def organisation_for(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise NotFound(f"No organisation '{slug}' exists.")
    return organisation


def organisation_named(slug: str) -> Organisation:
    """The organisation a form or request body names to host or publish for: one that does not exist is a
    mistake in that field (400), not a missing page (404)."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise DomainError(
            f"Organisation: no organisation '{slug}' exists; give the slug of one you belong to.",
            code="unknown_organisation",
            details={"field": "organisation"},
        )
    return organisation


def organisation_role(user: User, organisation_id: int | None) -> str | None:
    """The user's role in the organisation ('owner' or 'member'), or None."""
    if organisation_id is None or not user.is_authenticated:
        return None
    return (
        OrganisationMembership.objects.filter(organisation_id=organisation_id, user=user)
        .values_list("role", flat=True)
        .first()
    )


def can_manage_members(user: User, organisation: Organisation) -> bool:
    return user.is_authenticated and (user.is_staff or organisation_role(user, organisation.pk) == OWNER)


def organisations_of(user: User) -> QuerySet[Organisation]:
    """The organisations the user belongs to (any role): those they may host or publish for."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).distinct()


def organisation_members(organisation: Organisation) -> QuerySet[OrganisationMembership]:
    return organisation.memberships.select_related("user")
