"""File names as the client sent them. Django keeps only an upload's base name (it drops "../", a folder, NUL
and other unprintable characters), which is safe but silent; a project refuses such a name with a clear
error instead (projects.services.file_name), so the API's multipart parser remembers the name as sent.

Pages cannot do the same: the CSRF check reads the form, with Django's parser, before a view runs. There a
crafted name is stored under its base name, inside the project, and browsers send base names anyway."""

import html
from itertools import count

from django.core.files.uploadedfile import UploadedFile
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from rest_framework.exceptions import ParseError
from rest_framework.parsers import DataAndFiles, MultiPartParser, get_encoding


class NameKeepingMultiPartParser(DjangoMultiPartParser):
    """Django's parser, noting on each upload whose name it changed the name as sent (`name_as_sent`)."""

    def sanitize_file_name(self, file_name):
        sent = html.unescape(file_name)
        kept = super().sanitize_file_name(file_name)
        if kept == sent:
            return kept
        if kept is None:  # "." or "..": Django would drop the file; keep it, to refuse it by name
            kept = f"refused-upload-{next(self.refused)}"
        self.sent_names.setdefault(kept, sent)
        return kept

    def parse(self):
        self.sent_names: dict[str, str] = {}
        self.refused = count(1)
        data, files = super().parse()
        for uploads in files.lists():
            for upload in uploads[1]:
                if upload.name in self.sent_names:
                    upload.name_as_sent = self.sent_names[upload.name]
        return data, files


class ProjectUploadParser(MultiPartParser):
    """DRF's multipart parser with the name-keeping Django parser under it."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        request = parser_context["request"]
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        encoding = get_encoding(parser_context)
        try:
            parser = NameKeepingMultiPartParser(meta, stream, request.upload_handlers, encoding)
            data, files = parser.parse()
        except MultiPartParserError as error:
            raise ParseError(f"Multipart form parse error - {error}") from error
        return DataAndFiles(data, files)


def name_as_sent(upload: UploadedFile) -> str:
    return getattr(upload, "name_as_sent", upload.name)
