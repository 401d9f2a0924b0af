import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.bundles.builders import bundle


@pytest.fixture
def upload():
    """A bundle as an uploaded file, from its YAML (a dict or text) and its files."""

    def make(spec, files=None, **options) -> SimpleUploadedFile:
        return SimpleUploadedFile(
            "bundle.zip", bundle(spec, files, **options), content_type="application/zip"
        )

    return make


@pytest.fixture
def small_limits(settings):
    settings.PODIUM_BUNDLE_MAX_MB = 1
    settings.PODIUM_BUNDLE_MAX_FILE_MB = 1
    settings.PODIUM_BUNDLE_MAX_FILES = 50
    settings.PODIUM_BUNDLE_MAX_RATIO = 50
