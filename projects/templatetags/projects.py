"""`{% submission_projects writeup.submission_id %}`: the projects a team attached to a submission, for the
write-up that describes it (only those the viewer may see). A paper's projects come through
community.papers.implementing_projects (projects/paper_links.py)."""

from django import template

from projects.queries import listed_projects

register = template.Library()


@register.inclusion_tag("projects/_submission_projects.html", takes_context=True)
def submission_projects(context, submission_id: int | None) -> dict:
    user = context["request"].user
    projects = listed_projects(user).filter(submission_id=submission_id) if submission_id else []
    return {"attached": list(projects)}
