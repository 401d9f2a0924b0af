"""Papers: one record per paper (arXiv id and DOI normalised and unique), linked from the write-ups that cite
it, with its implementations and its results on benchmarks; tasks group benchmarks."""

import pytest

from community.benchmarks import benchmark_rows
from community.models import Benchmark, Paper, PaperImplementation, Task, WriteUp
from community.papers import PaperExists, PaperRefused, create_paper, normalise_doi, paper_arxiv_id
from competitions.models import Competition
from competitions.services import update_competition
from tests.community.test_writeups import PAPER
from tests.factories import UserFactory, end_now, joined
from tests.moderation.conftest import ALL_RIGHT, TWO_RIGHT, scored

pytestmark = pytest.mark.django_db
PAPERS = "/api/v1/papers/"


@pytest.fixture
def benchmark(api_for, competition, host, participant, other_participant):
    """alice's write-up cites arXiv 2106.01345v2 on a benchmark 'Animal Classification'; bob has none."""
    joined(competition, participant)
    joined(competition, other_participant)
    alice = scored(competition, participant, ALL_RIGHT)
    scored(competition, other_participant, TWO_RIGHT)
    end_now(competition)
    answer = api_for(participant).post(
        "/api/v1/competitions/animals/writeups/", {**PAPER, "submission": alice.pk}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    opened = api_for(host).post(
        "/api/v1/competitions/animals/benchmark/", {"task": "Animal Classification"}, format="json"
    )
    assert opened.status_code == 201, opened.json()
    return {"writeup": answer.json(), "competition": competition}


def test_arxiv_ids_are_normalised_as_write_ups_do_and_lose_their_version():
    for text in ("arXiv:2106.01345v2", "https://arxiv.org/abs/2106.01345", "2106.01345v1", " 2106.01345 "):
        assert paper_arxiv_id(text) == "2106.01345"
    assert paper_arxiv_id("hep-th/9901001v3") == "hep-th/9901001"


def test_dois_are_normalised_and_a_malformed_one_is_refused_by_name():
    for text in ("https://doi.org/10.1145/ABC.123", "doi:10.1145/abc.123", "10.1145/abc.123"):
        assert normalise_doi(text) == "10.1145/abc.123"
    with pytest.raises(PaperRefused) as refused:
        normalise_doi("11.1/nope")
    assert refused.value.code == "invalid_doi"
    assert refused.value.message == "'11.1/nope' is not a DOI; they look like 10.1145/3292500.3330701."


def test_publishing_a_write_up_creates_the_paper_and_a_second_citation_links_the_same_one(benchmark, api_for):
    paper = Paper.objects.get()
    assert (paper.arxiv_id, paper.title, paper.authors, paper.venue) == (
        "2106.01345",
        "On whiskers",
        ["A. Lice", "B. Ob"],
        "NeurIPS",
    )
    assert benchmark["writeup"]["paper"] == paper.pk
    assert benchmark["writeup"]["arxiv_id"] == "2106.01345v2"  # the write-up keeps what its team typed
    writeup = WriteUp.objects.get()
    writeup.arxiv_id, writeup.paper = "", None
    writeup.save()
    from community.papers import link_writeup

    link_writeup(writeup)
    assert writeup.paper is None
    writeup.paper_url = "https://arxiv.org/pdf/2106.01345v1.pdf"
    link_writeup(writeup)
    assert writeup.paper == paper
    assert Paper.objects.count() == 1


def test_editing_a_write_ups_arxiv_id_moves_it_to_that_paper(benchmark, api_for, participant):
    answer = api_for(participant).patch(
        f"/api/v1/writeups/{benchmark['writeup']['id']}/", {"arxiv_id": "1512.03385"}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    assert Paper.objects.get(pk=answer.json()["paper"]).arxiv_id == "1512.03385"
    bad = api_for(participant).patch(
        f"/api/v1/writeups/{benchmark['writeup']['id']}/", {"arxiv_id": "not-an-id"}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_arxiv_id"
    assert (
        bad.json()["message"]
        == "'not-an-id' is not an arXiv id; they look like 2106.01345 (or hep-th/9901001)."
    )


def test_a_signed_in_user_adds_a_paper_and_a_duplicate_is_refused_naming_the_one_podium_has(
    api_for, participant
):
    body = {
        "title": "Deep Residual Learning",
        "authors": ["K. He", "X. Zhang"],
        "arxiv_id": "arXiv:1512.03385v1",
    }
    assert api_for(None).post(PAPERS, body, format="json").status_code == 401
    created = api_for(participant).post(PAPERS, body, format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["arxiv_id"], created.json()["authors"]) == ("1512.03385", ["K. He", "X. Zhang"])
    again = api_for(participant).post(
        PAPERS, {**body, "arxiv_id": "https://arxiv.org/abs/1512.03385v3"}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_paper"
    assert again.json()["message"] == (
        f"Podium already has arXiv 1512.03385: 'Deep Residual Learning' (paper {created.json()['id']})."
    )


def test_a_malformed_arxiv_id_or_doi_is_a_400_naming_the_field(api_for, participant):
    bad_arxiv = api_for(participant).post(PAPERS, {"title": "X", "arxiv_id": "12345"}, format="json")
    assert bad_arxiv.status_code == 400
    assert bad_arxiv.json()["code"] == "invalid_arxiv_id"
    assert bad_arxiv.json()["details"] == {"fields": {"arxiv_id": ["Not an arXiv id."]}}
    bad_doi = api_for(participant).post(PAPERS, {"title": "X", "doi": "doi:10.12/x"}, format="json")
    assert bad_doi.status_code == 400
    assert bad_doi.json()["details"] == {"fields": {"doi": ["Not a DOI."]}}
    assert "is not a DOI" in bad_doi.json()["message"]


def test_two_papers_with_the_same_doi_are_refused():
    create_paper(title="A", doi="10.1000/ABC")
    with pytest.raises(PaperExists) as refused:
        create_paper(title="B", doi="https://doi.org/10.1000/abc")
    assert refused.value.message.startswith("Podium already has DOI 10.1000/abc: 'A' (paper ")


def test_the_paper_lists_its_repositories_write_ups_and_results(benchmark, api_for, participant, client):
    paper = Paper.objects.get()
    added = api_for(participant).post(
        f"{PAPERS}{paper.pk}/implementations/",
        {"repository_url": "https://github.com/lice/whiskers", "framework": "pytorch", "is_official": True},
        format="json",
    )
    assert added.status_code == 201, added.json()
    detail = api_for(None).get(f"{PAPERS}{paper.pk}/").json()
    assert [i["repository_url"] for i in detail["implementations"]] == ["https://github.com/lice/whiskers"]
    assert detail["implementations"][0]["is_official"] is True
    assert [w["method_name"] for w in detail["writeups"]] == ["Whisker features + kNN"]
    private_score = WriteUp.objects.get().submission.private_score
    assert [(r["competition"], r["task"], r["score"], r["is_imported"]) for r in detail["results"]] == [
        ("animals", "Animal Classification", private_score, False)
    ]
    page = client.get(f"/papers/{paper.pk}/").content.decode()
    assert "https://github.com/lice/whiskers" in page
    assert "Whisker features + kNN" in page
    assert "Animal Classification" in page


def test_an_implementation_needs_an_http_address(api_for, participant):
    paper = create_paper(title="A")
    bad = api_for(participant).post(
        f"{PAPERS}{paper.pk}/implementations/", {"repository_url": "ftp://x.org/y"}, format="json"
    )
    assert bad.status_code == 400
    assert "repository_url" in bad.json()["details"]["fields"]
    assert PaperImplementation.objects.count() == 0


def test_a_paper_cited_only_in_a_private_competition_shows_outsiders_nothing_of_it(
    benchmark, api_for, host, participant
):
    competition = benchmark["competition"]
    update_competition(
        competition=competition, user=host, changes={"visibility": Competition.Visibility.PRIVATE}
    )
    paper = Paper.objects.get()
    outsider = api_for(UserFactory(username="outsider")).get(f"{PAPERS}{paper.pk}/").json()
    assert (outsider["writeups"], outsider["results"]) == ([], [])
    insider = api_for(participant).get(f"{PAPERS}{paper.pk}/").json()
    assert (len(insider["writeups"]), len(insider["results"])) == (1, 1)


def test_an_unknown_paper_is_a_404(api_for):
    answer = api_for(None).get(f"{PAPERS}999999/")
    assert answer.status_code == 404
    assert answer.json()["message"] == "No paper 999999 exists."


def test_the_paper_list_searches_titles_and_arxiv_ids(api_for):
    create_paper(title="Deep Residual Learning", arxiv_id="1512.03385")
    create_paper(title="Attention is all you need", arxiv_id="1706.03762")
    titles = [p["title"] for p in api_for(None).get(PAPERS, {"q": "residual"}).json()["results"]]
    assert titles == ["Deep Residual Learning"]
    assert [p["title"] for p in api_for(None).get(PAPERS, {"q": "1706.03762"}).json()["results"]] == [
        "Attention is all you need"
    ]


def test_a_task_lists_its_benchmarks_with_the_best_result_of_each(benchmark, api_for, client):
    tasks = api_for(None).get("/api/v1/tasks/").json()["results"]
    assert [(t["name"], t["slug"], t["benchmark_count"]) for t in tasks] == [
        ("Animal Classification", "animal-classification", 1)
    ]
    best = benchmark_rows(Benchmark.objects.get())[0]
    detail = api_for(None).get("/api/v1/tasks/animal-classification/").json()
    assert [
        (b["competition"], b["best_method"], b["best_score"], b["entries"]) for b in detail["benchmarks"]
    ] == [("animals", best.method_name, best.score, 2)]
    page = client.get("/tasks/animal-classification/").content.decode()
    assert best.method_name in page
    assert api_for(None).get("/api/v1/tasks/no-such-task/").status_code == 404


def test_the_host_sets_the_benchmarks_task_and_others_cannot(benchmark, api_for, host, participant, client):
    url = "/api/v1/competitions/animals/benchmark/"
    refused = api_for(participant).patch(url, {"task": "Pets"}, format="json")
    assert refused.status_code == 403
    answer = api_for(host).patch(url, {"task": "  Tabular  classification "}, format="json")
    assert answer.status_code == 200, answer.json()
    assert (answer.json()["task"], answer.json()["task_slug"]) == (
        "Tabular classification",
        "tabular-classification",
    )
    again = api_for(host).patch(url, {"task": "TABULAR CLASSIFICATION"}, format="json")
    assert again.json()["task"] == "Tabular classification"
    assert Task.objects.filter(name__iexact="tabular classification").count() == 1
    empty = api_for(host).patch(url, {"task": ""}, format="json")
    assert empty.status_code == 400
    client.force_login(host)
    client.post("/competitions/animals/benchmark/task/", {"task": "Image Classification"})
    assert Benchmark.objects.get().task.name == "Image Classification"


def test_a_private_competitions_benchmark_is_not_counted_in_its_task_for_outsiders(benchmark, api_for, host):
    update_competition(
        competition=benchmark["competition"],
        user=host,
        changes={"visibility": Competition.Visibility.PRIVATE},
    )
    tasks = api_for(None).get("/api/v1/tasks/").json()["results"]
    assert tasks[0]["benchmark_count"] == 0
    assert api_for(None).get("/api/v1/tasks/animal-classification/").json()["benchmarks"] == []
    assert api_for(host).get("/api/v1/tasks/animal-classification/").json()["benchmarks"] != []


def test_the_migration_links_existing_write_ups_to_one_paper_per_arxiv_id(benchmark, participant):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("community.migrations.0007_papers_tasks_and_implementations")
    first = WriteUp.objects.get()
    second = WriteUp.objects.create(
        competition=first.competition,
        team=first.team,
        submission=scored(first.competition, participant, TWO_RIGHT),
        author=participant,
        method_name="Again",
        title="Again",
        body="",
        body_html="",
        arxiv_id="2106.01345v1",
    )
    WriteUp.objects.update(paper=None)
    Paper.objects.all().delete()

    migration.papers_from_writeups(apps, None)

    paper = Paper.objects.get()
    assert (paper.arxiv_id, paper.title, paper.authors) == ("2106.01345", "On whiskers", ["A. Lice", "B. Ob"])
    assert set(WriteUp.objects.values_list("pk", "paper_id")) == {(first.pk, paper.pk), (second.pk, paper.pk)}


def test_a_task_name_with_a_control_character_is_refused(benchmark, api_for, host):
    answer = api_for(host).patch(
        "/api/v1/competitions/animals/benchmark/", {"task": "Pets\x1b[2J"}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["message"] == (
        "The task holds a control character (U+001B CONTROL CHARACTER); use plain text on one line."
    )


def test_is_official_takes_only_true_or_false(api_for, participant):
    paper = create_paper(title="A")
    answer = api_for(participant).post(
        f"{PAPERS}{paper.pk}/implementations/",
        {"repository_url": "https://github.com/a/b", "is_official": "yes"},
        format="json",
    )
    assert answer.status_code == 400
    assert "is_official" in answer.json()["details"]["fields"]


def test_authors_are_names_in_text(api_for, participant):
    answer = api_for(participant).post(PAPERS, {"title": "A", "authors": ["Ada", 0]}, format="json")
    assert answer.status_code == 400
    assert answer.json()["details"]["fields"]["authors"] == [
        "Each author is a name in text, not a number or true/false."
    ]
