"""Secondary score columns through the worker, the boards and a rescore; refused setups name the column, the
field and the rule (API here, the page in tests/competitions/test_score_column_forms.py)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from sklearn import metrics as sklearn_metrics

from competitions.models import Competition
from leaderboards.models import LeaderboardEntry
from leaderboards.queries import leaderboard_rows
from scoring import rescoring, services
from scoring.models import Rescore
from submissions.models import Submission
from tests.factories import UserFactory, joined, make_competition, predictions
from tests.scoring.test_statements import WORKER_STATEMENTS, statements, upload_through_api

COLUMNS = [
    {"label": "Balanced accuracy", "metric": "balanced_accuracy", "precision": 3},
    {"label": "MCC", "metric": "mcc", "shown": False},
]
PUBLIC_TRUTH = ["cat", "dog", "cat", "bird"]  # ids 1-4 of LABEL_SOLUTION


@pytest.fixture
def columned(host):
    return make_competition(host=host, slug="columned", score_columns=COLUMNS)


def submit(competition, user, api_for, labels: dict[int, str] | None = None) -> Submission:
    submission_id = upload_through_api(api_for(user), competition, predictions(labels))
    services.score_and_settle(submission_id)
    return Submission.objects.get(pk=submission_id)


def test_every_column_is_scored_on_both_splits_in_the_same_statements(columned, participant, api_for):
    joined(columned, participant)
    client = api_for(participant)
    first = upload_through_api(client, columned, predictions())
    second = upload_through_api(client, columned, predictions({2: "dog", 4: "bird"}))
    services.score_and_settle(first)

    with CaptureQueriesContext(connection) as captured:
        assert services.score_and_settle(second) == "scored"

    # Two columns cost no statement: the values ride in the one UPDATE of the scores and the one upsert.
    assert len(statements(captured)) == WORKER_STATEMENTS, "\n".join(statements(captured))
    submission = Submission.objects.get(pk=second)
    predicted = ["cat", "dog", "cat", "bird"]
    assert submission.public_columns == {
        "Balanced accuracy": pytest.approx(sklearn_metrics.balanced_accuracy_score(PUBLIC_TRUTH, predicted)),
        "MCC": pytest.approx(sklearn_metrics.matthews_corrcoef(PUBLIC_TRUTH, predicted)),
    }
    assert set(submission.private_columns) == {"Balanced accuracy", "MCC"}
    entry = LeaderboardEntry.objects.get(competition=columned, split="public")
    assert entry.columns == submission.public_columns
    assert entry.best_submission_id == second


def test_a_tie_on_the_primary_score_breaks_on_the_first_column_before_time(columned, participant, api_for):
    bob = UserFactory(username="bob")
    joined(columned, participant)
    joined(columned, bob)
    # Both get 2 of 4 public rows right (accuracy 0.5); bob's misses spread over the classes, so his balanced
    # accuracy is higher though he submitted later.
    submit(columned, participant, api_for)  # all cat: ids 1 and 3 right, balanced accuracy 1/3
    submit(columned, bob, api_for, {2: "dog", 3: "dog"})  # ids 1 and 2 right, balanced accuracy 1/2

    rows = leaderboard_rows(columned, "public")

    assert [(row.team_name, row.score) for row in rows] == [("bob", 0.5), ("alice", 0.5)]
    assert rows[0].columns["Balanced accuracy"] > rows[1].columns["Balanced accuracy"]


def test_a_tie_within_a_team_keeps_the_submission_with_the_better_column(columned, participant, api_for):
    joined(columned, participant)
    worse = submit(columned, participant, api_for)
    better = submit(columned, participant, api_for, {2: "dog", 3: "dog"})
    assert worse.public_score == better.public_score

    entry = LeaderboardEntry.objects.get(competition=columned, split="public")

    assert entry.best_submission_id == better.pk
    assert entry.entries == 2


def test_a_rescore_recomputes_every_column(columned, host, participant, api_for):
    joined(columned, participant)
    submission = submit(columned, participant, api_for, {2: "dog"})
    new_columns = [{"label": "Macro F1", "metric": "macro_f1"}, *COLUMNS]

    rescore = rescoring.start_rescore(competition=columned, user=host, score_columns=new_columns)
    while rescoring.continue_rescore(rescore.pk) == "continuing":
        pass

    submission.refresh_from_db()
    columned.refresh_from_db()
    assert Rescore.objects.get(pk=rescore.pk).status == "done"
    assert [column["label"] for column in columned.score_columns] == ["Macro F1", "Balanced accuracy", "MCC"]
    predicted = ["cat", "dog", "cat", "cat"]
    assert submission.public_columns["Macro F1"] == pytest.approx(
        sklearn_metrics.f1_score(PUBLIC_TRUTH, predicted, average="macro")
    )
    assert set(submission.private_columns) == {"Macro F1", "Balanced accuracy", "MCC"}
    entry = LeaderboardEntry.objects.get(competition=columned, split="public")
    assert entry.columns == submission.public_columns


def test_a_rescore_with_the_same_columns_is_refused_as_changing_nothing(columned, host):
    from competitions.errors import CompetitionError

    with pytest.raises(CompetitionError) as refusal:
        rescoring.start_rescore(competition=columned, user=host, score_columns=COLUMNS)
    assert refusal.value.code == "nothing_to_rescore"


BAD_COLUMNS = [
    (
        [{"label": "Vibes", "metric": "vibes"}],
        "Score column 1, metric: 'vibes' is not a metric Podium knows",
        "metric",
    ),
    (
        [{"label": "F1", "metric": "f1", "params": {"average": "sideways"}}],
        "Score column 1, params: The parameter 'average' of F1 must be one of",
        "params",
    ),
    (
        [{"label": "RMSE", "metric": "rmse"}],
        "Score column 1, metric: RMSE reads predictions as number",
        "metric",
    ),
    (
        [{"label": "BA", "metric": "balanced_accuracy"}, {"label": "ba", "metric": "mcc"}],
        "Score column 2, label: 'ba' is used twice; each column needs its own label.",
        "label",
    ),
    (
        [{"label": "BA", "metric": "balanced_accuracy", "precision": 11}],
        "Score column 1, precision: must be a whole number of decimals from 0 to 10, not 11.",
        "precision",
    ),
    (
        [{"label": "Score", "metric": "mcc"}],
        "Score column 1, label: 'Score' is a heading the board already has; choose another.",
        "label",
    ),
    (
        [{"label": "", "metric": "mcc"}],
        "Score column 1, label: a column needs a label",
        "label",
    ),
]


@pytest.mark.parametrize(("columns", "message", "part"), BAD_COLUMNS)
def test_creation_refuses_bad_columns_naming_the_column_field_and_rule(api_for, host, columns, message, part):
    from tests.competitions.test_api import create_payload

    response = api_for(host).post(
        "/api/v1/competitions/", create_payload(score_columns=json.dumps(columns)), format="multipart"
    )

    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "invalid_score_columns"
    assert body["message"].startswith(message), body["message"]
    assert body["details"]["field"] == "score_columns"
    assert body["details"]["part"] == part
    assert not Competition.objects.exists()


def test_creation_refuses_more_than_ten_columns(api_for, host):
    from tests.competitions.test_api import create_payload

    columns = [{"label": f"C{number}", "metric": "mcc"} for number in range(11)]
    response = api_for(host).post(
        "/api/v1/competitions/", create_payload(score_columns=json.dumps(columns)), format="multipart"
    )

    assert response.status_code == 400
    assert (
        response.json()["message"] == "A competition has at most 10 secondary score columns; 11 were given."
    )


def test_creation_through_the_api_keeps_the_columns_and_shows_hidden_ones_to_the_host_only(
    api_for, host, participant
):
    from tests.competitions.test_api import create_payload

    response = api_for(host).post(
        "/api/v1/competitions/", create_payload(score_columns=json.dumps(COLUMNS)), format="multipart"
    )
    assert response.status_code == 201, response.json()
    competition = Competition.objects.get(slug="coin-flips")
    assert competition.score_columns == [
        {
            "label": "Balanced accuracy",
            "metric": "balanced_accuracy",
            "params": {},
            "higher_is_better": True,
            "precision": 3,
            "shown": True,
        },
        {
            "label": "MCC",
            "metric": "mcc",
            "params": {},
            "higher_is_better": True,
            "precision": 4,
            "shown": False,
        },
    ]
    api_for(host).post(f"/api/v1/competitions/{competition.slug}/publish/")

    as_host = api_for(host).get(f"/api/v1/competitions/{competition.slug}/").json()
    as_participant = api_for(participant).get(f"/api/v1/competitions/{competition.slug}/").json()

    assert [column["label"] for column in as_host["score_columns"]] == ["Balanced accuracy", "MCC"]
    assert [column["label"] for column in as_participant["score_columns"]] == ["Balanced accuracy"]


def test_the_solution_cache_serves_every_column_from_one_parse(columned, participant, api_for, monkeypatch):
    joined(columned, participant)
    submit(columned, participant, api_for)  # the worker's cache now holds the parsed solution
    parses = []
    monkeypatch.setattr(services.engine, "load_solution", lambda *args, **kwargs: parses.append(1))

    second = submit(columned, participant, api_for, {2: "dog"})

    assert second.status == "scored"
    assert set(second.public_columns) == {"Balanced accuracy", "MCC"}
    assert parses == []
