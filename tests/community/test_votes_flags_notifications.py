"""Votes (one each, counted on the object), flags, the moderators hiding and restoring a comment, and the
notifications a reader gets."""

import pytest

from community.models import Comment, CommentFlag, Vote
from community.services import post_comment
from moderation.models import AuditLogEntry
from moderation.services import hide_comment
from tests.community.conftest import discussion_url
from tests.moderation.conftest import messages_of, run_action, the_audit_entry

pytestmark = pytest.mark.django_db


def comment_by(api_for, user, body="A comment", kind="competition", key="animals") -> int:
    answer = api_for(user).post(discussion_url(kind, key), {"body": body}, format="json")
    assert answer.status_code == 201, answer.json()
    return answer.json()["id"]


def test_a_vote_counts_once_and_can_be_taken_back(api_for, competition, carol, dave):
    url = "/api/v1/votes/competition/animals/"
    first = api_for(carol).post(url)
    assert first.status_code == 201
    assert first.json() == {"kind": "competition", "target": "animals", "vote_count": 1, "voted": True}

    again = api_for(carol).post(url)
    assert again.status_code == 409
    assert again.json()["message"] == "You have already voted for this; one vote each."

    assert api_for(dave).post(url).json()["vote_count"] == 2
    assert api_for(carol).get(url).json() == {
        "kind": "competition",
        "target": "animals",
        "vote_count": 2,
        "voted": True,
    }
    withdrawn = api_for(carol).delete(url)
    assert withdrawn.json() == {"kind": "competition", "target": "animals", "vote_count": 1, "voted": False}
    competition.refresh_from_db()
    assert competition.vote_count == 1 == Vote.objects.count()


def test_no_one_votes_for_their_own_work(api_for, competition, dataset, host, carol):
    own_competition = api_for(host).post("/api/v1/votes/competition/animals/")
    assert own_competition.status_code == 403
    assert own_competition.json()["message"] == "You cannot vote for your own work."
    comment_id = comment_by(api_for, carol)
    assert api_for(carol).post(f"/api/v1/votes/comment/{comment_id}/").status_code == 403
    assert api_for(host).post(f"/api/v1/votes/dataset/{dataset.slug}/").status_code == 403


def test_comments_and_datasets_take_votes_and_datasets_sort_by_them(api_for, host, dataset, carol, dave):
    from datasets.models import Dataset

    Dataset.objects.create(owner=host, title="Quiet one", slug="quiet-one")
    comment_id = comment_by(api_for, carol, kind="dataset", key=dataset.slug)
    assert api_for(dave).post(f"/api/v1/votes/comment/{comment_id}/").json()["vote_count"] == 1
    assert api_for(dave).post(f"/api/v1/votes/dataset/{dataset.slug}/").json()["vote_count"] == 1

    listed = api_for(None).get("/api/v1/datasets/?ordering=votes").json()["results"]
    assert [(row["slug"], row["vote_count"]) for row in listed] == [("coastal-weather", 1), ("quiet-one", 0)]
    comment = api_for(dave).get(f"/api/v1/comments/{comment_id}/").json()
    assert (comment["vote_count"], comment["voted"]) == (1, True)


def test_votes_need_a_login_and_a_known_kind(api_for, competition):
    assert api_for(None).post("/api/v1/votes/competition/animals/").status_code == 401
    unknown = api_for(None).get("/api/v1/votes/team/animals/")
    assert unknown.status_code == 404
    assert "Votes are for competition, dataset, writeup, comment" in unknown.json()["message"]


def test_a_flag_is_taken_once_with_a_reason(api_for, competition, carol, dave):
    comment_id = comment_by(api_for, carol)
    url = f"/api/v1/comments/{comment_id}/flag/"

    bad = api_for(dave).post(url, {"reason": "boring"}, format="json")
    assert bad.status_code == 400
    assert "reason" in bad.json()["details"]["fields"]

    flagged = api_for(dave).post(url, {"reason": "spam", "note": "Sells courses"}, format="json")
    assert flagged.status_code == 201
    again = api_for(dave).post(url, {"reason": "spam"}, format="json")
    assert again.status_code == 409
    assert "already flagged" in again.json()["message"]
    own = api_for(carol).post(url, {"reason": "spam"}, format="json")
    assert own.status_code == 400
    assert Comment.objects.get().flag_count == 1
    assert CommentFlag.objects.get().note == "Sells courses"


