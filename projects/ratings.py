"""Projects are rated like datasets (community.ratings): by anyone who may see them but their authors (the
owner and, for an organisation's project, every member of the organisation)."""

from django.urls import reverse

from community.ratings import ratable
from organisations.models import OrganisationMembership
from projects.models import Project
from projects.queries import project_for


def project_authors(project: Project) -> set[int]:
    if project.organisation_id is None:
        return {project.owner_id}
    members = OrganisationMembership.objects.filter(organisation_id=project.organisation_id)
    return {project.owner_id, *members.values_list("user_id", flat=True)}


ratable(
    name="project",
    model=Project,
    find=project_for,
    key=lambda project: project.slug,
    page_url=lambda project: reverse("projects:detail", args=[project.slug]),
    authors=project_authors,
)
