"""Comments on projects (community.targets): readers discuss a project on its page; its owner hears of it."""

from django.urls import reverse

from community.targets import TargetKind, register_kind
from projects.models import Project
from projects.queries import project_for

register_kind(
    "project",
    TargetKind(
        name="project",
        label="project",
        model=Project,
        find=project_for,
        key=lambda project: project.slug,
        page_url=lambda project: reverse("projects:detail", args=[project.slug]),
        owners=lambda project: [project.owner],
        competition=lambda project: None,
        votable=False,
    ),
)
