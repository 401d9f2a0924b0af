"""Reading a request's body or query through a serializer, the one way every API view does it."""

from collections.abc import Mapping

from django.http import QueryDict
from rest_framework import serializers


def checked(serializer_class: type[serializers.Serializer], data, **options) -> serializers.Serializer:
    """The serializer, validated, for views that need more of it than its data (a query's as_search()); a 400
    whose details name each refused field otherwise."""
    form = serializer_class(data=data, **options)
    refuse_numbers_as_text(form, data)
    require_form_booleans(form, data)
    form.is_valid(raise_exception=True)
    return form


def require_form_booleans(form: serializers.Serializer, data) -> None:
    """DRF reads a true/false field missing from a form as false (an HTML checkbox left unticked is not sent);
    the API is not a checkbox, so a required one left out is refused, as it is in a JSON body."""
    if not isinstance(data, QueryDict):
        return
    missing = {
        name: ["This field is required."]
        for name, field in form.fields.items()
        if isinstance(field, serializers.BooleanField)
        and field.required
        and not field.read_only
        and name not in data
    }
    if missing:
        raise serializers.ValidationError(missing)


def refuse_numbers_as_text(form: serializers.Serializer, data) -> None:
    """DRF's text fields turn a JSON number or boolean into its text ({"body": 9.87e42} is a comment
    "9.87e+42"); the schema says text, so a JSON body gets a 400 naming such fields instead."""
    if isinstance(data, QueryDict) or not isinstance(data, Mapping):
        return  # forms and queries carry only text
    refused = {
        name: ["Must be text, not a number or true/false."]
        for name, field in form.fields.items()
        if not field.read_only and number_as_text(field, data.get(name))
    }
    if refused:
        raise serializers.ValidationError(refused)


def number_as_text(field: serializers.Field, value: object) -> bool:
    """A number (or true/false: bool is an int too) where the field wants text, or a list of text holding one."""
    if isinstance(field, serializers.CharField):
        return isinstance(value, int | float)
    if isinstance(field, serializers.ListField) and isinstance(field.child, serializers.CharField):
        return isinstance(value, list) and any(isinstance(item, int | float) for item in value)
    return False


def validated(serializer_class: type[serializers.Serializer], request, **options) -> dict:
    """The request's body parsed by the serializer, or a 400 whose details name each refused field."""
    return checked(serializer_class, request.data, **options).validated_data


class OrderingField(serializers.ChoiceField):
    """A list's ?ordering=: one of its orderings. Left out or empty it is the default, as the other filters of
    a list treat an empty value; anything else is refused with a 400 that names the orderings."""

    def __init__(self, orderings, *, default: str, **kwargs):
        choices = list(orderings)
        super().__init__(
            choices=choices,
            required=False,
            allow_blank=True,
            default=default,
            error_messages={
                "invalid_choice": f'"{{input}}" is not an ordering; use one of: {", ".join(choices)}.'
            },
            **kwargs,
        )

    def to_internal_value(self, data):
        return self.default if data == "" else super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """true or false, and nothing DRF would also read as one (1, "0", "yes", "on"): the API's booleans are
    strict (mail.api.OnOffField is the same rule)."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        if isinstance(data, str) and data.lower() in ("true", "false"):
            return data.lower() == "true"
        self.fail("invalid", input=data)
