"""Embeds a page's Croissant JSON-LD, as search engines and dataset crawlers read it."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from datasets.croissant_api import dataset_croissant

register = template.Library()

# As django.utils.html.json_script escapes: nothing in the data can close the tag or open a comment.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(document: dict) -> str:
    text = json.dumps(document, separators=(",", ":")).translate(SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 - escaped above


@register.simple_tag(takes_context=True)
def croissant_json_ld(context, dataset=None, version=None) -> str:
    """The script tag for a dataset's version; empty when there is none."""
    if dataset and version:
        return json_ld_script(dataset_croissant(context["request"], dataset, version))
    return ""
