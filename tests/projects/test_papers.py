"""A project says which papers it implements: on the form, the API and podium-project.json; the paper's page
lists the projects the reader may see."""

import pytest

from community.models import Paper
from projects.models import Project
from projects.services import NewFile, ProjectError, create_project
from tests.projects.conftest import named

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(db):
    return Paper.objects.create(
        title="Attention Is All You Need", authors=["A. Vaswani"], arxiv_id="1706.03762"
    )


def one_file():
    return [NewFile("a.py", named("a.py", "1"))]


def test_the_api_links_papers_by_id_and_shows_them(api_for, participant, paper, client):
    response = api_for(participant).post(
        "/api/v1/projects/",
        {"title": "Transformer", "papers": [paper.pk], "files": [named("a.py", "1")]},
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["papers"] == [paper.pk]
    assert client.get("/api/v1/projects/transformer/").json()["papers"] == [paper.pk]


@pytest.mark.parametrize(
    ("papers", "message"),
    [
        (["999999"], "No paper 999999 exists: link papers by the id in their address"),
        (["abc"], "A valid integer is required."),
    ],
)
def test_an_unknown_or_malformed_paper_is_a_400_on_papers(api_for, participant, paper, papers, message):
    response = api_for(participant).post(
        "/api/v1/projects/",
        {"title": "T", "papers": papers, "files": [named("a.py", "1")]},
        format="multipart",
    )
    body = response.json()

    assert response.status_code == 400
    assert body["details"].get("field") == "papers" or "papers" in body["details"].get("fields", {})
    assert message in str(body)
    assert not Project.objects.exists()


def test_the_form_links_papers_and_shows_a_bad_id_on_its_field(client, participant, paper):
    client.force_login(participant)
    refused = client.post(
        "/projects/new/",
        {
            "title": "T",
            "license": "MIT",
            "visibility": "public",
            "papers": "12x",
            "files": [named("a.py", "1")],
        },
    )
    created = client.post(
        "/projects/new/",
        {
            "title": "T",
            "license": "MIT",
            "visibility": "public",
            "papers": str(paper.pk),
            "files": [named("a.py", "1")],
        },
    )

    assert "Paper &#x27;12x&#x27; is not a paper id" in refused.content.decode()
    assert created.status_code == 302
    assert list(Project.objects.get().papers.all()) == [paper]


def test_the_paper_page_lists_the_projects_the_reader_may_see(client, participant, other_participant, paper):
    create_project(owner=participant, title="Open one", papers=[paper.pk], files=one_file())
    create_project(
        owner=participant, title="Secret one", visibility="private", papers=[paper.pk], files=one_file()
    )
    create_project(owner=participant, title="Unrelated", files=one_file())

    anonymous = client.get(f"/papers/{paper.pk}/").content.decode()
    client.force_login(participant)
    owner = client.get(f"/papers/{paper.pk}/").content.decode()

    assert 'href="/projects/open-one/"' in anonymous
    assert "Secret one" not in anonymous
    assert "Unrelated" not in anonymous
    assert 'href="/projects/secret-one/"' in owner


def test_a_paper_without_projects_says_so(client, paper):
    page = client.get(f"/papers/{paper.pk}/").content.decode()

    assert "No project on Podium says it implements this paper yet." in page


def test_a_fork_keeps_the_papers(participant, other_participant, paper):
    from projects.services import fork_project

    project = create_project(owner=participant, title="Base", papers=[paper.pk], files=one_file())
    fork = fork_project(project=project, user=other_participant)

    assert list(fork.papers.all()) == [paper]


def test_the_service_refuses_an_unknown_paper_on_its_field(participant):
    with pytest.raises(ProjectError, match="No paper 424242 exists") as refused:
        create_project(owner=participant, title="T", papers=[424242], files=one_file())
    assert refused.value.details == {"field": "papers"}


def rate(project, stars_by_user: dict) -> None:
    from community.ratings import rate as give

    for user, stars in stars_by_user.items():
        give(user=user, target=project, stars=stars)


def test_the_paper_api_lists_the_projects_best_rated_first_with_their_rating(
    api_for, client, participant, paper
):
    from tests.community.conftest import old_account

    plain = create_project(owner=participant, title="Plain", papers=[paper.pk], files=one_file())
    good = create_project(owner=participant, title="Good", papers=[paper.pk], files=one_file())
    create_project(owner=participant, title="Unrelated", files=one_file())
    rate(good, {old_account("r1"): 5, old_account("r2"): 5})
    rate(plain, {old_account("r3"): 2})

    projects = client.get(f"/api/v1/papers/{paper.pk}/").json()["projects"]
    page = client.get(f"/papers/{paper.pk}/").content.decode()

    assert [p["slug"] for p in projects] == ["good", "plain"]
    assert projects[0] == {
        "slug": "good",
        "title": "Good",
        "publisher": "alice",
        "is_private": False,
        "rating_count": 2,
        "rating_average": 5.0,
        "page": "/projects/good/",
    }
    assert "★ 5.0 (2)" in page
    assert page.index("/projects/good/") < page.index("/projects/plain/")


def test_the_paper_api_shows_a_private_project_only_to_those_who_may_see_it(
    api_for, client, participant, other_participant, paper
):
    from tests.factories import UserFactory

    create_project(
        owner=participant,
        title="Secret",
        visibility="private",
        shared_with=["bob"],
        papers=[paper.pk],
        files=one_file(),
    )
    url = f"/api/v1/papers/{paper.pk}/"

    assert client.get(url).json()["projects"] == []
    assert api_for(UserFactory(username="eve")).get(url).json()["projects"] == []
    shared = api_for(other_participant).get(url).json()["projects"]
    assert [(p["slug"], p["is_private"]) for p in shared] == [("secret", True)]
    assert [p["slug"] for p in api_for(participant).get(url).json()["projects"]] == ["secret"]


def test_the_paper_api_hides_a_project_of_a_competition_the_reader_may_not_see(
    api_for, client, participant, paper, host
):
    from competitions.models import Competition
    from competitions.services import update_competition
    from tests.factories import make_competition

    hidden = make_competition(host=host)
    create_project(
        owner=participant, title="Entry", competitions=[hidden.slug], papers=[paper.pk], files=one_file()
    )
    update_competition(competition=hidden, user=host, changes={"visibility": Competition.Visibility.PRIVATE})

    assert client.get(f"/api/v1/papers/{paper.pk}/").json()["projects"] == []
    assert "Entry" not in client.get(f"/papers/{paper.pk}/").content.decode()
    assert [
        p["slug"] for p in api_for(participant).get(f"/api/v1/papers/{paper.pk}/").json()["projects"]
    ] == ["entry"]


def test_the_paper_api_names_every_kind_of_implementation(client, paper):
    answer = client.get(f"/api/v1/papers/{paper.pk}/").json()

    assert {"implementations", "projects", "writeups", "results"} <= set(answer)


def test_the_paper_page_and_api_read_in_the_same_queries_for_3_or_30_implementations(
    client, participant, paper
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from community.models import PaperImplementation
    from community.ratings import rate as give
    from tests.community.conftest import old_account

    reader = old_account("reader")

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            row = PaperImplementation.objects.create(paper=paper, repository_url=f"https://example.org/r{n}")
            give(user=reader, target=row, stars=1 + n % 5)
            project = create_project(owner=participant, title=f"P{n}", papers=[paper.pk], files=one_file())
            give(user=reader, target=project, stars=1 + n % 5)

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    client.force_login(reader)
    add(3, 0)
    client.get(f"/papers/{paper.pk}/")  # caches the content types, as a running server has them
    few = (queries(f"/papers/{paper.pk}/"), queries(f"/api/v1/papers/{paper.pk}/"))
    add(27, 3)
    many = (queries(f"/papers/{paper.pk}/"), queries(f"/api/v1/papers/{paper.pk}/"))

    assert many == few
