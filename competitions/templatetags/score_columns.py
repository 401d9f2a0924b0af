"""A secondary score column's value as the pages show it (competitions.score_columns)."""

from django import template

register = template.Library()


@register.filter
def column_value(values: dict | None, column) -> str:
    """`{{ submission.public_columns|column_value:column }}`: the value at the column's precision, or empty."""
    return column.format((values or {}).get(column.label))
