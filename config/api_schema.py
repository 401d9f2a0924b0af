"""What the OpenAPI schema's operations share: the error answer, paging, file downloads, rate-limit headers.

Views describe themselves with drf-spectacular's @extend_schema and take their common parts from here, so
a newcomer reads one view's decorator and finds every shared piece in this module."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers


# The shape config/api_errors.py gives every error; this serializer only describes it.
class ErrorSerializer(serializers.Serializer):
    """Every error answer of the API, whatever its status."""

    code = serializers.CharField(help_text="Stable, for programs: not_found, invalid, quota_exceeded, ...")
    message = serializers.CharField(help_text="A sentence for the person who will read it.")
    details = serializers.DictField(
        help_text="Extra facts about the error; for a refused form, `fields` maps each field to its messages."
    )


ERROR_MEANINGS = {
    400: "Refused: a field is missing or invalid, or a rule of the competition forbids the action.",
    401: "Credentials are needed and none were sent, or the token is invalid or revoked.",
    403: "Logged in but not allowed: not the host or owner, or the competition's rules not accepted yet.",
    404: "No such object, or one you may not see.",
    409: "Something changed meanwhile (an answered invitation, a merged team): reload and try again.",
    413: "The upload is larger than the site's limit.",
    429: "Too many requests: a burst limit was reached; retry after the seconds in Retry-After.",
}


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """The error answers an operation can give, each in the shared error shape with its usual meaning."""
    return {status: error(ERROR_MEANINGS[status]) for status in statuses}


# --- Paging ---------------------------------------------------------------------------------------------
# Whole numbers (config.api_input_limits.page_parameter refuses anything else); larger ones are clamped.
LIMIT = OpenApiParameter(
    "limit", {"type": "integer", "minimum": 1}, description="How many results to return (50 unless given)."
)
OFFSET = OpenApiParameter(
    "offset", {"type": "integer", "minimum": 0}, description="How many results to skip from the start."
)
PAGING = [LIMIT, OFFSET]


def paginated(name: str, item: type[serializers.Serializer], **more_fields) -> serializers.Serializer:
    """A page of a LimitOffsetPagination list, as the list views answer it."""
    return inline_serializer(
        name,
        fields={
            "count": serializers.IntegerField(help_text="How many results there are in all."),
            "next": serializers.URLField(allow_null=True, help_text="The next page, or null on the last."),
            "previous": serializers.URLField(allow_null=True, help_text="The previous page, or null."),
            "results": item(many=True),
            **more_fields,
        },
    )


# --- File downloads -------------------------------------------------------------------------------------
RANGE_HEADERS = [
    OpenApiParameter(
        "Range",
        str,
        OpenApiParameter.HEADER,
        description="One byte span, to resume a download: `bytes=first-last`, `bytes=first-` or `bytes=-n` "
        "(the last n bytes). A malformed or multi-part range is ignored and the whole file is sent.",
    ),
    OpenApiParameter(
        "If-Range",
        str,
        OpenApiParameter.HEADER,
        description="The file's ETag: send the range only if the file is still the same, else all of it.",
    ),
    OpenApiParameter(
        "Accept-Ranges", str, OpenApiParameter.HEADER, response=[200, 206], description="Always `bytes`."
    ),
    OpenApiParameter(
        "Content-Range",
        str,
        OpenApiParameter.HEADER,
        response=[206, 416],
        description="`bytes first-last/size` for a part; `bytes */size` when the range was unsatisfiable.",
    ),
    OpenApiParameter(
        "X-Checksum-SHA256",
        str,
        OpenApiParameter.HEADER,
        response=[200, 206, 302],
        description="The whole file's SHA-256 in hex, to check what a resumed download assembled (on a "
        "redirect to S3, the SHA-256 of the file the signed URL serves).",
    ),
    OpenApiParameter(
        "Repr-Digest",
        str,
        OpenApiParameter.HEADER,
        response=[200, 206, 302],
        description="The whole file's SHA-256 as RFC 9530 says: `sha-256=:<base64>:`.",
    ),
    OpenApiParameter(
        "ETag", str, OpenApiParameter.HEADER, response=[200, 206, 302], description="The SHA-256, quoted."
    ),
    OpenApiParameter(
        "Location",
        str,
        OpenApiParameter.HEADER,
        response=[302],
        description="A short-lived signed URL of the file, when files are kept on S3.",
    ),
]


def download_answers(what: str, media_type: str = "*/*") -> dict:
    """The answers of a route that streams a stored file and honours one Range span. A stored file is sent with
    the type its name says (text/csv, image/png, ...; application/octet-stream when unknown), so any type."""
    return {
        (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=f"All of {what}."),
        (206, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=f"The requested span of {what}."),
        302: OpenApiResponse(
            description="Files kept on S3: a redirect to a signed URL, which honours Range."
        ),
        416: OpenApiResponse(description="The range starts past the end of the file; no body."),
    }


# --- Rate limits ----------------------------------------------------------------------------------------
RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": "Requests allowed in the window of the tightest burst limit that applied.",
    "X-RateLimit-Remaining": "Requests left in that window.",
    "X-RateLimit-Reset": "Seconds until a request is freed again.",
}


def document_rate_limits(result, generator, request, public):
    """Postprocessing hook: every operation can be refused by the burst limits (config/throttles.py), so each
    gets a 429 answer, and its successful and 429 answers say the X-RateLimit-* headers."""
    components = result.setdefault("components", {})
    components.setdefault("headers", {}).update(
        {
            name.replace("-", ""): {"description": text, "schema": {"type": "integer"}}
            for name, text in RATE_LIMIT_HEADERS.items()
        }
        | {
            "RetryAfter": {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer"},
            }
        }
    )
    references = {
        name: {"$ref": f"#/components/headers/{name.replace('-', '')}"} for name in RATE_LIMIT_HEADERS
    }
    for path in result["paths"].values():
        for operation in path.values():
            responses = operation["responses"]
            responses.setdefault(
                "429",
                {
                    "description": ERROR_MEANINGS[429],
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                },
            )
            responses["429"].setdefault("headers", {})["Retry-After"] = {
                "$ref": "#/components/headers/RetryAfter"
            }
            for status, response in responses.items():
                if status.startswith("2") or status == "429":
                    response.setdefault("headers", {}).update(references)
    return result


# --- Views mounted once per verb ------------------------------------------------------------------------
class PerVerbSchema(AutoSchema):
    """The schema of a view that config/api_urls.py mounts once per verb (`as_view(verb=...)`): each verb is
    its own operation, described by the extend_schema() arguments given for it."""

    def __init__(self, **verbs: dict):
        super().__init__()
        # extend_schema() on a plain function leaves its schema class in .kwargs["schema"], as for DRF actions.
        self.verb_schemas = {
            verb: extend_schema(**kwargs)(lambda: None).kwargs["schema"] for verb, kwargs in verbs.items()
        }

    def __get__(self, instance, owner):
        if instance is None or not getattr(instance, "verb", ""):
            return super().__get__(instance, owner)
        if instance not in self.instance_schemas:  # one inspector per view, as DRF keeps them
            inspector = self.verb_schemas[instance.verb]()
            inspector.view = instance
            self.instance_schemas[instance] = inspector
        return self.instance_schemas[instance]


# --- A PATCH that replaces what it edits ----------------------------------------------------------------
class WholeEditSchema(AutoSchema):
    """A view whose PATCH body is the whole edit (a comment's text), so its fields are required as the view
    requires them; drf-spectacular otherwise documents every PATCH body as partial, all fields optional."""

    def _get_request_for_media_type(self, serializer, direction="request"):
        if self.method != "PATCH":
            return super()._get_request_for_media_type(serializer, direction)
        self.method = "PUT"  # read the serializer whole, as for a PUT
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = "PATCH"
