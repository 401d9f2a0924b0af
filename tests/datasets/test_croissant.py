import hashlib
import io
import json
import re

import mlcroissant
import pytest

from competitions.models import Competition
from datasets.columns import csv_columns
from datasets.models import DatasetFile
from datasets.services import NewFile, add_version, create_dataset
from organisations.services import create_organisation
from tests.factories import LABEL_SOLUTION, TEST_CSV, make_competition

IRIS_CSV = b"id,length,species,is_wild\n1,1.5,setosa,true\n2,2,virginica,False\n3,,setosa,\n"
NOTES = b"Measured in 1936."
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


@pytest.fixture
def iris(participant):
    return create_dataset(
        owner=participant,
        title="Iris",
        description="Three species of iris.",
        license="CC0",
        files=[NewFile("iris.csv", io.BytesIO(IRIS_CSV)), NewFile("notes.txt", io.BytesIO(NOTES))],
    )


def served(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/ld+json"
    return response.json()


def by_name(items):
    return {item["name"]: item for item in items}


def test_the_dataset_croissant_validates_and_describes_files_and_columns(api_for, iris):
    document = served(api_for(), "/api/v1/datasets/iris/croissant/")

    dataset = mlcroissant.Dataset(jsonld=document)

    issues = dataset.metadata.ctx.issues
    assert not issues.errors, issues.report()
    assert not issues.warnings, issues.report()
    assert dataset.metadata.name == "Iris"
    assert document["conformsTo"] == "http://mlcommons.org/croissant/1.0"
    assert document["version"] == "1.0.0"
    assert document["license"] == "https://spdx.org/licenses/CC0-1.0.html"
    assert document["creator"] == {"@type": "sc:Person", "name": "alice"}
    assert document["url"] == "http://testserver/datasets/iris/"
    files = by_name(document["distribution"])
    assert set(files) == {"iris.csv", "notes.txt", "iris-v1.zip"}
    assert files["iris.csv"]["contentSize"] == f"{len(IRIS_CSV)} B"
    assert files["iris.csv"]["sha256"] == hashlib.sha256(IRIS_CSV).hexdigest()
    assert files["iris.csv"]["encodingFormat"] == "text/csv"
    assert (
        files["iris.csv"]["contentUrl"] == "http://testserver/api/v1/datasets/iris/versions/1/files/iris.csv"
    )
    assert files["notes.txt"]["sha256"] == hashlib.sha256(NOTES).hexdigest()
    assert files["iris-v1.zip"]["encodingFormat"] == "application/zip"
    assert files["iris-v1.zip"]["contentUrl"] == "http://testserver/api/v1/datasets/iris/versions/1/download/"
    [record_set] = document["recordSet"]
    assert record_set["@id"] == "iris.csv"
    assert {field["@id"]: field["dataType"] for field in record_set["field"]} == {
        "iris.csv/id": "sc:Integer",
        "iris.csv/length": "sc:Float",
        "iris.csv/species": "sc:Text",
        "iris.csv/is_wild": "sc:Boolean",
    }
    assert record_set["field"][0]["source"] == {
        "fileObject": {"@id": files["iris.csv"]["@id"]},
        "extract": {"column": "id"},
    }


def test_records_load_from_local_copies_of_the_files_with_their_checksums_checked(api_for, iris, tmp_path):
    """The served document is used unchanged; mlcroissant's mapping points its file at a local copy."""
    document = served(api_for(), "/api/v1/datasets/iris/croissant/")
    local = tmp_path / "iris.csv"
    local.write_bytes(IRIS_CSV)
    file_id = by_name(document["distribution"])["iris.csv"]["@id"]

    records = list(mlcroissant.Dataset(jsonld=document, mapping={file_id: str(local)}).records("iris.csv"))

    assert [record["iris.csv/id"] for record in records] == [1, 2, 3]
    assert [record["iris.csv/species"] for record in records] == [b"setosa", b"virginica", b"setosa"]


def test_a_private_dataset_croissant_is_hidden_from_others(api_for, participant, other_participant):
    create_dataset(
        owner=participant,
        title="Secret",
        visibility="private",
        files=[NewFile("s.csv", io.BytesIO(b"x\n1\n"))],
    )

    refused = api_for(other_participant).get("/api/v1/datasets/secret/croissant/")
    anonymous = api_for().get("/api/v1/datasets/secret/croissant/")

    assert refused.status_code == 404
    assert refused.json()["message"] == "No dataset 'secret' exists, or you may not see it."
    assert anonymous.status_code == 404
    assert served(api_for(participant), "/api/v1/datasets/secret/croissant/")["name"] == "Secret"


def test_the_competition_croissant_describes_only_its_public_data(api_for, competition, tmp_path):
    document = served(api_for(), "/api/v1/competitions/animals/croissant/")

    dataset = mlcroissant.Dataset(jsonld=document)

    assert not dataset.metadata.ctx.issues.errors, dataset.metadata.ctx.issues.report()
    assert document["url"] == "http://testserver/competitions/animals/data/"
    assert document["creator"]["name"] == "host"
    files = by_name(document["distribution"])
    assert set(files) == {"train.csv", "test.csv", "sample_submission.csv", "animals-data-v1.zip"}
    assert files["test.csv"]["contentUrl"] == "http://testserver/api/v1/competitions/animals/files/test.csv"
    assert files["test.csv"]["sha256"] == hashlib.sha256(TEST_CSV.encode()).hexdigest()
    assert (
        files["animals-data-v1.zip"]["contentUrl"]
        == "http://testserver/api/v1/competitions/animals/download/"
    )
    columns = {rs["name"]: [field["name"] for field in rs["field"]] for rs in document["recordSet"]}
    assert columns == {
        "train.csv": ["id", "feature", "label"],
        "test.csv": ["id", "feature"],
        "sample_submission.csv": ["id", "label"],
    }
    text = json.dumps(document)
    assert "Usage" not in text
    assert "solution" not in text
    assert competition.solution_sha256 not in text
    assert hashlib.sha256(LABEL_SOLUTION.encode()).hexdigest() not in text


def test_data_published_for_an_organisation_names_the_organisation_as_its_creator(
    api_for, participant, competition, host
):
    lab = create_organisation(user=participant, name="Vision Lab")
    create_dataset(
        owner=participant,
        title="Eyes",
        organisation=lab,
        license="CC0",
        files=[NewFile("a.csv", io.BytesIO(IRIS_CSV))],
    )
    competition.organisation = create_organisation(user=host, name="Animal Lab")
    competition.save(update_fields=["organisation"])

    dataset_document = served(api_for(), "/api/v1/datasets/eyes/croissant/")
    competition_document = served(api_for(), "/api/v1/competitions/animals/croissant/")

    assert dataset_document["creator"] == {"@type": "sc:Organization", "name": "Vision Lab"}
    assert competition_document["creator"] == {"@type": "sc:Organization", "name": "Animal Lab"}
    assert not mlcroissant.Dataset(jsonld=dataset_document).metadata.ctx.issues.errors


def test_a_draft_competition_croissant_is_hidden_from_all_but_its_host(api_for, host, participant):
    make_competition(host=host, slug="draft-animals", publish=False)

    assert api_for(participant).get("/api/v1/competitions/draft-animals/croissant/").status_code == 404
    assert served(api_for(host), "/api/v1/competitions/draft-animals/croissant/")["name"] == "Animals data"


def test_a_competition_without_data_has_no_croissant(api_for, competition):
    Competition.objects.filter(pk=competition.pk).update(data_version=None)

    response = api_for().get("/api/v1/competitions/animals/croissant/")

    assert response.status_code == 404
    assert response.json()["message"] == "This competition has no data files yet."


def test_the_dataset_page_embeds_its_croissant(client, api_for, iris):
    page = client.get("/datasets/iris/").content.decode()

    [embedded] = SCRIPT.findall(page)

    assert json.loads(embedded) == served(api_for(), "/api/v1/datasets/iris/croissant/")


def test_the_embedded_croissant_cannot_close_its_script_tag(client, participant):
    create_dataset(
        owner=participant,
        title="Tricky",
        description="</script><script>alert('x')</script> & <!--",
        files=[NewFile("t.csv", io.BytesIO(b"</script>,b\n1,2\n"))],
    )

    page = client.get("/datasets/tricky/").content.decode()

    assert "alert('x')</script>" not in page
    [embedded] = SCRIPT.findall(page)
    document = json.loads(embedded)
    assert document["description"] == "</script><script>alert('x')</script> & <!--"
    assert [field["name"] for field in document["recordSet"][0]["field"]] == ["</script>", "b"]


def test_the_competition_data_page_embeds_its_croissant(client, competition):
    page = client.get("/competitions/animals/data/").content.decode()

    [embedded] = SCRIPT.findall(page)

    assert set(by_name(json.loads(embedded)["distribution"])) == {
        "train.csv",
        "test.csv",
        "sample_submission.csv",
        "animals-data-v1.zip",
    }


def test_the_version_parameter_selects_an_older_version(api_for, iris):
    add_version(dataset=iris, files=[NewFile("iris.csv", io.BytesIO(b"id\n1\n"))], notes="Trimmed.")

    latest = served(api_for(), "/api/v1/datasets/iris/croissant/")
    first = served(api_for(), "/api/v1/datasets/iris/croissant/?version=1")

    assert latest["version"] == "2.0.0"
    assert set(by_name(latest["distribution"])) == {"iris.csv", "iris-v2.zip"}
    assert first["version"] == "1.0.0"
    assert first["url"] == "http://testserver/datasets/iris/?version=1"
    assert set(by_name(first["distribution"])) == {"iris.csv", "notes.txt", "iris-v1.zip"}
    assert by_name(first["distribution"])["iris.csv"]["sha256"] == hashlib.sha256(IRIS_CSV).hexdigest()


@pytest.mark.parametrize("version", ["9", "0"])
def test_an_unknown_version_is_not_found(api_for, iris, version):
    response = api_for().get(f"/api/v1/datasets/iris/croissant/?version={version}")

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": f"Dataset 'iris' has no version {version}.",
        "details": {},
    }


