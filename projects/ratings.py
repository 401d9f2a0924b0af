"""Projects are rated like datasets (community.ratings): by anyone who may see them but their owner."""

from django.urls import reverse

from community.ratings import ratable
from projects.models import Project
from projects.queries import project_for

ratable(
    name="project",
    model=Project,
    find=project_for,
    key=lambda project: project.slug,
    page_url=lambda project: reverse("projects:detail", args=[project.slug]),
    authors=lambda project: {project.owner_id},
)
