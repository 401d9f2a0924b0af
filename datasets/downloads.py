"""Responses that hand a stored file to a user whose rights the caller has checked."""

from django.core.files.storage import Storage
from django.http import FileResponse, HttpResponseRedirect

from datasets.storage import public_storage


def stored_file_response(
    storage: Storage, key: str, filename: str, sha256: str = "", size: int | None = None
):
    """Stream from local storage, or redirect to a short-lived signed URL when files live on S3."""
    if hasattr(storage, "bucket_name"):
        return HttpResponseRedirect(
            storage.url(key, parameters={"ResponseContentDisposition": f'attachment; filename="{filename}"'})
        )
    response = FileResponse(storage.open(key, "rb"), as_attachment=True, filename=filename)
    if size is not None:
        response["Content-Length"] = str(size)
    if sha256:
        response["X-Checksum-SHA256"] = sha256
    return response


def dataset_file_response(dataset_file):
    return stored_file_response(
        public_storage(), dataset_file.storage_key, dataset_file.name, dataset_file.sha256, dataset_file.size
    )


def version_zip_response(version):
    return stored_file_response(
        public_storage(),
        version.zip_key,
        f"{version.dataset.slug}-v{version.number}.zip",
        size=version.zip_size,
    )