def test_a_hidden_comment_is_gone_for_others_and_marked_for_its_author(api_for, competition, carol, dave, db):
    from tests.factories import UserFactory

    moderator = UserFactory(username="mod", is_staff=True)
    comment_id = comment_by(api_for, carol, body="Buy my course")
    hide_comment(moderator=moderator, comment=Comment.objects.get(pk=comment_id), reason="Spam")

    assert api_for(dave).get(discussion_url("competition", "animals")).json()["count"] == 0
    assert api_for(dave).get(f"/api/v1/comments/{comment_id}/").status_code == 404
    assert api_for(dave).post(f"/api/v1/votes/comment/{comment_id}/").status_code == 404
    own = api_for(carol).get(discussion_url("competition", "animals")).json()["results"]
    assert [(row["body"], row["is_hidden"], row["hidden_reason"]) for row in own] == [
        ("Buy my course", True, "Spam")
    ]
    staff = api_for(moderator).get(discussion_url("competition", "animals")).json()["results"]
    assert staff[0]["body"] == "Buy my course"


def test_moderators_hide_and_restore_from_the_admin_and_both_are_in_the_audit_log(
    admin_client, api_for, competition, carol, dave, moderator
):
    comment_id = comment_by(api_for, carol, body="Buy my course")
    api_for(dave).post(f"/api/v1/comments/{comment_id}/flag/", {"reason": "spam"}, format="json")
    changelist = "/admin/community/comment/"
    listed = admin_client.get(changelist + "?flagged=yes")
    assert "Buy my course" in listed.content.decode()

    hidden = run_action(admin_client, changelist, "hide", Comment.objects.all(), reason="Advertising")
    assert messages_of(hidden) == ["Hid 1 comment: only their authors and staff see them now."]
    comment = Comment.objects.get()
    the_audit_entry(
        actor=moderator, action=AuditLogEntry.Action.COMMENT_HIDDEN, target=comment, reason="Advertising"
    )
    assert api_for(dave).get(discussion_url("competition", "animals")).json()["count"] == 0

    AuditLogEntry.objects.all().delete()
    restored = run_action(
        admin_client, changelist, "restore", Comment.objects.all(), reason="Was a fair link"
    )
    assert messages_of(restored) == ["Restored 1 comment: shown to everyone again, flags cleared."]
    the_audit_entry(
        actor=moderator,
        action=AuditLogEntry.Action.COMMENT_RESTORED,
        target=comment,
        reason="Was a fair link",
    )
    assert api_for(dave).get(discussion_url("competition", "animals")).json()["count"] == 1
    assert Comment.objects.get().flag_count == 0


def test_hiding_needs_a_reason(admin_client, api_for, competition, carol):
    comment_by(api_for, carol)
    refused = run_action(admin_client, "/admin/community/comment/", "hide", Comment.objects.all(), reason="")
    assert "Give a reason" in refused.content.decode()
    assert Comment.objects.get().hidden_at is None


def test_notifications_list_and_mark_read(api_for, competition, carol, dave):
    first = comment_by(api_for, carol, body="Question")
    api_for(dave).post(
        discussion_url("competition", "animals"), {"body": "Answer", "parent": first}, format="json"
    )

    listed = api_for(carol).get("/api/v1/me/notifications/?unread=true").json()
    assert listed["count"] == 1
    item = listed["results"][0]
    assert item["text"] == "dave replied to your comment"
    assert item["url"].startswith("/competitions/animals/discussion/#comment-")
    assert item["read_at"] is None

    marked = api_for(carol).post("/api/v1/me/notifications/read/", {}, format="json")
    assert marked.json() == {"marked": 1, "unread": 0}
    assert api_for(carol).get("/api/v1/me/notifications/?unread=true").json()["count"] == 0
    assert api_for(carol).get("/api/v1/me/notifications/").json()["count"] == 1
    assert api_for(None).get("/api/v1/me/notifications/").status_code == 401
    bad = api_for(carol).post("/api/v1/me/notifications/read/", {"ids": ["x"]}, format="json")
    assert bad.status_code == 400


def test_the_comment_filter_by_target_type_offers_only_what_can_carry_comments(
    admin_client, competition, carol
):
    post_comment(author=carol, target=competition, body="On the competition.")

    page = admin_client.get("/admin/community/comment/").content.decode()
    filtered = admin_client.get("/admin/community/comment/?target=competition").content.decode()
    none = admin_client.get("/admin/community/comment/?target=dataset").content.decode()

    assert "?target=competition" in page
    assert "?target=writeup" in page
    assert "content_type__id__exact" not in page
    assert "On the competition." in filtered
    assert "On the competition." not in none
