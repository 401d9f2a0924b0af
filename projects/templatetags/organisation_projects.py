"""The projects an organisation publishes, for its page: a template tag, so organisations need not import this
app (it sits below it)."""

from django import template

from projects.queries import listed_projects

register = template.Library()


@register.inclusion_tag("projects/_organisation_projects.html", takes_context=True)
def organisation_projects(context, organisation):
    """Its public projects, and its private ones to its members (listed_projects decides)."""
    user = context["request"].user
    projects = listed_projects(user).filter(organisation=organisation).order_by("-created_at", "-pk")
    return {"projects": projects[:100], "organisation": organisation}
