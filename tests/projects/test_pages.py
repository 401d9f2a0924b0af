"""The project pages: publishing from the form, the rendered files, versions, forks and the Code tabs."""

import pytest

from projects.models import Project
from projects.services import NewFile, create_project
from tests.factories import make_competition
from tests.projects.conftest import SCRIPT, named

pytestmark = pytest.mark.django_db


@pytest.fixture
def baseline(participant, notebook):
    return create_project(
        owner=participant,
        title="Baseline",
        description="**Strong** start <script>alert(1)</script>",
        files=[
            NewFile("train.py", named("train.py", SCRIPT)),
            NewFile("eda.ipynb", named("eda.ipynb", notebook)),
        ],
    )


def test_the_form_publishes_a_project_and_shows_it(client, participant, notebook):
    client.force_login(participant)
    response = client.post(
        "/projects/new/",
        {
            "title": "From the form",
            "license": "MIT",
            "visibility": "public",
            "tags": "tabular, baseline",
            "files": [named("train.py", SCRIPT), named("eda.ipynb", notebook)],
        },
        follow=True,
    )
    page = response.content.decode()

    assert response.redirect_chain[-1][0] == "/projects/from-the-form/"
    assert '<span class="kn">import</span>' in page
    assert "42" in page
    assert 'class="notebook"' in page
    assert "<script>alert" not in page


def test_the_form_shows_a_bad_link_on_its_field(client, participant):
    client.force_login(participant)
    response = client.post(
        "/projects/new/",
        {
            "title": "X",
            "license": "MIT",
            "visibility": "public",
            "datasets": "nope",
            "files": [named("a.py", "1")],
        },
    )

    assert response.status_code == 200
    assert "No dataset &#x27;nope&#x27; exists, or you may not see it" in response.content.decode()
    assert not Project.objects.exists()


def test_the_page_sanitises_the_description_and_lists_versions(client, baseline):
    page = client.get("/projects/baseline/").content.decode()

    assert "<strong>Strong</strong>" in page
    assert "<script>alert(1)" not in page
    assert 'href="/projects/baseline/v1/"' in page
    assert client.get("/projects/baseline/v1/").status_code == 200
    assert client.get("/projects/baseline/v2/").status_code == 404


def test_a_bad_notebook_is_shown_as_a_file_with_its_reason(client, participant):
    create_project(owner=participant, title="Broken", files=[NewFile("b.ipynb", named("b.ipynb", "{oops"))])
    page = client.get("/projects/broken/").content.decode()

    assert "Not shown: this .ipynb file is not valid JSON, so it is not a notebook." in page


def test_forking_from_the_page_shows_forked_from_on_both_sides(client, baseline, other_participant):
    client.force_login(other_participant)
    response = client.post("/projects/baseline/fork/", follow=True)
    fork_page = response.content.decode()
    source_page = client.get("/projects/baseline/").content.decode()

    assert response.redirect_chain[-1][0] == "/projects/baseline-2/"
    assert "Forked from" in fork_page
    assert 'href="/projects/baseline/"' in fork_page
    assert 'id="fork-count">1<' in source_page
    assert 'href="/projects/baseline-2/"' in source_page


def test_the_code_tabs_list_linked_public_projects(client, host, participant):
    competition = make_competition(host=host)
    create_project(
        owner=participant,
        title="Linked",
        competitions=[competition.slug],
        files=[NewFile("a.py", named("a.py", "1"))],
    )
    create_project(
        owner=participant,
        title="Hidden",
        visibility="private",
        competitions=[competition.slug],
        files=[NewFile("a.py", named("a.py", "1"))],
    )

    page = client.get(f"/competitions/{competition.slug}/code/").content.decode()

    assert "Linked" in page
    assert "Hidden" not in page
    assert 'aria-current="page">Code<' in page


def test_a_datasets_code_page_lists_the_projects_using_it(client, participant):
    from datasets.services import NewFile as DataFile
    from datasets.services import create_dataset

    create_dataset(owner=participant, title="Weather", files=[DataFile("w.csv", named("w.csv", "a\n1\n"))])
    create_project(
        owner=participant, title="Forecast", datasets=["weather"], files=[NewFile("a.py", named("a.py", "1"))]
    )

    detail = client.get("/datasets/weather/").content.decode()
    code = client.get("/datasets/weather/code/").content.decode()

    assert 'href="/datasets/weather/code/"' in detail
    assert "Forecast" in code


def test_a_write_up_shows_the_projects_attached_to_its_submission(
    client, host, participant, other_participant
):
    from community.writeups import publish_writeup
    from competitions.services import update_competition
    from projects.services import ProjectError
    from tests.factories import joined, make_submission

    competition = make_competition(host=host)
    update_competition(competition=competition, user=host, changes={"allows_writeups_while_running": True})
    competition.refresh_from_db()
    submission = make_submission(joined(competition, participant), public_score=0.5)
    writeup = publish_writeup(author=participant, submission=submission, title="Method", body="How.")
    create_project(
        owner=participant,
        title="The code",
        submission_id=submission.pk,
        files=[NewFile("a.py", named("a.py", "1"))],
    )

    page = client.get(f"/competitions/{competition.slug}/writeups/{writeup.pk}/").content.decode()

    assert 'href="/projects/the-code/"' in page
    with pytest.raises(ProjectError, match=r"No submission \d+ of a team you are on") as refused:
        create_project(
            owner=other_participant,
            title="Not mine",
            submission_id=submission.pk,
            files=[NewFile("a.py", named("a.py", "1"))],
        )
    assert refused.value.details["field"] == "submission"


FORMULA = "(C × m + sum of stars) ÷ (C + number of ratings)"


def test_every_page_ordered_by_the_damped_average_says_its_formula(client, host, settings):
    from community.models import Paper
    from datasets.models import Dataset

    settings.PODIUM_RATING_PRIOR_WEIGHT = 7
    competition = make_competition(host=host)
    Dataset.objects.create(owner=host, title="Weather", slug="weather")
    paper = Paper.objects.create(title="Random Forests", authors=["L. Breiman"])
    pages = [
        "/projects/?ordering=rating",
        "/projects/",
        f"/competitions/{competition.slug}/code/",
        "/datasets/weather/code/",
        "/datasets/?ordering=rating",
        f"/papers/{paper.pk}/",
    ]

    for url in pages:
        page = client.get(url).content.decode()
        assert FORMULA in page, url
        assert "with C = 7 and m the site's mean rating" in page, url
