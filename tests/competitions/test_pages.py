import io
from datetime import timedelta

from django.utils import timezone

from competitions.models import Competition
from tests.factories import LABEL_SOLUTION, PASSWORD, TEST_CSV, joined


def upload(name: str, text: str):
    stream = io.BytesIO(text.encode())
    stream.name = name
    return stream


def test_host_creates_a_competition_through_the_form(client, host):
    client.login(username="host", password=PASSWORD)
    start = timezone.now().replace(microsecond=0)
    response = client.post(
        "/competitions/new/",
        {
            "title": "Animals",
            "slug": "",
            "start_at": start.strftime("%Y-%m-%dT%H:%M"),
            "end_at": (start + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "daily_submission_limit": 5,
            "metric": "accuracy",
            "id_column": "id",
            "target_columns": "label",
            "public_fraction": 0.3,
            "solution": upload("solution.csv", LABEL_SOLUTION),
            "data_files": [upload("test.csv", TEST_CSV)],
        },
    )

    assert response.status_code == 302
    competition = Competition.objects.get()
    assert response["Location"] == f"/competitions/{competition.slug}/host/check/"
    assert competition.status == "draft"


def test_form_shows_the_solution_problem_next_to_the_field(client, host):
    client.login(username="host", password=PASSWORD)
    start = timezone.now()
    response = client.post(
        "/competitions/new/",
        {
            "title": "Animals",
            "start_at": start.strftime("%Y-%m-%dT%H:%M"),
            "end_at": (start + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "daily_submission_limit": 5,
            "metric": "accuracy",
            "id_column": "identifier",
            "target_columns": "label",
            "public_fraction": 0.3,
            "solution": upload("solution.csv", LABEL_SOLUTION),
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Please fix this problem:" in page
    assert '<a href="#id_id_column">Id column</a>: The solution file has no id column' in page
    assert not Competition.objects.exists()


def test_every_tab_renders_for_a_visitor(client, competition):
    for tab in ["", "data/", "evaluation/", "rules/", "leaderboard/", "submissions/"]:
        response = client.get(f"/competitions/animals/{tab}")
        assert response.status_code == 200, tab


def test_data_tab_asks_to_accept_the_rules_first(client, competition, participant):
    client.login(username="alice", password=PASSWORD)

    page = client.get("/competitions/animals/data/").content.decode()

    assert "Accept the competition's rules to download its data." in page
    assert "/competitions/animals/data/test.csv" not in page


def test_accepting_the_rules_on_the_page_joins_and_unlocks_the_data(client, competition, participant):
    client.login(username="alice", password=PASSWORD)

    response = client.post("/competitions/animals/join/", follow=True)

    page = response.content.decode()
    assert "You accepted the rules and joined as team" in page
    assert "/competitions/animals/data/test.csv" in page


def test_download_page_refusal_shows_the_reason(client, competition, participant):
    client.login(username="alice", password=PASSWORD)

    response = client.get("/competitions/animals/data/test.csv")

    assert response.status_code == 403
    assert "Join the competition by accepting its rules to download its data." in response.content.decode()


def test_submissions_tab_shows_quota_and_upload_form_to_a_participant(client, competition, participant):
    joined(competition, participant)
    client.login(username="alice", password=PASSWORD)

    page = client.get("/competitions/animals/submissions/").content.decode()

    assert 'id="submit-form"' in page
    assert "5</strong> of 5 submissions left today" in page
    assert 'data-check="/api/v1/competitions/animals/submissions/check/"' in page
    assert "Columns: <code>id,label</code>" in page


def test_the_form_takes_the_positive_label_for_roc_auc(client, host):
    client.login(username="host", password=PASSWORD)
    start = timezone.now()
    solution = "id,y\n" + "".join(f"{i},{'yes' if i % 2 else 'no'}\n" for i in range(1, 21))
    fields = {
        "title": "Yes or no",
        "start_at": start.strftime("%Y-%m-%dT%H:%M"),
        "end_at": (start + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "daily_submission_limit": 5,
        "metric": "roc_auc",
        "id_column": "id",
        "target_columns": "y",
        "public_fraction": 0.5,
    }

    without = client.post("/competitions/new/", {**fields, "solution": upload("s.csv", solution)})
    with_label = client.post(
        "/competitions/new/",
        {**fields, "param-roc_auc-positive_label": "yes", "solution": upload("s.csv", solution)},
    )

    assert "positive_label" in without.context["form"].errors["param-roc_auc-positive_label"][0]
    assert with_label.status_code == 302
    assert Competition.objects.get().metric_params == {"positive_label": "yes"}


def test_the_list_shows_running_competitions_first_and_recently_finished_before_older(client, host):
    from tests.factories import make_competition

    make_competition(
        host=host, title="Old", slug="old", starts_in=timedelta(days=-60), lasts=timedelta(days=10)
    )
    make_competition(
        host=host, title="Recent", slug="recent", starts_in=timedelta(days=-20), lasts=timedelta(days=10)
    )
    make_competition(host=host, title="Soon", slug="soon", starts_in=timedelta(days=3))
    make_competition(host=host, title="Live", slug="live")

    competitions = client.get("/competitions/").context["competitions"]

    assert [c.slug for c in competitions] == ["live", "soon", "recent", "old"]


def test_the_evaluation_tab_states_the_limits_of_a_submission(client, competition, settings):
    settings.PODIUM_MAX_UPLOAD_MB = 50
    settings.PODIUM_SCORING_SOFT_LIMIT = 120

    page = client.get("/competitions/animals/evaluation/").content.decode()

    assert "A file of at most <strong>50 MB</strong>" in page
    assert "Exactly <strong>10</strong> data rows" in page
    assert "Scoring stops after <strong>120 seconds</strong>" in page
