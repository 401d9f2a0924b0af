"""Comments on projects (community.targets): readers discuss a project on its page; its owner hears of it (and,
for an organisation's project, the organisation's owners)."""

from django.urls import reverse

from accounts.models import User
from community.targets import TargetKind, register_kind
from organisations.models import OrganisationMembership
from projects.models import Project
from projects.queries import project_for


def project_owners(project: Project) -> list[User]:
    """Who is told of a comment: the project's owner and its organisation's owners."""
    owners = [project.owner]
    if project.organisation_id is not None:
        memberships = OrganisationMembership.objects.filter(
            organisation_id=project.organisation_id, role=OrganisationMembership.Role.OWNER
        ).select_related("user")
        owners += [m.user for m in memberships if m.user_id != project.owner_id]
    return owners


register_kind(
    "project",
    TargetKind(
        name="project",
        label="project",
        model=Project,
        find=project_for,
        key=lambda project: project.slug,
        page_url=lambda project: reverse("projects:detail", args=[project.slug]),
        owners=project_owners,
        competition=lambda project: None,
        votable=False,
    ),
)
