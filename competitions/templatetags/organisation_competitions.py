"""The competitions an organisation hosts, for its page: a template tag, so organisations need not import
this app (it sits below it)."""

from django import template

from competitions.queries import search_competitions, with_metric_names

register = template.Library()


@register.inclusion_tag("competitions/_organisation_competitions.html", takes_context=True)
def organisation_competitions(context, organisation):
    user = context["request"].user
    hosted = search_competitions(user).filter(organisation=organisation)
    return {"competitions": with_metric_names(hosted), "organisation": organisation}
