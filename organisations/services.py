"""Creating an organisation and managing its members: every change is one transaction under the
organisation's row lock, so two owners removing each other at once cannot leave it without an owner."""

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from accounts.models import User
from config.errors import NotAllowed, NotFound
from config.plain_text import refuse_control_characters
from organisations.errors import OrganisationError
from organisations.models import Organisation, OrganisationMembership
from organisations.queries import OWNER, can_manage_members

ROLES = OrganisationMembership.Role


def field_error(name: str, message: str, code: str) -> OrganisationError:
    return OrganisationError(message, code=code, details={"field": name})


def create_organisation(*, user: User, name: str, slug: str = "", description: str = "") -> Organisation:
    """A new organisation; its creator is its first owner."""
    name = name.strip()
    if not name:
        raise field_error("name", "An organisation needs a name.", "name_required")
    refuse_control_characters(name, field="name", label="name")
    wanted = slugify(slug.strip() or name)[:100]
    if not wanted:
        raise field_error(
            "slug", "The slug needs at least one letter or digit (it becomes the page's address).", "bad_slug"
        )
    if slug.strip() and wanted != slug.strip():
        raise field_error(
            "slug",
            f"A slug holds only lower-case letters, digits and hyphens, like '{wanted}'.",
            "bad_slug",
        )
    taken = field_error(
        "slug", f"The slug '{wanted}' is already taken by another organisation; choose another.", "slug_taken"
    )
    if Organisation.objects.filter(slug=wanted).exists():
        raise taken
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(name=name, slug=wanted, description=description)
            OrganisationMembership.objects.create(organisation=organisation, user=user, role=OWNER)
    except IntegrityError as error:  # created by someone else between the check and the insert
        raise taken from error
    return organisation


def lock_organisation(organisation: Organisation, actor: User) -> Organisation:
    """The organisation, locked, once the actor may manage its members (an owner, or staff)."""
    if not can_manage_members(actor, organisation):
        raise NotAllowed("Only an owner of the organisation can manage its members.", code="not_owner")
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def check_role(role: str) -> None:
    if role not in ROLES.values:
        raise field_error("role", f"Unknown role '{role}'. Choose one of: owner, member.", "bad_role")


def add_member(
    *, organisation: Organisation, actor: User, username: str, role: str
) -> OrganisationMembership:
    username = username.strip()
    check_role(role)
    with transaction.atomic():
        lock_organisation(organisation, actor)
        user = User.objects.filter(username=username).first()
        if user is None:
            raise NotFound(f"No user '{username}'.", code="user_not_found", details={"field": "username"})
        if organisation.memberships.filter(user=user).exists():
            raise field_error(
                "username",
                f"'{username}' is already a member of {organisation.name}; change their role instead.",
                "already_member",
            )
        return OrganisationMembership.objects.create(organisation=organisation, user=user, role=role)


def membership_of(organisation: Organisation, username: str) -> OrganisationMembership:
    membership = organisation.memberships.select_related("user").filter(user__username=username).first()
    if membership is None:
        raise NotFound(
            f"'{username}' is not a member of {organisation.name}.",
            code="not_member",
            details={"field": "username"},
        )
    return membership


def check_an_owner_stays(organisation: Organisation, membership: OrganisationMembership, what: str) -> None:
    others = organisation.memberships.filter(role=OWNER).exclude(pk=membership.pk)
    if membership.role == OWNER and not others.exists():
        raise field_error(
            "username",
            f"'{membership.user.username}' is the last owner of {organisation.name}: an organisation keeps at "
            f"least one owner. Make someone else an owner before you {what}.",
            "last_owner",
        )


def remove_member(*, organisation: Organisation, actor: User, username: str) -> None:
    """An owner removes a member (or themselves); the last owner stays."""
    with transaction.atomic():
        lock_organisation(organisation, actor)
        membership = membership_of(organisation, username.strip())
        check_an_owner_stays(organisation, membership, "remove them")
        membership.delete()


def change_role(
    *, organisation: Organisation, actor: User, username: str, role: str
) -> OrganisationMembership:
    check_role(role)
    with transaction.atomic():
        lock_organisation(organisation, actor)
        membership = membership_of(organisation, username.strip())
        if role != OWNER:
            check_an_owner_stays(organisation, membership, "make them a member")
        membership.role = role
        membership.save(update_fields=["role"])
        return membership
