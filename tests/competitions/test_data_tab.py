"""The Data tab: the file table with sizes and columns, download buttons, and previews of the public CSV files
for those who may download them; never the solution."""

import io
from datetime import timedelta

from django.utils import timezone

from competitions.models import Competition
from competitions.services import CompetitionDraft, create_competition, publish_competition
from datasets.services import NewFile
from tests.factories import LABEL_SOLUTION, PASSWORD, joined

URL = "/competitions/animals/data/"


def logged_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_participant_sees_files_sizes_columns_downloads_and_previews(client, competition, participant):
    joined(competition, participant)

    page = logged_in(client, participant).get(URL).content.decode()

    assert 'id="data-files"' in page
    assert "<code>train.csv</code>" in page
    assert "<code>test.csv</code>" in page
    assert 'href="/competitions/animals/data/train.csv"' in page
    assert 'id="download-all" href="/competitions/animals/data/all.zip"' in page
    assert "First 3 rows of <code>train.csv</code>" in page  # TRAIN_CSV has three rows
    assert "<td>bird</td>" in page
    assert "First 10 rows of <code>test.csv</code>" in page
    assert "First 10 rows of <code>sample_submission.csv</code>" in page


def test_before_accepting_the_rules_there_is_no_preview_and_no_download(client, competition, participant):
    page = logged_in(client, participant).get(URL).content.decode()

    assert "<code>train.csv</code>" in page
    assert "First 3 rows" not in page
    assert 'href="/competitions/animals/data/train.csv"' not in page
    assert "Accept the competition's rules to download its data" in page


def test_the_solution_is_never_previewed(client, host, participant):
    solution = "id,y,Usage\n" + "".join(
        f"{i},{9876.5 + i},{'Public' if i <= 4 else 'Private'}\n" for i in range(1, 11)
    )
    odd_competition(host, "secret", solution=solution, metric="rmse", target="y")
    joined_to("secret", participant)

    for viewer in (participant, host):
        page = logged_in(client, viewer).get("/competitions/secret/data/").content.decode()
        assert "First 10 rows of <code>sample_submission.csv</code>" in page
        assert "9876" not in page
        assert "9877" not in page
        assert "Usage" not in page


def test_an_odd_csv_file_shows_no_preview_with_the_reason(client, host, participant):
    odd_competition(
        host,
        "odd",
        data_files=[
            NewFile("latin.csv", io.BytesIO("id,name\n1,caf\u00e9\n".encode("latin-1"))),
            NewFile("image.csv", io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")),
            NewFile("readme.txt", io.BytesIO(b"id,notes\n1,not previewed\n")),
        ],
    )
    joined_to("odd", participant)

    page = logged_in(client, participant).get("/competitions/odd/data/").content.decode()

    assert "No preview: The file is not UTF-8 text." in page
    assert "No preview: The file looks binary, not like CSV text." in page
    assert "<code>readme.txt</code>" in page
    assert "not previewed" not in page


def odd_competition(host, slug, *, solution=LABEL_SOLUTION, metric="accuracy", target="label", data_files=()):
    start = timezone.now() - timedelta(days=1)
    draft = CompetitionDraft(
        title=slug.title(),
        slug=slug,
        start_at=start,
        end_at=start + timedelta(days=30),
        metric=metric,
        id_column="id",
        target_columns=[target],
        rules="Play fair.",
    )
    competition = create_competition(
        host=host, draft=draft, solution=io.BytesIO(solution.encode()), data_files=list(data_files)
    )
    return publish_competition(competition=competition, user=host)


def joined_to(slug, user):
    return joined(Competition.objects.get(slug=slug), user)
