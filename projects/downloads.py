"""A project's files, handed out through the same download code as dataset files (Range, checksums)."""

from config.errors import NotFound
from datasets.downloads import StoredDownload, stored_file_response
from datasets.storage import private_storage
from projects.models import ProjectVersion


def project_file_response(request, version: ProjectVersion, name: str):
    """Call once the viewer's right to see the project is checked (projects.queries.project_for)."""
    project_file = version.files.filter(name=name).first()
    if project_file is None:
        raise NotFound(f"Version {version.number} of '{version.project.slug}' has no file '{name}'.")
    return stored_file_response(
        request,
        StoredDownload(
            private_storage(),
            project_file.storage_key,
            project_file.name,
            project_file.size,
            project_file.sha256,
        ),
    )
