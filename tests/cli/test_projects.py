"""podium projects init, push, list, files and pull, against a live server: the round trip of a folder."""

import json

import pytest

from community.models import Paper
from projects.models import Project

SCRIPT = "print('hello')\n"


@pytest.fixture
def folder(workdir):
    path = workdir / "my-baseline"
    path.mkdir()
    (path / "train.py").write_text(SCRIPT)
    (path / "notes.txt").write_text("Seeds: 1, 2, 3.\n")
    return path


def test_init_push_list_files_pull_round_trip(podium, folder, workdir):
    paper = Paper.objects.create(title="Gradient boosting", authors=["J. Friedman"])
    podium.ok("projects", "init", "-p", str(folder))
    metadata = json.loads((folder / "podium-project.json").read_text())
    assert metadata["papers"] == []
    metadata.update(visibility="public", tags=["tabular"], license="MIT", papers=[paper.pk])
    (folder / "podium-project.json").write_text(json.dumps(metadata))

    created = podium.ok("projects", "push", "-p", str(folder), "-m", "First try")
    (folder / "train.py").write_text("print('better')\n")
    pushed = podium.ok("projects", "push", "-p", str(folder), "-m", "Better")
    listed = json.loads(podium.ok("projects", "list", "--json").stdout)
    files = podium.ok("projects", "files", "my-baseline", "--version", "1")
    podium.ok("projects", "pull", "my-baseline", "-v", "1", "-p", str(workdir / "copy"))

    assert "Created project 'my-baseline' with 2 files" in created.stdout
    assert "Saved version 2 of 'my-baseline'" in pushed.stdout
    assert [p["slug"] for p in listed["results"]] == ["my-baseline"]
    assert "train.py" in files.stdout
    assert "notes.txt" in files.stdout
    assert (workdir / "copy" / "train.py").read_text() == SCRIPT
    pulled = json.loads((workdir / "copy" / "podium-project.json").read_text())
    assert (pulled["slug"], pulled["license"], pulled["tags"]) == ("my-baseline", "MIT", ["tabular"])
    assert pulled["papers"] == [paper.pk]
    project = Project.objects.get(slug="my-baseline")
    assert list(project.versions.order_by("number").values_list("notes", flat=True)) == [
        "First try",
        "Better",
    ]


def test_push_without_metadata_says_to_run_init(podium, folder):
    done = podium("projects", "push", "-p", str(folder))

    assert done.returncode == 1
    assert f"Error: No podium-project.json in {folder}" in done.stderr
    assert "podium projects init" in done.stderr


def test_push_with_an_unknown_licence_shows_the_servers_message(podium, folder):
    podium.ok("projects", "init", "-p", str(folder))
    metadata = json.loads((folder / "podium-project.json").read_text())
    (folder / "podium-project.json").write_text(json.dumps({**metadata, "license": "WTFPL-9"}))

    done = podium("projects", "push", "-p", str(folder))

    assert done.returncode == 1
    assert "'WTFPL-9' is not one of the licences offered" in done.stderr
    assert not Project.objects.exists()


def test_push_with_an_unknown_paper_shows_the_servers_message(podium, folder):
    podium.ok("projects", "init", "-p", str(folder))
    metadata = json.loads((folder / "podium-project.json").read_text())
    (folder / "podium-project.json").write_text(json.dumps({**metadata, "papers": [987654]}))

    done = podium("projects", "push", "-p", str(folder))

    assert done.returncode == 1
    assert "No paper 987654 exists" in done.stderr
    assert not Project.objects.exists()


def test_push_updates_the_details_that_changed_then_saves_the_version(podium, folder):
    podium.ok("projects", "init", "-p", str(folder))
    metadata = json.loads((folder / "podium-project.json").read_text())
    podium.ok("projects", "push", "-p", str(folder), "-m", "First")
    paper = Paper.objects.create(title="Random forests", authors=["L. Breiman"])
    metadata.update(title="Forest baseline", tags=["trees"], papers=[paper.pk], license="MIT")
    (folder / "podium-project.json").write_text(json.dumps(metadata))

    pushed = podium.ok("projects", "push", "-p", str(folder), "-m", "Second")
    unchanged = podium.ok("projects", "push", "-p", str(folder), "-m", "Third")

    assert "Updated the details of 'my-baseline': license, papers, tags, title." in pushed.stdout
    assert "Saved version 2 of 'my-baseline'" in pushed.stdout
    assert "Updated the details" not in unchanged.stdout
    project = Project.objects.get(slug="my-baseline")
    assert (project.title, project.license, project.tags) == ("Forest baseline", "MIT", ["trees"])
    assert list(project.papers.all()) == [paper]
    assert project.versions.count() == 3


