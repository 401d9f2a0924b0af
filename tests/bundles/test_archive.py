"""The zip of a bundle and the zips inside it are refused past every limit, before anything is imported."""

import io
import random
import stat
import zipfile

import pytest

from bundles.archive import safe_name
from bundles.errors import BadBundleArchive, BundleError
from bundles.services import inspect_bundle
from tests.bundles.builders import RESULT_FILES, bundle, result_only, zipped


def refusal(data: bytes) -> str:
    with pytest.raises(BundleError) as refused:
        inspect_bundle(upload=io.BytesIO(data))
    return refused.value.message


def with_member(info: zipfile.ZipInfo, content: bytes = b"x") -> bytes:
    buffer = io.BytesIO(bundle(result_only()))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(info, content)
    return buffer.getvalue()


def test_a_file_that_is_not_a_zip_is_refused():
    assert (
        refusal(b"competition.yaml: not zipped")
        == "The bundle cannot be imported: the bundle: this is not a zip file."
    )


@pytest.mark.parametrize(
    "name", ["../escape.txt", "/etc/passwd", "pages/../../up.md", "C:/windows.txt", "a\\b.txt"]
)
def test_a_path_that_leaves_the_bundle_is_refused(name):
    message = refusal(with_member(zipfile.ZipInfo(name)))
    assert "may not leave its folder" in message or "backslash" in message


def test_a_nul_in_a_path_is_refused():
    """zipfile already cuts a name at a NUL when reading; the check holds whatever hands it a name."""
    info = zipfile.ZipInfo("ok.txt")
    info.filename = "bad\x00name.txt"
    with pytest.raises(BadBundleArchive, match="holds a NUL character"):
        safe_name(info, "the bundle")


def test_a_link_is_refused():
    info = zipfile.ZipInfo("pages/link.md")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    assert refusal(with_member(info, b"/etc/passwd")).endswith(
        "pages/link.md: links are refused in a bundle."
    )


def test_too_many_files_are_refused(small_limits):
    files = {**RESULT_FILES, **{f"extra/{n}.txt": "x" for n in range(60)}}
    assert "more than the limit of 50 for a whole bundle" in refusal(bundle(result_only(), files))


def test_a_file_over_the_per_file_limit_is_refused(small_limits):
    files = {**RESULT_FILES, "big.bin": bytes(range(256)) * 5000}  # 1.2 MB, compressed far under the limit
    assert "big.bin: declares 1280000 bytes, more than the limit of 1048576 bytes per file" in refusal(
        bundle(result_only(), files)
    )


def test_a_zip_bomb_is_refused_by_its_ratio(small_limits, settings):
    settings.PODIUM_BUNDLE_MAX_FILE_MB = 100
    settings.PODIUM_BUNDLE_MAX_MB = 100
    files = {**RESULT_FILES, "zeros.bin": b"\0" * (20 * 1024 * 1024)}
    assert "zeros.bin: unpacks to more than 50 times its compressed size" in refusal(
        bundle(result_only(), files)
    )


def test_a_header_that_understates_the_size_is_caught_while_reading(small_limits):
    """The central directory claims 100 bytes for a 1.5 MB file: reading stops at what it declared and the
    file's checksum then fails, so the understated file is refused, never unpacked past its claim."""
    data = bytearray(bundle(result_only(), {**RESULT_FILES, "liar.bin": bytes(range(256)) * 6000}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("liar.bin")
    # Rewrite the declared size in the central directory entry (offset 24 from its signature).
    central = data.rfind(b"PK\x01\x02", 0, data.find(b"liar.bin", data.find(b"PK\x01\x02")) + 1)
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")
    assert info.file_size > 1024 * 1024
    assert refusal(bytes(data)).startswith(
        "The bundle cannot be imported: the bundle: liar.bin: cannot be read ("
    )


def test_the_total_of_the_bundle_and_its_nested_zips_is_capped(small_limits, settings):
    settings.PODIUM_BUNDLE_MAX_RATIO = 10_000
    inner = zipped({f"part{n}.bin": b"\1" * (300 * 1024) for n in range(4)})
    files = {**RESULT_FILES, "reference_data.zip": inner}
    assert (
        "reference_data.zip: it unpacks to more than the limit of 1048576 bytes for a whole bundle."
        in refusal(bundle(result_only(), files))
    )


def test_an_escaping_path_inside_a_nested_zip_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("metadata.yaml", "command: python score.py\n")
        archive.writestr("../../outside.py", "")
    files = {**RESULT_FILES, "scoring_program.zip": buffer.getvalue()}
    assert (
        "scoring_program.zip: ../../outside.py: a path in the archive may not leave its folder."
        in refusal(bundle(result_only(), files))
    )


def test_a_bundle_zipped_as_its_folder_is_read_from_that_folder():
    files = {f"toy/{name}": content for name, content in RESULT_FILES.items()}
    files["toy/competition.yaml"] = __import__("yaml").safe_dump(result_only())
    plan = inspect_bundle(upload=io.BytesIO(zipped(files)))
    assert plan.title == "Toy accuracy"


def test_a_file_and_a_folder_of_one_name_are_refused():
    files = {**RESULT_FILES, "data": "a file", "data/inside.txt": "and a folder"}
    assert refusal(bundle(result_only(), files)).endswith(
        "the bundle: data/inside.txt: cannot be unpacked (a file and a folder share its path?)."
    )


def test_an_upload_larger_than_the_limit_is_refused_before_unpacking(small_limits):
    noise = random.Random(7)  # noqa: S311 - bytes that do not compress, the same every run
    files = {**RESULT_FILES, "a.bin": noise.randbytes(600 * 1024), "b.bin": noise.randbytes(600 * 1024)}
    assert refusal(bundle(result_only(), files)).endswith(
        "the bundle: it is larger than the limit of 1048576 bytes."
    )
