"""Embeds the Croissant JSON-LD of a competition's public data in its Data tab."""

from django import template

from competitions.croissant_api import competition_croissant
from competitions.phases import public_data_of
from datasets.templatetags.croissant import json_ld_script

register = template.Library()


@register.simple_tag(takes_context=True)
def competition_croissant_json_ld(context, competition) -> str:
    """The script tag for the competition's public data; empty while it has none."""
    if public_data_of(competition) is None:
        return ""
    return json_ld_script(competition_croissant(context["request"], competition))
