"""Previews of public CSV files: the first rows, cut to size, robust to files that are not CSV text, read from
the start of the file only and cached by checksum."""

import io

import pytest

from datasets import previews
from datasets.models import DatasetFile
from datasets.previews import (
    CELL_CHARACTERS,
    PREVIEW_BYTES,
    PREVIEW_COLUMNS,
    PREVIEW_ROWS,
    file_previews,
    parse_preview,
    read_head,
)
from datasets.services import NewFile, create_dataset


def parse(text: str | bytes, whole_file: bool = True):
    return parse_preview(text.encode() if isinstance(text, str) else text, whole_file=whole_file)


def test_a_preview_has_the_header_and_the_first_rows():
    text = "id,name,score\n" + "".join(f"{i},item {i},{i / 4}\n" for i in range(1, 30))

    preview = parse(text)

    assert preview.header == ["id", "name", "score"]
    assert len(preview.rows) == PREVIEW_ROWS
    assert preview.rows[0] == ["1", "item 1", "0.25"]
    assert preview.numeric == [True, False, True]
    assert not preview.problem


def test_wide_files_show_their_first_columns_and_say_how_many_are_left():
    header = ",".join(f"c{i}" for i in range(30))
    preview = parse(header + "\n" + ",".join("1" * 30) + "\n")

    assert len(preview.header) == PREVIEW_COLUMNS
    assert preview.hidden_columns == 30 - PREVIEW_COLUMNS
    assert len(preview.rows[0]) == PREVIEW_COLUMNS


def test_long_cells_are_cut_and_line_breaks_inside_cells_are_flattened():
    preview = parse('id,text\n1,"' + "x" * 500 + '"\n2,"two\nlines"\n')

    assert len(preview.rows[0][1]) == CELL_CHARACTERS
    assert preview.rows[0][1].endswith("…")
    assert preview.rows[1][1] == "two lines"


def test_short_rows_are_padded_and_long_rows_cut_to_the_header():
    preview = parse("a,b,c\n1\n1,2,3,4\n")

    assert preview.rows == [["1", "", ""], ["1", "2", "3"]]


def test_a_byte_order_mark_is_not_part_of_the_first_column():
    assert parse("\ufeffid,x\n1,2\n".encode()).header == ["id", "x"]


def test_a_cut_file_drops_its_last_partial_line():
    preview = parse("id,x\n1,2\n3,4", whole_file=False)

    assert preview.rows == [["1", "2"]]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "The file is empty."),
        (b"\n\n", "The file is empty."),
        (b"PK\x03\x04\x00\x00binary", "The file looks binary, not like CSV text."),
        ("id,name\n1,caf\u00e9\n".encode("latin-1"), "The file is not UTF-8 text."),
        (b'a,b\n1,"unterminated\x0b', None),
    ],
)
def test_odd_files_get_no_preview_and_a_reason(content, problem):
    preview = parse(content)

    if problem:
        assert preview.problem == problem
        assert preview.header == []
    else:  # the csv module reads an unterminated quote to the end: still a preview, never a crash
        assert preview.header == ["a", "b"]


def test_a_first_line_longer_than_the_read_limit_gets_no_preview():
    preview = parse("x" * PREVIEW_BYTES, whole_file=False)

    assert "longer than 64 KiB" in preview.problem


@pytest.fixture
def dataset(participant):
    files = [
        NewFile("train.csv", io.BytesIO(b"id,label\n1,cat\n2,dog\n")),
        NewFile("notes.txt", io.BytesIO(b"id,label\nnot,a csv\n")),
        NewFile("copy.csv", io.BytesIO(b"id,label\n1,cat\n2,dog\n")),
    ]
    return create_dataset(owner=participant, title="Pets", files=files)


def test_only_csv_files_are_previewed(dataset):
    files = {f.name: f for f in DatasetFile.objects.filter(version__dataset=dataset)}

    found = file_previews(files.values())

    assert set(found) == {files["train.csv"].pk, files["copy.csv"].pk}
    assert found[files["train.csv"].pk].rows == [["1", "cat"], ["2", "dog"]]


def test_a_cached_preview_reads_no_file(dataset, monkeypatch):
    files = list(DatasetFile.objects.filter(version__dataset=dataset, name__endswith=".csv"))
    file_previews(files)

    def no_reading(*args, **kwargs):
        raise AssertionError("a warm preview read a file")

    monkeypatch.setattr(previews, "read_head", no_reading)
    again = file_previews(files)

    assert [again[f.pk].header for f in files] == [["id", "label"], ["id", "label"]]


def test_a_storage_failure_shows_no_preview_and_is_not_cached(dataset, monkeypatch):
    train = DatasetFile.objects.get(version__dataset=dataset, name="train.csv")

    def broken(*args, **kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr(previews, "read_head", broken)
    assert file_previews([train])[train.pk].problem == "The preview is not available right now."
    monkeypatch.undo()

    assert file_previews([train])[train.pk].header == ["id", "label"]


def test_only_the_start_of_a_large_file_is_read(participant, monkeypatch):
    big = b"id,x\n" + b"".join(b"%d,%d\n" % (i, i) for i in range(200_000))
    dataset = create_dataset(owner=participant, title="Big", files=[NewFile("big.csv", io.BytesIO(big))])
    big_file = DatasetFile.objects.get(version__dataset=dataset)
    reads = []
    real = previews.read_head

    def counting(storage, key, limit):
        head = real(storage, key, limit)
        reads.append(len(head))
        return head

    monkeypatch.setattr(previews, "read_head", counting)
    preview = file_previews([big_file])[big_file.pk]

    assert reads == [PREVIEW_BYTES]
    assert preview.rows[-1] == [str(PREVIEW_ROWS - 1), str(PREVIEW_ROWS - 1)]


def test_an_s3_file_is_read_with_a_range_request_not_downloaded_whole():
    class S3Object:
        def __init__(self):
            self.ranges = []

        def get(self, Range):
            self.ranges.append(Range)
            return {"Body": io.BytesIO(b"id,x\n1,2\n")}

    class S3File:
        def __init__(self):
            self.obj = S3Object()

        def read(self, *args):
            raise AssertionError("S3File.read downloads the whole object")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    class S3Storage:
        opened = S3File()

        def open(self, key, mode):
            return self.opened

    storage = S3Storage()

    assert read_head(storage, "datasets/a/x.csv", 1024) == b"id,x\n1,2\n"
    assert storage.opened.obj.ranges == ["bytes=0-1023"]
