"""`{% submission_projects writeup.submission_id %}`: the projects a team attached to a submission, for the
write-up that describes it; `{% paper_projects paper.pk %}`: the projects that implement a paper, for its page
(only those the viewer may see, in both)."""

from django import template

from projects.queries import listed_projects, visible_projects

register = template.Library()


@register.inclusion_tag("projects/_submission_projects.html", takes_context=True)
def submission_projects(context, submission_id: int | None) -> dict:
    user = context["request"].user
    projects = listed_projects(user).filter(submission_id=submission_id) if submission_id else []
    return {"attached": list(projects)}


@register.inclusion_tag("projects/_paper_projects.html", takes_context=True)
def paper_projects(context, paper_id: int) -> dict:
    user = context["request"].user
    projects = visible_projects(user).filter(papers=paper_id).order_by("-created_at", "-pk")
    return {"implementing": list(projects)}
