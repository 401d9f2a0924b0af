"""execution.archives.content_digest: a zip's digest follows the files it holds, not how it was packed."""

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
