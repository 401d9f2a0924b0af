"""Reading a request's body through a serializer, the one way every API view does it."""


def validated(serializer_class, request, **options) -> dict:
    """The body parsed by the serializer, or a 400 whose details name each refused field."""
    form = serializer_class(data=request.data, **options)
    form.is_valid(raise_exception=True)
    return form.validated_data
