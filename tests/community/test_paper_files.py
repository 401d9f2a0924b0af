"""Papers With Code's papers-with-abstracts.json and links-between-papers-and-code.json: imported all or
nothing with every bad row named, a second import of the same file adds nothing, and the export writes the
same format back."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from community.models import Paper, PaperImplementation
from community.paper_files import PaperImportRefused, export_links, export_papers, import_links, import_papers

pytestmark = pytest.mark.django_db

RESNET = {
    "paper_url": "https://paperswithcode.com/paper/deep-residual-learning-for-image",
    "arxiv_id": "1512.03385",
    "title": "Deep Residual Learning for Image Recognition",
    "abstract": "Deeper neural networks are more difficult to train.",
    "url_abs": "http://arxiv.org/abs/1512.03385v1",
    "url_pdf": "http://arxiv.org/pdf/1512.03385v1.pdf",
    "proceeding": "CVPR 2016 6",
    "authors": ["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"],
    "tasks": ["Image Classification"],
    "date": "2015-12-10",
    "methods": [],
}
ATTENTION = {
    **RESNET,
    "paper_url": "https://paperswithcode.com/paper/attention-is-all-you-need",
    "arxiv_id": "1706.03762",
    "title": "Attention Is All You Need",
    "url_abs": "http://arxiv.org/abs/1706.03762v5",
    "authors": ["Ashish Vaswani"],
    "date": "2017-06-12",
}
LINK = {
    "paper_url": RESNET["paper_url"],
    "paper_title": RESNET["title"],
    "paper_arxiv_id": "1512.03385",
    "paper_url_abs": RESNET["url_abs"],
    "paper_url_pdf": RESNET["url_pdf"],
    "repo_url": "https://github.com/KaimingHe/deep-residual-networks",
    "is_official": True,
    "mentioned_in_paper": False,
    "mentioned_in_github": True,
    "framework": "none",
}


def as_file(rows) -> io.BytesIO:
    return io.BytesIO(json.dumps(rows).encode())


def test_papers_import_once_and_a_second_import_adds_nothing():
    assert import_papers(as_file([RESNET, ATTENTION])) == {"imported": 2, "skipped": 0}
    paper = Paper.objects.get(arxiv_id="1512.03385")
    assert paper.authors == ["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"]
    assert (paper.venue, paper.published_on.isoformat()) == ("CVPR 2016 6", "2015-12-10")
    assert import_papers(as_file([RESNET, ATTENTION])) == {"imported": 0, "skipped": 2}
    assert Paper.objects.count() == 2


def test_a_paper_twice_in_one_file_is_imported_once():
    assert import_papers(as_file([RESNET, {**RESNET, "arxiv_id": "1512.03385v2"}])) == {
        "imported": 1,
        "skipped": 1,
    }


def test_bad_rows_are_each_named_and_nothing_is_imported():
    rows = [
        RESNET,
        {**ATTENTION, "title": ""},
        "text",
        {**ATTENTION, "arxiv_id": "12"},
        {**ATTENTION, "date": "soon"},
    ]
    with pytest.raises(PaperImportRefused) as refused:
        import_papers(as_file(rows))
    assert refused.value.code == "import_bad_rows"
    assert refused.value.details["rows"] == [
        "Row 2 has no title.",
        "Row 3 is not an object.",
        "Row 4 (Attention Is All You Need): '12' is not an arXiv id; they look like 2106.01345 (or "
        "hep-th/9901001).",
        'Row 5 (Attention Is All You Need): date "soon" is not a date (YYYY-MM-DD).',
    ]
    assert refused.value.message.startswith(
        "Nothing was imported: 4 of 5 rows cannot be read. Row 2 has no title."
    )
    assert Paper.objects.count() == 0


def test_a_file_that_is_not_json_or_not_a_list_is_refused():
    with pytest.raises(PaperImportRefused) as not_json:
        import_papers(io.BytesIO(b'[{"title": '))
    assert not_json.value.code == "import_not_json"
    assert not_json.value.message.startswith("The file is not JSON")
    with pytest.raises(PaperImportRefused) as not_list:
        import_papers(io.BytesIO(b'{"title": "x"}'))
    assert not_list.value.message == (
        "The file is not a JSON list; expected papers-with-abstracts.json, a list of papers."
    )
    with pytest.raises(PaperImportRefused) as empty:
        import_papers(io.BytesIO(b"[]"))
    assert empty.value.message == "The file holds no papers."


def test_links_import_the_repositories_and_a_second_import_adds_nothing():
    import_papers(as_file([RESNET]))
    assert import_links(as_file([LINK])) == {"imported": 1, "skipped": 0}
    implementation = PaperImplementation.objects.get()
    assert (
        implementation.paper.arxiv_id,
        implementation.is_official,
        implementation.mentioned_in_github,
    ) == (
        "1512.03385",
        True,
        True,
    )
    assert import_links(as_file([LINK])) == {"imported": 0, "skipped": 1}


def test_a_link_to_an_unknown_paper_creates_it_from_its_title_and_bad_links_are_named():
    assert import_links(as_file([LINK]))["imported"] == 1
    assert Paper.objects.get().title == RESNET["title"]
    bad = [
        {**LINK, "repo_url": ""},
        {**LINK, "is_official": "yes"},
        {**LINK, "paper_arxiv_id": None, "paper_url": "", "paper_url_abs": ""},
    ]
    with pytest.raises(PaperImportRefused) as refused:
        import_links(as_file(bad))
    assert refused.value.details["rows"] == [
        "Row 1 (Deep Residual Learning for Image Recognition) has no repo_url.",
        'Row 2 (https://github.com/KaimingHe/deep-residual-networks): is_official is "yes", not true or false.',
        "Row 3 (https://github.com/KaimingHe/deep-residual-networks) has none of paper_arxiv_id, paper_url or "
        "paper_url_abs: it names no paper.",
    ]


def test_the_export_writes_the_same_format_and_reimporting_it_adds_nothing():
    import_papers(as_file([RESNET, ATTENTION]))
    import_links(as_file([LINK]))
    papers = json.loads("".join(export_papers()))
    assert set(papers[0]) >= set(RESNET)
    assert {paper["arxiv_id"] for paper in papers} == {"1512.03385", "1706.03762"}
    links = json.loads("".join(export_links()))
    assert {key: links[0][key] for key in LINK if key != "paper_url_pdf"} == {
        **{key: LINK[key] for key in LINK if key != "paper_url_pdf"}
    }
    assert import_papers(as_file(papers)) == {"imported": 0, "skipped": 2}
    assert import_links(as_file(links)) == {"imported": 0, "skipped": 1}


def test_the_commands_import_and_export(tmp_path):
    source = tmp_path / "papers-with-abstracts.json"
    source.write_text(json.dumps([RESNET]))
    out = io.StringIO()
    call_command("import_papers", str(source), "--kind", "papers", stdout=out)
    assert out.getvalue().strip() == "Imported 1; skipped 0 already known."
    target = tmp_path / "out.json"
    call_command("export_papers", "papers-with-abstracts.json", str(target), stdout=io.StringIO())
    assert json.loads(target.read_text())[0]["title"] == RESNET["title"]
    source.write_text("not json")
    with pytest.raises(CommandError, match="The file is not a JSON list"):
        call_command("import_papers", str(source), "--kind", "papers")


def test_staff_import_and_export_on_the_page_and_others_cannot(client, moderator, participant):
    upload = SimpleUploadedFile("papers.json", json.dumps([RESNET]).encode(), content_type="application/json")
    client.force_login(participant)
    assert client.post("/papers/import/", {"kind": "papers", "file": upload}).status_code == 302
    assert Paper.objects.count() == 0
    client.force_login(moderator)
    upload.seek(0)
    answer = client.post("/papers/import/", {"kind": "papers", "file": upload}, follow=True)
    assert "Imported 1; 0 already known were skipped." in answer.content.decode()
    bad = SimpleUploadedFile("papers.json", json.dumps([{"title": ""}]).encode())
    answer = client.post("/papers/import/", {"kind": "papers", "file": bad}, follow=True)
    assert "Nothing was imported: 1 of 1 row cannot be read. Row 1 has no title." in answer.content.decode()
    export = client.get("/papers/export/papers-with-abstracts.json")
    assert json.loads(b"".join(export.streaming_content))[0]["arxiv_id"] == "1512.03385"
    assert client.get("/papers/export/other.json").status_code == 404


def test_stray_control_characters_in_a_published_file_are_dropped_not_stored():
    row = {
        **RESNET,
        "title": "Deep\u200b Residual\tLearning",
        "abstract": "Deeper\x00 nets.",
        "authors": ["K.\u200bHe"],
    }
    import_papers(as_file([row]))
    paper = Paper.objects.get()
    assert (paper.title, paper.abstract, paper.authors) == (
        "Deep Residual Learning",
        "Deeper nets.",
        ["K. He"],
    )


def upload_of(rows, name="papers.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps(rows).encode(), content_type="application/json")


def test_staff_import_through_the_api_and_a_second_import_adds_nothing(api_for, moderator):
    staff = api_for(moderator)

    first = staff.post(
        "/api/v1/papers/import/", {"kind": "papers", "file": upload_of([RESNET])}, format="multipart"
    )
    again = staff.post(
        "/api/v1/papers/import/", {"kind": "papers", "file": upload_of([RESNET])}, format="multipart"
    )
    links = staff.post(
        "/api/v1/papers/import/", {"kind": "links", "file": upload_of([LINK])}, format="multipart"
    )

    assert (first.status_code, first.json()) == (201, {"imported": 1, "skipped": 0})
    assert again.json() == {"imported": 0, "skipped": 1}
    assert links.json() == {"imported": 1, "skipped": 0}
    assert PaperImplementation.objects.get().repository_url == LINK["repo_url"]


def test_the_api_names_every_bad_row_and_imports_nothing(api_for, moderator):
    rows = [RESNET, {**ATTENTION, "title": ""}, {**ATTENTION, "arxiv_id": "12"}]

    answer = api_for(moderator).post(
        "/api/v1/papers/import/", {"kind": "papers", "file": upload_of(rows)}, format="multipart"
    )

    assert answer.status_code == 400
    assert answer.json()["code"] == "import_bad_rows"
    assert answer.json()["message"].startswith(
        "Nothing was imported: 2 of 3 rows cannot be read. Row 2 has no title."
    )
    assert answer.json()["details"]["rows"][1].startswith(
        "Row 3 (Attention Is All You Need): '12' is not an arXiv id"
    )
    assert Paper.objects.count() == 0


def test_only_staff_import_through_the_api(api_for, participant):
    anonymous = api_for().post("/api/v1/papers/import/", {"kind": "papers", "file": upload_of([RESNET])})
    refused = api_for(participant).post(
        "/api/v1/papers/import/", {"kind": "papers", "file": upload_of([RESNET])}, format="multipart"
    )

    assert anonymous.status_code == 401
    assert (refused.status_code, refused.json()["message"]) == (403, "Only staff can import papers.")
    assert Paper.objects.count() == 0


def test_an_import_of_an_unknown_kind_is_a_400_on_kind(api_for, moderator):
    answer = api_for(moderator).post(
        "/api/v1/papers/import/", {"kind": "tables", "file": upload_of([RESNET])}, format="multipart"
    )

    assert answer.status_code == 400
    assert "kind" in answer.json()["details"]["fields"]
