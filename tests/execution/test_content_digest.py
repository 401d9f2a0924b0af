"""execution.archives.content_digest: a zip's digest follows the files it holds, not how it was packed."""

import io
import zipfile

import pytest

from execution.archives import BadArchive, content_digest
from tests.execution.conftest import repacked

FILES = {"metadata.yaml": b"command: python3 $program/score.py\n", "lib/score.py": b"print('hi')\n"}


def test_the_same_files_packed_again_another_way_have_the_same_digest():
    first = repacked(FILES)
    again = repacked(
        FILES,
        date_time=(2024, 6, 30, 12, 1, 2),
        reverse=True,
        compression=zipfile.ZIP_STORED,
        with_folders=True,
    )

    assert first != again
    assert content_digest(first) == content_digest(again)


def test_one_changed_byte_changes_the_digest():
    changed = {**FILES, "lib/score.py": b"print('ho')\n"}

    assert content_digest(repacked(FILES)) != content_digest(repacked(changed))


def test_a_renamed_file_changes_the_digest():
    renamed = {"metadata.yaml": FILES["metadata.yaml"], "lib/scorer.py": FILES["lib/score.py"]}

    assert content_digest(repacked(FILES)) != content_digest(repacked(renamed))


def test_an_executable_bit_changes_the_digest():
    assert content_digest(repacked(FILES)) != content_digest(
        repacked(FILES, executable=frozenset({"lib/score.py"}))
    )


def test_a_file_that_is_no_zip_is_refused():
    with pytest.raises(BadArchive, match="not a zip file"):
        content_digest(b"not a zip")


def test_unpacking_keeps_the_executable_bit_the_digest_counts(tmp_path):
    from execution.archives import extract_zip

    extract_zip(
        io.BytesIO(repacked({**FILES, "run.sh": b"#!/bin/sh\n"}, executable=frozenset({"run.sh"}))),
        tmp_path,
        max_bytes=1024**2,
    )

    modes = {path.name: path.stat().st_mode & 0o777 for path in tmp_path.rglob("*")}
    assert modes == {"metadata.yaml": 0o644, "lib": 0o755, "score.py": 0o644, "run.sh": 0o755}
