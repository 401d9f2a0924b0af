"""A notebook is rendered once, when its version is saved, and kept with the file: a page view (or a fork)
never reads or parses it again. Proved on a 5 MB notebook whose stored bytes are gone after the save."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from datasets.storage import private_storage
from projects.models import ProjectFile
from projects.services import NewFile, create_project, fork_project
from tests.projects.conftest import named

pytestmark = pytest.mark.django_db

FIVE_MB = 5 * 1024 * 1024


def big_notebook() -> bytes:
    """About 5 MB: one cell whose stored output is many lines of numbers, and a marker to find on the page."""
    lines = "".join(f"step {n:07d} loss {1 / (n + 1):.6f}\n" for n in range(FIVE_MB // 30))
    cell = new_code_cell(
        "train()",
        execution_count=1,
        outputs=[new_output("stream", name="stdout", text="MARKER-final-accuracy-0.93\n" + lines)],
    )
    return nbformat.writes(new_notebook(cells=[cell])).encode()


def test_a_5_mb_notebook_is_rendered_at_save_and_the_page_never_reads_it_again(
    client, participant, other_participant
):
    content = big_notebook()
    assert len(content) >= FIVE_MB
    project = create_project(
        owner=participant, title="Big run", files=[NewFile("run.ipynb", named("run.ipynb", content))]
    )
    stored = ProjectFile.objects.get()
    assert "MARKER-final-accuracy-0.93" in stored.rendered_html
    private_storage().delete(stored.storage_key)  # a view that read or parsed the file now could not show it

    pages = [client.get("/projects/big-run/") for _ in range(3)]
    fork = fork_project(project=project, user=other_participant)

    for page in pages:
        assert page.status_code == 200
        assert "MARKER-final-accuracy-0.93" in page.content.decode()
    assert fork.versions.get().files.get().rendered_html == stored.rendered_html