def test_a_version_that_is_not_a_number_is_refused(api_for, iris):
    response = api_for().get("/api/v1/datasets/iris/croissant/?version=latest")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_version"
    assert (
        response.json()["message"]
        == "'latest' is not a version number; use ?version=1 or another whole number."
    )


def test_columns_are_stored_with_the_file(iris):
    stored = DatasetFile.objects.get(version__dataset=iris, name="iris.csv")

    assert stored.columns == [
        {"name": "id", "type": "integer"},
        {"name": "length", "type": "float"},
        {"name": "species", "type": "text"},
        {"name": "is_wild", "type": "boolean"},
    ]
    assert DatasetFile.objects.get(version__dataset=iris, name="notes.txt").columns == []


def test_columns_of_files_stored_before_they_were_kept_are_read_once_and_saved(api_for, iris):
    DatasetFile.objects.filter(name="iris.csv").update(columns=[])

    document = served(api_for(), "/api/v1/datasets/iris/croissant/")

    assert len(document["recordSet"][0]["field"]) == 4
    assert DatasetFile.objects.get(name="iris.csv").columns[0] == {"name": "id", "type": "integer"}


def test_a_version_whose_zip_checksum_was_not_kept_lists_only_its_files(api_for, iris):
    iris.versions.update(zip_sha256="")

    document = served(api_for(), "/api/v1/datasets/iris/croissant/")

    assert set(by_name(document["distribution"])) == {"iris.csv", "notes.txt"}
    assert not mlcroissant.Dataset(jsonld=document).metadata.ctx.issues.errors


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "name,city\nJosé,Zürich\n".encode("latin-1"),
        b"a,b\n\x00\x01,2\n",
        b"x" * (2 * 1024 * 1024),
        b"",
        b'a,"unclosed\n1,2\n',
    ],
    ids=["binary", "latin-1", "nul-bytes", "no-line-break", "empty", "unclosed-quote"],
)
def test_files_that_are_not_readable_csv_have_no_columns(content):
    assert csv_columns(io.BytesIO(content)) == []


