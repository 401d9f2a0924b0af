"""Comments through the API: threads on competitions and datasets, editing for a while, deleting, the
refusals each with its message, and the brake on new accounts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import Comment, Notification
from tests.community.conftest import discussion_url, old_account
from tests.factories import UserFactory, make_competition

pytestmark = pytest.mark.django_db


def post(api_for, user, kind, key, body, parent=None):
    data = {"body": body} if parent is None else {"body": body, "parent": parent}
    return api_for(user).post(discussion_url(kind, key), data, format="json")


def test_a_comment_and_a_reply_form_a_thread_in_reading_order(api_for, competition, carol, dave):
    first = post(api_for, carol, "competition", "animals", "Is the **test set** balanced?")
    assert first.status_code == 201, first.json()
    reply = post(api_for, dave, "competition", "animals", "Roughly, yes.", parent=first.json()["id"])
    second = post(api_for, dave, "competition", "animals", "Another question")

    listed = api_for(None).get(discussion_url("competition", "animals")).json()

    assert listed["count"] == 3
    rows = [(row["id"], row["parent"], row["depth"], row["author"]) for row in listed["results"]]
    assert rows == [
        (first.json()["id"], None, 0, "carol"),
        (reply.json()["id"], first.json()["id"], 1, "dave"),
        (second.json()["id"], None, 0, "dave"),
    ]
    assert listed["results"][0]["body_html"] == "<p>Is the <strong>test set</strong> balanced?</p>"
    assert listed["results"][0]["url"] == f"/competitions/animals/discussion/#comment-{first.json()['id']}"


def test_markdown_is_sanitised_and_links_are_nofollow_ugc(api_for, competition, carol):
    body = (
        "[my site](https://spam.example) <script>alert(1)</script> <img src=x onerror=alert(1)> "
        "[click](javascript:alert(1)) <a href='https://x.example' onclick='steal()'>x</a>"
    )
    html = post(api_for, carol, "competition", "animals", body).json()["body_html"]

    assert '<a href="https://spam.example" rel="nofollow ugc noopener">my site</a>' in html
    assert '<a href="https://x.example" rel="nofollow ugc noopener">x</a>' in html
    for unsafe in ("<script", "<img", "onerror", "onclick", "javascript:"):
        assert unsafe not in html


def test_datasets_take_comments_too(api_for, dataset, carol):
    created = post(api_for, carol, "dataset", dataset.slug, "Which units is wind speed in?")
    assert created.status_code == 201
    assert created.json()["target_kind"] == "dataset"
    assert created.json()["url"] == f"/datasets/{dataset.slug}/#comment-{created.json()['id']}"


def test_an_empty_comment_is_refused_by_name(api_for, competition, carol):
    answer = post(api_for, carol, "competition", "animals", "   ")
    assert answer.status_code == 400
    assert answer.json()["code"] in ("invalid", "comment_empty")
    assert "body" in answer.json()["message"] or "empty" in answer.json()["message"]


def test_a_comment_too_long_is_refused_with_its_length(api_for, competition, carol):
    answer = post(api_for, carol, "competition", "animals", "x" * 10_001)
    assert answer.status_code == 400
    assert "10000" in answer.json()["message"].replace(",", "")


def test_anonymous_readers_cannot_post(api_for, competition):
    answer = post(api_for, None, "competition", "animals", "hello")
    assert answer.status_code == 401


def test_an_unknown_kind_or_a_hidden_target_is_not_found(api_for, host, carol):
    make_competition(host=host, slug="draft-one", publish=False)
    assert post(api_for, carol, "team", "x", "hi").status_code == 404
    unseen = post(api_for, carol, "competition", "draft-one", "hi")
    assert unseen.status_code == 404
    assert "draft-one" in unseen.json()["message"]


def test_a_reply_to_a_comment_elsewhere_is_refused(api_for, competition, dataset, carol, dave):
    on_dataset = post(api_for, carol, "dataset", dataset.slug, "On the dataset").json()["id"]
    answer = post(api_for, dave, "competition", "animals", "Reply", parent=on_dataset)
    assert answer.status_code == 400
    assert answer.json() == {
        "code": "wrong_thread",
        "message": "That comment belongs to another discussion.",
        "details": {},
    }


def test_the_author_edits_within_the_window_and_it_says_edited(api_for, competition, carol):
    comment = post(api_for, carol, "competition", "animals", "Frist").json()
    edited = api_for(carol).patch(f"/api/v1/comments/{comment['id']}/", {"body": "First"}, format="json")
    assert edited.status_code == 200
    assert edited.json()["body"] == "First"
    assert edited.json()["edited_at"] is not None


def test_someone_elses_comment_cannot_be_edited_or_deleted(api_for, competition, carol, dave):
    comment = post(api_for, carol, "competition", "animals", "Mine").json()
    url = f"/api/v1/comments/{comment['id']}/"
    edited = api_for(dave).patch(url, {"body": "Yours now"}, format="json")
    assert edited.status_code == 403
    assert edited.json()["message"] == "Only its author can edit a comment."
    deleted = api_for(dave).delete(url)
    assert deleted.status_code == 403
    assert Comment.objects.get().body == "Mine"


def test_editing_after_the_window_is_refused_with_when_it_was_posted(api_for, competition, carol, settings):
    comment = post(api_for, carol, "competition", "animals", "Old").json()
    Comment.objects.filter(pk=comment["id"]).update(created_at=timezone.now() - timedelta(minutes=31))
    answer = api_for(carol).patch(f"/api/v1/comments/{comment['id']}/", {"body": "New"}, format="json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "edit_window_closed"
    assert answer.json()["message"].startswith("Comments can be edited for 30 minutes after posting")


def test_a_deleted_comment_keeps_its_place_for_its_replies_and_goes_when_it_has_none(
    api_for, competition, carol, dave
):
    first = post(api_for, carol, "competition", "animals", "Question").json()
    post(api_for, dave, "competition", "animals", "Answer", parent=first["id"])
    lonely = post(api_for, carol, "competition", "animals", "Never mind").json()

    assert api_for(carol).delete(f"/api/v1/comments/{first['id']}/").status_code == 204
    assert api_for(carol).delete(f"/api/v1/comments/{lonely['id']}/").status_code == 204

    rows = api_for(None).get(discussion_url("competition", "animals")).json()["results"]
    assert [(row["id"], row["is_deleted"], row["body"]) for row in rows] == [
        (first["id"], True, ""),
        (rows[1]["id"], False, "Answer"),
    ]


def test_one_comment_can_be_read_on_its_own(api_for, competition, carol):
    comment = post(api_for, carol, "competition", "animals", "Hello").json()
    answer = api_for(None).get(f"/api/v1/comments/{comment['id']}/")
    assert answer.status_code == 200
    assert answer.json()["body"] == "Hello"
    assert api_for(None).get("/api/v1/comments/999999/").status_code == 404


def test_new_accounts_are_braked_and_told_when_they_can_post_again(api_for, competition, settings):
    settings.PODIUM_NEW_ACCOUNT_COMMENTS_PER_HOUR = 2
    newcomer = UserFactory(username="newcomer")
    for n in range(2):
        assert post(api_for, newcomer, "competition", "animals", f"Comment {n}").status_code == 201

    answer = post(api_for, newcomer, "competition", "animals", "One more")

    assert answer.status_code == 429
    assert answer.json()["code"] == "comment_rate_limited"
    assert answer.json()["message"].startswith("Accounts younger than 3 days may post 2 comments an hour")
    assert 3500 <= int(answer["Retry-After"]) <= 3601
    assert Comment.objects.count() == 2


def test_older_accounts_are_not_braked(api_for, competition, settings):
    settings.PODIUM_NEW_ACCOUNT_COMMENTS_PER_HOUR = 1
    veteran = old_account("veteran")
    for n in range(3):
        assert post(api_for, veteran, "competition", "animals", f"Comment {n}").status_code == 201


def test_a_suspended_competitions_discussion_is_closed(api_for, competition, carol):
    competition.suspended_at = timezone.now()
    competition.save()
    answer = post(api_for, competition.host, "competition", "animals", "Anyone?")
    assert answer.status_code == 403
    assert answer.json()["code"] == "target_closed"


def test_replies_notify_the_thread_and_new_threads_notify_the_owner(api_for, competition, carol, dave, host):
    first = post(api_for, carol, "competition", "animals", "Question").json()
    post(api_for, dave, "competition", "animals", "Answer", parent=first["id"])
    post(api_for, host, "competition", "animals", "Host here", parent=first["id"])

    kinds = sorted(Notification.objects.values_list("recipient__username", "kind", "comment__body"))
    assert kinds == [
        ("carol", "reply", "Answer"),
        ("carol", "reply", "Host here"),
        ("dave", "thread", "Host here"),
        ("host", "new_comment", "Question"),
        ("host", "thread", "Answer"),
    ]


def test_a_reply_to_a_comment_that_is_not_there_is_not_found(api_for, competition, carol):
    answer = post(api_for, carol, "competition", "animals", "Reply", parent=999999)
    assert answer.status_code == 404
    assert answer.json()["message"] == "No comment 999999 exists, or you may not see it."
    assert not Comment.objects.exists()