def test_push_with_a_bad_detail_changes_nothing(podium, folder):
    podium.ok("projects", "init", "-p", str(folder))
    podium.ok("projects", "push", "-p", str(folder))
    metadata = json.loads((folder / "podium-project.json").read_text())
    (folder / "podium-project.json").write_text(json.dumps({**metadata, "tags": ["Bad Tag!"]}))

    done = podium("projects", "push", "-p", str(folder))

    assert done.returncode == 1
    assert "Tag 'Bad Tag!' is not allowed" in done.stderr
    assert Project.objects.get().versions.count() == 1


def test_init_refuses_to_overwrite_and_needs_no_server(podium, folder):
    podium.ok("projects", "init", "-p", str(folder), env={"PODIUM_URL": "", "PODIUM_TOKEN": ""})
    again = podium("projects", "init", "-p", str(folder))

    assert again.returncode == 1
    assert "already exists" in again.stderr


def test_push_publishes_for_the_organisation_the_metadata_names_and_pull_keeps_it(
    podium, folder, workdir, alice
):
    from organisations.models import Organisation, OrganisationMembership

    lab = Organisation.objects.create(name="Vision Lab", slug="vision-lab")
    OrganisationMembership.objects.create(organisation=lab, user=alice)
    podium.ok("projects", "init", "-p", str(folder))
    metadata = json.loads((folder / "podium-project.json").read_text())
    assert metadata["organisation"] == ""
    metadata["organisation"] = "vision-lab"
    (folder / "podium-project.json").write_text(json.dumps(metadata))

    podium.ok("projects", "push", "-p", str(folder), "-m", "First try")
    podium.ok("projects", "pull", "my-baseline", "-p", str(workdir / "copy"))

    assert Project.objects.get(slug="my-baseline").organisation == lab
    assert json.loads((workdir / "copy" / "podium-project.json").read_text())["organisation"] == "vision-lab"


def test_push_for_an_organisation_you_are_not_in_shows_the_servers_message(podium, folder):
    from organisations.models import Organisation

    Organisation.objects.create(name="Vision Lab", slug="vision-lab")
    podium.ok("projects", "init", "-p", str(folder))
    metadata = json.loads((folder / "podium-project.json").read_text())
    metadata["organisation"] = "vision-lab"
    (folder / "podium-project.json").write_text(json.dumps(metadata))

    done = podium("projects", "push", "-p", str(folder))

    assert done.returncode == 1
    assert "on behalf of Vision Lab only as one of its members" in done.stderr
    assert not Project.objects.exists()


def test_list_sorts_by_rating_and_shows_the_average_and_the_organisation(podium, alice):
    from community.ratings import rate
    from organisations.models import Organisation, OrganisationMembership
    from projects.services import NewFile, create_project
    from tests.community.conftest import old_account
    from tests.projects.conftest import named

    lab = Organisation.objects.create(name="Vision Lab", slug="vision-lab")
    OrganisationMembership.objects.create(organisation=lab, user=alice)
    plain = create_project(owner=alice, title="Plain", files=[NewFile("a.py", named("a.py", "1"))])
    good = create_project(
        owner=alice, title="Good", organisation="vision-lab", files=[NewFile("a.py", named("a.py", "1"))]
    )
    rate(user=old_account("r1"), target=good, stars=5)
    rate(user=old_account("r2"), target=plain, stars=2)

    listed = podium.ok("projects", "list", "--sort", "rating").stdout

    lines = [line for line in listed.splitlines() if line.startswith(("good", "plain"))]
    assert lines[0].split()[:4] == ["good", "Good", "vision-lab", "5.0"]
    assert lines[1].split()[:4] == ["plain", "Plain", "alice", "2.0"]
