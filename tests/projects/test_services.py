"""Publishing, versioning, rendering and forking projects, and who may see them."""

import pytest

from competitions.models import Competition
from competitions.services import update_competition
from config.errors import NotFound
from projects.models import Project
from projects.queries import competition_code, project_for, visible_projects
from projects.rendering import pygments_css, render_file
from projects.services import NewFile, ProjectError, add_version, create_project, fork_project
from tests.factories import UserFactory, make_competition
from tests.projects.conftest import SCRIPT, named

pytestmark = pytest.mark.django_db


def publish(owner, **options):
    files = options.pop("files", None) or [NewFile("train.py", named("train.py", SCRIPT))]
    return create_project(owner=owner, title=options.pop("title", "Baseline"), files=files, **options)


def test_a_project_is_published_with_its_first_version_and_files_in_private_storage(participant, notebook):
    project = publish(
        participant,
        files=[
            NewFile("train.py", named("train.py", SCRIPT)),
            NewFile("eda.ipynb", named("eda.ipynb", notebook)),
        ],
        tags=["Tabular", "baseline"],
        license="mit",
    )
    version = project.versions.get()
    files = {f.name: f for f in version.files.all()}

    assert (project.slug, project.license, project.tags, version.number) == (
        "baseline",
        "MIT",
        ["tabular", "baseline"],
        1,
    )
    assert files["train.py"].kind == "code"
    assert 'class="highlight"' in files["train.py"].rendered_html
    assert files["eda.ipynb"].kind == "notebook"
    assert files["train.py"].storage_key.startswith("projects/baseline/")


def test_a_notebook_is_rendered_with_its_outputs_and_without_scripts_styles_or_handlers(notebook):
    shown = render_file("eda.ipynb", notebook.encode(), len(notebook))

    assert "42" in shown.html
    assert "Baseline" in shown.html
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in shown.html
    assert "<b>bold</b>" in shown.html
    for forbidden in ("<script", "alert(", "style=", "onclick", "x()"):
        assert forbidden not in shown.html


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{not json", "is not valid JSON"),
        (b'{"cells": 3}', "is not a Jupyter notebook"),
        (b"\xff\xfe", "is not UTF-8"),
    ],
)
def test_a_bad_notebook_is_listed_with_the_reason_instead_of_failing(participant, content, reason):
    project = publish(participant, files=[NewFile("broken.ipynb", named("broken.ipynb", content))])
    broken = project.versions.get().files.get()

    assert broken.rendered_html == ""
    assert reason in broken.render_note


def test_a_model_file_gets_its_framework_and_other_files_are_only_listed():
    assert render_file("model.pt", None, 10).framework == "pytorch"
    assert render_file("weights.bin", None, 10).kind == "other"
    assert render_file("plot.png", b"x", 1).kind == "image"


@pytest.mark.parametrize(
    ("options", "field", "code"),
    [
        ({"license": "WTFPL-9"}, "license", "unknown_license"),
        ({"datasets": ["no-such-data"]}, "datasets", "unknown_dataset"),
        ({"competitions": ["no-such-race"]}, "competitions", "unknown_competition"),
        ({"title": " "}, "title", "missing_title"),
        ({"tags": ["<b>"]}, "tags", "bad_tag"),
        ({"shared_with": ["nobody-here"]}, "shared_with", "unknown_user"),
        ({"files": [NewFile("empty.py", named("empty.py", b""))]}, "files", "empty_file"),
        ({"files": [NewFile("../up.py", named("../up.py", "x"))]}, "files", "bad_file_name"),
        (
            {"files": [NewFile("podium-project.json", named("podium-project.json", "{}"))]},
            "files",
            "metadata_file_uploaded",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field(participant, options, field, code):
    with pytest.raises(ProjectError) as refused:
        publish(participant, **options)

    assert (refused.value.code, refused.value.details["field"]) == (code, field)
    assert not Project.objects.exists()


def test_a_file_over_the_size_limit_is_refused_with_the_limit(participant, settings):
    settings.PODIUM_MAX_DATASET_FILE_MB = 1
    big = NewFile("model.pt", named("model.pt", b"0" * (1024 * 1024 + 1)))

    with pytest.raises(ProjectError, match="larger than the 1 MB limit") as refused:
        publish(participant, files=[big])
    assert refused.value.code == "file_too_large"


def test_a_taken_slug_is_refused(participant):
    publish(participant, slug="mine")
    with pytest.raises(ProjectError, match="already taken") as refused:
        publish(participant, slug="mine")
    assert refused.value.details["field"] == "slug"


def test_versions_keep_older_files_readable(participant):
    project = publish(participant)
    add_version(
        project=project,
        user=participant,
        files=[NewFile("train.py", named("train.py", "print(2)\n"))],
        notes="v2",
    )

    old, new = project.versions.order_by("number")
    assert (old.number, new.number, new.notes) == (1, 2, "v2")
    assert old.files.get().sha256 != new.files.get().sha256


def test_a_fork_copies_the_latest_version_and_counts(participant, other_participant):
    project = publish(participant)
    fork = fork_project(project=project, user=other_participant)
    project.refresh_from_db()

    assert (fork.owner, fork.forked_from, project.fork_count) == (other_participant, project, 1)
    assert fork.slug == "baseline-2"
    assert fork.versions.get().files.get().storage_key == project.versions.get().files.get().storage_key


def test_private_projects_are_seen_by_the_owner_and_those_it_is_shared_with_only(
    participant, other_participant
):
    project = publish(participant, visibility="private", shared_with=["bob"])
    stranger = UserFactory(username="carol")

    assert project_for(other_participant, project.slug) == project
    with pytest.raises(NotFound):
        project_for(stranger, project.slug)
    with pytest.raises(NotFound):
        fork_project(project=project_for(stranger, project.slug), user=stranger)


def test_a_project_of_a_private_competition_follows_the_competition(host, participant):
    competition = make_competition(host=host)
    project = publish(participant, competitions=[competition.slug])
    assert list(competition_code(UserFactory(username="carol"), competition)) == [project]

    update_competition(
        competition=competition, user=host, changes={"visibility": Competition.Visibility.PRIVATE}
    )

    assert not visible_projects(UserFactory(username="carol")).exists()
    assert visible_projects(participant).get() == project  # its owner still has it


def test_the_served_pygments_stylesheet_is_the_generated_one():
    from django.conf import settings

    assert (settings.BASE_DIR / "static/podium/pygments.css").read_text() == pygments_css()
