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
