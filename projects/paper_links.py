"""Projects on a paper's page and in its API (community.papers): those the reader may see, best rated first."""

from django.urls import reverse

from accounts.models import User
from community.models import Paper
from community.papers import ImplementingProject, register_implementing_projects
from projects.models import Project
from projects.queries import ordered_projects, visible_projects


def projects_implementing(user: User, paper: Paper) -> list[ImplementingProject]:
    projects = ordered_projects(visible_projects(user).filter(papers=paper), "rating")
    return [
        ImplementingProject(
            slug=project.slug,
            title=project.title,
            publisher=project.organisation.name if project.organisation else project.owner.username,
            is_private=project.visibility == Project.Visibility.PRIVATE,
            rating_count=project.rating_count,
            rating_average=project.rating_average,
            page=reverse("projects:detail", args=[project.slug]),
        )
        for project in projects
    ]


register_implementing_projects(projects_implementing)
