"""podium datasets list, files, download, create and version, against a live server."""

import hashlib
import io
import json

import pytest

from datasets.models import Dataset
from datasets.services import NewFile, add_version, create_dataset

WEATHER = "day,rain\nmon,1\ntue,0\n"
STATIONS = "station,city\n1,Oslo\n2,Bergen\n"


def listed(output: str):
    data = json.loads(output)
    return data["results"] if isinstance(data, dict) else data


@pytest.fixture
def weather(alice):
    dataset = create_dataset(
        owner=alice,
        title="Weather",
        slug="weather",
        files=[NewFile("weather.csv", io.BytesIO(WEATHER.encode()))],
    )
    add_version(
        dataset=dataset,
        files=[
            NewFile("weather.csv", io.BytesIO(WEATHER.encode())),
            NewFile("stations.csv", io.BytesIO(STATIONS.encode())),
        ],
        notes="Add the stations",
    )
    return dataset


def test_list_shows_visible_datasets(podium, weather, host):
    create_dataset(owner=host, title="Rivers", files=[NewFile("r.csv", io.BytesIO(b"a\n1\n"))])

    table = podium.ok("datasets", "list")
    searched = podium.ok("datasets", "list", "--search", "weath", "--json")

    assert table.stdout.splitlines()[0].split() == [
        "slug",
        "title",
        "owner",
        "license",
        "visibility",
        "created",
    ]
    assert "weather" in table.stdout
    assert "Rivers" in table.stdout
    assert [d["slug"] for d in listed(searched.stdout)] == ["weather"]


def test_list_sorts_by_title(podium, weather, host):
    create_dataset(owner=host, title="Avalanches", files=[NewFile("a.csv", io.BytesIO(b"a\n1\n"))])

    sorted_by_title = listed(podium.ok("datasets", "list", "--sort", "title", "--json").stdout)

    assert [d["title"] for d in sorted_by_title] == ["Avalanches", "Weather"]


def test_files_shows_the_latest_version_or_the_one_asked_for(podium, weather):
    latest = podium.ok("datasets", "files", "weather")
    first = json.loads(podium.ok("datasets", "files", "weather", "--version", "1", "--json").stdout)
    absent = podium("datasets", "files", "weather", "--version", "7")

    assert "Weather, version 2: Add the stations" in latest.stdout
    assert "stations.csv" in latest.stdout
    assert "weather.csv" in latest.stdout
    assert [f["name"] for f in first["files"]] == ["weather.csv"]
    assert first["files"][0]["sha256"] == hashlib.sha256(WEATHER.encode()).hexdigest()
    assert absent.returncode == 1
    assert "Error: Dataset 'weather' has no version 7 (its versions: 1, 2)." in absent.stderr


def test_download_the_latest_version_and_unzip_it(podium, weather, workdir):
    done = podium.ok("datasets", "download", "weather", "-p", "data", "--unzip")

    assert (workdir / "data" / "stations.csv").read_text() == STATIONS
    assert (workdir / "data" / "weather.csv").read_text() == WEATHER
    assert not (workdir / "data" / "weather-v2.zip").exists()
    assert "Extracted 2 files" in done.stdout


def test_download_one_file_of_an_older_version(podium, weather, workdir):
    podium.ok("datasets", "download", "weather", "--version", "1", "-f", "weather.csv")

    assert (workdir / "weather.csv").read_text() == WEATHER


def test_a_newer_version_of_the_same_size_replaces_the_older_copy(podium, alice, workdir):
    """Same size, other bytes: only the server's X-Checksum-SHA256 tells them apart."""
    changed = WEATHER.replace("mon,1\ntue,0", "mon,0\ntue,1")
    assert len(changed) == len(WEATHER)
    assert changed != WEATHER
    dataset = create_dataset(
        owner=alice, title="Rain", slug="rain", files=[NewFile("weather.csv", io.BytesIO(WEATHER.encode()))]
    )
    add_version(dataset=dataset, files=[NewFile("weather.csv", io.BytesIO(changed.encode()))], notes="Fix")
    podium.ok("datasets", "download", "rain", "--version", "1", "-f", "weather.csv")

    done = podium.ok("datasets", "download", "rain", "-f", "weather.csv")
    again = podium.ok("datasets", "download", "rain", "-f", "weather.csv")

    assert (workdir / "weather.csv").read_text() == changed
    assert "Downloaded weather.csv" in done.stdout
    assert "up to date" in again.stdout


def test_an_unknown_dataset_points_to_the_list(podium, alice):
    done = podium("datasets", "files", "no-such-dataset")

    assert done.returncode == 1
    assert "Error: No dataset 'no-such-dataset' exists" in done.stderr
    assert "See `podium datasets list`." in done.stderr


def test_download_resumes_a_part_file(podium, weather, workdir):
    (workdir / "stations.csv.part").write_bytes(STATIONS.encode()[:10])

    done = podium.ok("datasets", "download", "weather", "-f", "stations.csv")

    assert (workdir / "stations.csv").read_text() == STATIONS
    assert "resumed at byte 10" in done.stdout


def test_create_publishes_every_file_of_a_folder(podium, alice, workdir):
    folder = workdir / "city-weather"
    folder.mkdir()
    (folder / "weather.csv").write_text(WEATHER)
    (folder / "stations.csv").write_text(STATIONS)
    (folder / ".hidden").write_text("not uploaded")
    (folder / "nested").mkdir()

    done = podium.ok(
        "datasets", "create", "city-weather", "--private", "-d", "Rain by day", "--license", "CC0"
    )

    dataset = Dataset.objects.get(owner=alice)
    assert dataset.title == "city-weather"
    assert dataset.visibility == "private"
    assert dataset.description == "Rain by day"
    assert dataset.license == "CC0-1.0"
    assert sorted(dataset.versions.get().files.values_list("name", flat=True)) == [
        "stations.csv",
        "weather.csv",
    ]
    assert f"Created dataset '{dataset.slug}' (private) with 2 files" in done.stdout


def test_create_from_one_file_with_a_title_and_slug(podium, alice, workdir):
    (workdir / "weather.csv").write_text(WEATHER)

    podium.ok("datasets", "create", "weather.csv", "--title", "Rain", "--slug", "rain")

    dataset = Dataset.objects.get(slug="rain")
    assert dataset.title == "Rain"
    assert dataset.visibility == "public"


def test_version_uploads_a_new_version(podium, weather, workdir):
    """Needs POST /api/v1/datasets/D/versions/."""
    folder = workdir / "v3"
    folder.mkdir()
    (folder / "weather.csv").write_text(WEATHER + "wed,1\n")

    done = podium.ok("datasets", "version", "weather", "v3", "-m", "Wednesday")

    assert "Created version 3 of 'weather' with 1 file." in done.stdout
    version = weather.versions.get(number=3)
    assert version.notes == "Wednesday"
    assert list(version.files.values_list("name", flat=True)) == ["weather.csv"]


def test_only_the_owner_can_add_a_version(podium_for, weather, host, workdir):
    (workdir / "weather.csv").write_text(WEATHER)

    done = podium_for(host)("datasets", "version", "weather", "weather.csv", "-m", "not mine")

    assert done.returncode == 1
    assert done.stderr.startswith("Error: ")
