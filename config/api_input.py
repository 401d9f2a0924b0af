"""Reading a request's body or query through a serializer, the one way every API view does it."""

from rest_framework import serializers


def checked(serializer_class: type[serializers.Serializer], data, **options) -> serializers.Serializer:
    """The serializer, validated, for views that need more of it than its data (a query's as_search()); a 400
    whose details name each refused field otherwise."""
    form = serializer_class(data=data, **options)
    form.is_valid(raise_exception=True)
    return form


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
