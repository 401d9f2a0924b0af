"""The datasets an organisation owns, for its page: a template tag, so organisations need not import this
app (it sits below it)."""

from django import template

from datasets.queries import search_datasets

register = template.Library()


@register.inclusion_tag("datasets/_organisation_datasets.html", takes_context=True)
def organisation_datasets(context, organisation):
    user = context["request"].user
    return {"datasets": search_datasets(user).filter(organisation=organisation), "organisation": organisation}
