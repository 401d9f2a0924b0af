"""Tells drf-spectacular about the submission fields that only some viewers receive."""

from drf_spectacular.extensions import OpenApiSerializerExtension


class SubmissionSerializerScheme(OpenApiSerializerExtension):
    """SubmissionSerializer adds private_score and host_error_detail in to_representation, for the viewers
    its context allows; the schema lists them as optional properties."""

    target_class = "submissions.serializers.SubmissionSerializer"

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["properties"]["private_score"] = {
            "type": "number",
            "format": "double",
            "nullable": True,
            "description": "Present for the host and admins, and for everyone once the competition has ended.",
        }
        schema["properties"]["host_error_detail"] = {
            "type": "string",
            "nullable": True,
            "description": "Present for the host and admins only: what the scorer said, beyond `error`.",
        }
        return schema
