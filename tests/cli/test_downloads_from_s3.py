"""`podium ... download` from a server that keeps its files on S3 (moto's server): each download is a redirect
to a signed URL, and the SHA-256 on the redirect still guards what the command keeps. Without it, a stale
file of the right size was taken as up to date, and a .part file that was not the start of the file was
completed into a corrupt one."""

import pytest

from tests.factories import TRAIN_CSV


@pytest.fixture(autouse=True)
def files_on_s3(on_s3):
    """Before the competition is made, so its files go to the bucket."""
    return on_s3


def test_a_download_follows_the_redirect_to_the_bucket(podium, member, workdir, files_on_s3):
    done = podium.ok("competitions", "download", "animals", "-f", "train.csv")

    assert (workdir / "train.csv").read_text() == TRAIN_CSV
    assert "Downloaded train.csv" in done.stdout
    assert any(key.endswith("/train.csv") for key in files_on_s3.keys("public/"))


def test_an_interrupted_download_resumes_from_the_bucket(podium, member, workdir):
    cut = len(TRAIN_CSV) // 2
    (workdir / "train.csv.part").write_bytes(TRAIN_CSV.encode()[:cut])

    done = podium.ok("competitions", "download", "animals", "-f", "train.csv")

    assert (workdir / "train.csv").read_bytes() == TRAIN_CSV.encode()
    assert f"resumed at byte {cut}" in done.stdout


def test_a_part_file_that_is_not_a_prefix_never_corrupts_the_download(podium, member, workdir):
    (workdir / "train.csv.part").write_bytes(b"this is not the start of train.csv")

    podium.ok("competitions", "download", "animals", "-f", "train.csv")

    assert (workdir / "train.csv").read_bytes() == TRAIN_CSV.encode()
    assert not (workdir / "train.csv.part").exists()


def test_a_changed_file_of_the_same_size_is_downloaded_again(podium, member, workdir):
    (workdir / "train.csv").write_bytes(TRAIN_CSV.encode()[::-1])

    done = podium.ok("competitions", "download", "animals", "-f", "train.csv")

    assert (workdir / "train.csv").read_text() == TRAIN_CSV
    assert "Downloaded train.csv" in done.stdout
