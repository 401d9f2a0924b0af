from datetime import timedelta

import pytest

from submissions.models import Submission
from tests.factories import joined, make_competition, predictions


def submit(client, text=None, name="predictions.csv", slug="animals", description="first try"):
    import io

    stream = io.BytesIO((text if text is not None else predictions()).encode())
    stream.name = name
    return client.post(
        f"/api/v1/competitions/{slug}/submissions/",
        {"file": stream, "description": description},
        format="multipart",
    )


@pytest.fixture
def alice(api_for, competition, participant):
    joined(competition, participant)
    return api_for(participant)


def test_submitting_answers_202_with_the_id_and_the_quota(
    alice, competition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = submit(alice)

    assert response.status_code == 202
    body = response.json()
    submission = Submission.objects.get()
    assert body["id"] == submission.pk
    assert body["status"] == "queued"
    assert body["remaining_today"] == 4
    assert body["resets_at"].endswith("T00:00:00Z")
    assert submission.description == "first try"
    assert len(callbacks) == 1  # the scoring task is sent only once the row is committed


def test_submitting_is_refused_before_joining(api_for, competition, participant):
    response = submit(api_for(participant))

    assert response.status_code == 403
    assert response.json()["message"] == "Join the competition by accepting its rules to submit."
    assert not Submission.objects.exists()


def test_submitting_is_refused_without_login(api_for, competition):
    response = submit(api_for())

    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_a_wrong_token_is_refused_with_a_clear_message(competition):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer pod_not-a-real-token")

    response = submit(client)

    assert response.status_code == 401
    assert response.json()["message"] == "Invalid or revoked API token."


def test_submitting_before_the_start_is_refused(api_for, host, participant):
    competition = make_competition(host=host, starts_in=timedelta(days=2))
    joined(competition, participant)

    response = submit(api_for(participant))

    assert response.status_code == 400
    assert response.json()["code"] == "not_started"
    assert "has not started; submissions open on" in response.json()["message"]


def test_submitting_after_the_end_is_accepted_as_a_late_submission(api_for, host, participant):
    competition = make_competition(host=host, starts_in=timedelta(days=-10), lasts=timedelta(days=5))
    joined(competition, participant)

    response = submit(api_for(participant))

    assert response.status_code == 202
    assert response.json()["is_late"] is True
    assert Submission.objects.get().is_late


def test_a_file_that_is_not_csv_is_refused(alice):
    response = submit(alice, name="predictions.xlsx")

    assert response.status_code == 400
    assert (
        response.json()["message"] == "'predictions.xlsx' is not a .csv file; upload your predictions as CSV."
    )


def test_a_binary_file_named_csv_is_refused(alice):
    response = submit(alice, text="PK\x03\x04\x00\x00binary", name="model.csv")

    assert response.status_code == 400
    assert response.json()["message"] == "'model.csv' is a binary file, not a CSV text file."


def test_an_empty_file_is_refused(alice):
    response = submit(alice, text="")

    assert response.status_code == 400
    assert response.json()["code"] in {"empty_file", "invalid"}
    assert "empty" in response.json()["message"]


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(alice, settings, competition):
    settings.PODIUM_MAX_UPLOAD_MB = 1

    response = submit(alice, text="id,label\n" + "1,cat\n" * 200_000)

    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert response.json()["message"] == "The upload is 1.1 MB; the limit is 1 MB."
    assert not Submission.objects.exists()


def test_a_file_over_the_size_limit_within_a_small_request_is_still_refused(alice, settings, competition):
    settings.PODIUM_MAX_UPLOAD_MB = 1
    text = "id,label\n" + "1,cat\n" * 180_000  # 1.03 MB: within the multipart allowance, over the file limit

    response = submit(alice, text=text)

    assert response.status_code == 400
    assert response.json()["code"] == "file_too_large"
    assert "the limit is 1 MB" in response.json()["message"]
    assert not Submission.objects.exists()


def test_the_daily_quota_refuses_the_next_upload_with_the_reset_time(alice, competition):
    for _ in range(5):
        assert submit(alice).status_code == 202

    response = submit(alice)

    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "quota_exceeded"
    assert body["message"].startswith("Your team has used all 5 submissions for today. The count resets at ")
    assert body["details"]["quota"]["remaining"] == 0
    assert body["details"]["quota"]["resets_at"].endswith("T00:00:00Z")
    assert int(response["Retry-After"]) > 0
    assert Submission.objects.count() == 5


def test_a_submission_refused_by_validation_gives_its_slot_back(alice, competition):
    for _ in range(5):
        submit(alice)
    Submission.objects.filter(pk=Submission.objects.first().pk).update(
        status="failed", counts_against_quota=False
    )

    assert submit(alice).status_code == 202


def test_participants_see_only_their_team_and_never_private_scores(
    api_for, alice, competition, other_participant
):
    submit(alice)
    Submission.objects.update(status="scored", public_score=0.5, private_score=0.25)
    joined(competition, other_participant)
    bob = api_for(other_participant)

    mine = alice.get("/api/v1/competitions/animals/submissions/").json()["results"]
    theirs = bob.get("/api/v1/competitions/animals/submissions/").json()["results"]
    detail = bob.get(f"/api/v1/submissions/{mine[0]['id']}/")

    assert [s["public_score"] for s in mine] == [0.5]
    assert "private_score" not in mine[0]
    assert theirs == []
    assert detail.status_code == 404


def test_the_host_sees_private_scores_and_host_only_detail(api_for, alice, competition, host):
    submit(alice)
    Submission.objects.update(
        status="failed",
        error_code="metric_failed",
        error_message="could not score",
        host_error_detail="only one class in the private split",
        private_score=None,
    )

    listing = api_for(host).get("/api/v1/competitions/animals/submissions/").json()["results"]
    as_participant = alice.get("/api/v1/competitions/animals/submissions/").json()["results"]

    assert listing[0]["host_error_detail"] == "only one class in the private split"
    assert "private_score" in listing[0]
    assert as_participant[0]["error"] == {"code": "metric_failed", "message": "could not score"}
    assert "host_error_detail" not in as_participant[0]


def test_quota_endpoint_reports_remaining_and_reset(alice):
    submit(alice)

    body = alice.get("/api/v1/competitions/animals/quota/").json()

    assert (body["limit"], body["used"], body["remaining"]) == (5, 1, 4)


def test_the_submission_list_is_paginated_and_reads_in_few_queries(
    api_for, alice, competition, host, django_assert_max_num_queries
):
    for _ in range(5):
        submit(alice)
    client = api_for(host)

    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/competitions/animals/submissions/?limit=2&offset=1").json()

    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert body["next"].endswith("limit=2&offset=3")


def test_a_team_downloads_its_own_submission_file(alice, api_for, other_participant, host):
    text = predictions({1: "dog"})
    submission_id = submit(alice, text).json()["id"]
    url = f"/api/v1/submissions/{submission_id}/file/"

    mine = alice.get(url)
    hosts = api_for(host).get(url)
    others = api_for(other_participant).get(url)
    anonymous = api_for().get(url)

    assert mine.status_code == 200
    assert b"".join(mine.streaming_content) == text.encode()
    assert mine["Content-Disposition"] == 'attachment; filename="predictions.csv"'
    assert mine["X-Checksum-SHA256"] == Submission.objects.get().file_sha256
    assert hosts.status_code == 200
    assert others.status_code == 404
    assert anonymous.status_code == 401


def test_behind_nginx_a_submission_file_is_named_for_it_in_the_private_folder(alice, settings):
    settings.PODIUM_ACCEL_REDIRECT_PREFIX = "/_podium_files/"
    submission_id = submit(alice, predictions({1: "dog"})).json()["id"]

    response = alice.get(f"/api/v1/submissions/{submission_id}/file/")

    assert response.content == b""
    assert response["X-Accel-Redirect"] == f"/_podium_files/private/{Submission.objects.get().file_key}"
    assert response["X-Checksum-SHA256"] == Submission.objects.get().file_sha256