def test_unnamed_and_repeated_columns_are_left_out():
    columns = csv_columns(io.BytesIO(b",a,b,a\n0,1,x,2\n"))

    assert columns == [{"name": "a", "type": "integer"}, {"name": "b", "type": "text"}]


def test_column_types_ignore_missing_values_and_reading_rewinds_the_stream():
    stream = io.BytesIO(b"\xef\xbb\xbfscore,count\n1e3,NA\n,7\n")

    columns = csv_columns(stream)

    assert columns == [{"name": "score", "type": "float"}, {"name": "count", "type": "integer"}]
    assert stream.tell() == 0


def test_column_types_come_from_the_rows_before_a_malformed_one():
    columns = csv_columns(io.BytesIO(b'n,label\n1,a\n2,"b"x\nthree,c\n'))

    assert columns == [{"name": "n", "type": "integer"}, {"name": "label", "type": "text"}]


def test_the_croissant_reads_a_fixed_number_of_queries_however_many_files(
    api_for, participant, django_assert_max_num_queries
):
    files = [NewFile(f"part-{n}.csv", io.BytesIO(b"a,b\n1,2\n")) for n in range(8)]
    create_dataset(owner=participant, title="Parts", files=files)
    client = api_for()

    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/datasets/parts/croissant/", HTTP_ACCEPT="application/ld+json")

    assert response.status_code == 200
    assert len(response.json()["recordSet"]) == 8


def test_odd_file_and_column_names_still_give_a_valid_croissant(api_for, participant):
    header = 'a b,..,.,#x?,é,a_b,"a,b"\n'
    create_dataset(
        owner=participant,
        title="Odd",
        files=[
            NewFile("my data.csv", io.BytesIO((header + "1,2,3,4,5,6,7\n").encode())),
            NewFile("my_data.csv", io.BytesIO(b"x\n1\n")),
        ],
    )
    document = served(api_for(), "/api/v1/datasets/odd/croissant/")

    dataset = mlcroissant.Dataset(jsonld=document)

    assert not dataset.metadata.ctx.issues.errors, dataset.metadata.ctx.issues.report()
    ids = [item["@id"] for item in document["distribution"] + document["recordSet"]]
    ids += [field["@id"] for record_set in document["recordSet"] for field in record_set["field"]]
    assert len(ids) == len(set(ids))
    assert not any(re.search(r"\s", id_) for id_ in ids)
    fields = by_name(document["recordSet"])["my data.csv"]["field"]
    assert [field["source"]["extract"]["column"] for field in fields] == [
        "a b",
        "..",
        ".",
        "#x?",
        "é",
        "a_b",
        "a,b",
    ]
