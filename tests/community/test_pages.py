"""The discussion on the site: the competition's Discussion tab, the dataset page, forms that come back to
where they were posted (with the text kept when refused), votes, flags and the notifications page."""

import pytest

from community.models import Comment, Notification
from community.services import post_comment
from moderation.services import hide_comment
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
TAB = "/competitions/animals/discussion/"


def logged_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_discussion_tab_shows_threads_with_replies_and_a_form(client, competition, carol, dave):
    first = post_comment(author=carol, target=competition, body="Is **accuracy** macro?")
    post_comment(author=dave, target=competition, body="No, plain.", parent=first)

    page = logged_in(client, dave).get(TAB).content.decode()

    assert 'aria-current="page">Discussion</a>' in page
    assert 'Discussion <span class="muted">(2)</span>' in page
    assert "Is <strong>accuracy</strong> macro?" in page
    assert page.index("Is <strong>accuracy</strong>") < page.index("No, plain.")
    assert 'id="new-comment-body"' in page
    assert f'name="parent" value="{first.pk}"' in page


def test_an_anonymous_reader_sees_the_discussion_and_a_login_link(client, competition, carol):
    post_comment(author=carol, target=competition, body="Hello")
    page = client.get(TAB).content.decode()
    assert "Hello" in page
    assert "to join the discussion" in page
    assert 'id="new-comment-body"' not in page


def test_posting_from_the_form_lands_on_the_new_comment(client, competition, carol):
    answer = logged_in(client, carol).post(
        "/community/competition/animals/comments/", {"body": "First!", "next": TAB}
    )
    comment = Comment.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"{TAB}#comment-{comment.pk}"


def test_a_refused_comment_comes_back_with_its_text_and_the_reason(client, competition, settings):
    settings.PODIUM_NEW_ACCOUNT_COMMENTS_PER_HOUR = 0
    newcomer = UserFactory(username="newcomer")
    client = logged_in(client, newcomer)
    answer = client.post(
        "/community/competition/animals/comments/", {"body": "My long careful question", "next": TAB}
    )
    assert answer["Location"] == f"{TAB}#new-comment"
    page = client.get(TAB).content.decode()
    assert "Accounts younger than 3 days cannot comment yet; you can from " in page
    assert ">My long careful question</textarea>" in page
    assert Comment.objects.count() == 0
    assert "My long careful question" not in client.get(TAB).content.decode()  # shown once, then gone


def test_the_edit_page_saves_within_the_window(client, competition, carol):
    comment = post_comment(author=carol, target=competition, body="Teh typo")
    client = logged_in(client, carol)
    assert "Teh typo" in client.get(f"/community/comments/{comment.pk}/edit/").content.decode()
    answer = client.post(f"/community/comments/{comment.pk}/edit/", {"body": "The typo"})
    assert answer["Location"] == f"{TAB}#comment-{comment.pk}"
    assert "The typo" in client.get(TAB).content.decode()
    assert "(edited)" in client.get(TAB).content.decode()


def test_someone_else_cannot_open_the_edit_page_form_to_save(client, competition, carol, dave):
    comment = post_comment(author=carol, target=competition, body="Mine")
    answer = logged_in(client, dave).post(f"/community/comments/{comment.pk}/edit/", {"body": "Yours"})
    assert "Only its author can edit a comment." in answer.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Mine"


def test_deleting_leaves_a_placeholder_only_while_replies_remain(client, competition, carol, dave):
    first = post_comment(author=carol, target=competition, body="Question")
    post_comment(author=dave, target=competition, body="Answer", parent=first)
    client = logged_in(client, carol)
    client.post(f"/community/comments/{first.pk}/delete/")
    page = client.get(TAB).content.decode()
    assert "This comment was deleted by its author." in page
    assert "Question" not in page


def test_flagging_from_the_page_thanks_the_reader(client, competition, carol, dave):
    comment = post_comment(author=carol, target=competition, body="Rude words")
    client = logged_in(client, dave)
    form = client.get(f"/community/comments/{comment.pk}/flag/").content.decode()
    assert "What is wrong with it?" in form
    answer = client.post(f"/community/comments/{comment.pk}/flag/", {"reason": "abuse"}, follow=True)
    assert "the moderators will look at this comment" in answer.content.decode()
    again = client.post(f"/community/comments/{comment.pk}/flag/", {"reason": "abuse"}, follow=True)
    assert "You have already flagged this comment" in again.content.decode()


def test_a_vote_button_toggles_and_says_so(client, competition, carol):
    client = logged_in(client, carol)
    client.post("/community/votes/competition/animals/", {"next": TAB})
    page = client.get(TAB).content.decode()
    assert 'aria-pressed="true"' in page
    assert '<span class="vote-count">1</span>' in page
    client.post("/community/votes/competition/animals/", {"next": TAB, "action": "withdraw"})
    assert '<span class="vote-count">0</span>' in client.get(TAB).content.decode()


def test_a_vote_never_redirects_off_the_site(client, competition, carol):
    answer = logged_in(client, carol).post(
        "/community/votes/competition/animals/", {"next": "https://evil.example/"}
    )
    assert answer["Location"] == TAB


def test_hidden_comments_are_left_out_of_the_page_for_others(client, competition, carol, dave, moderator):
    comment = post_comment(author=carol, target=competition, body="Spam spam")
    hide_comment(moderator=moderator, comment=comment, reason="Advertising")
    assert "Spam spam" not in logged_in(client, dave).get(TAB).content.decode()
    own = logged_in(client, carol).get(TAB).content.decode()
    assert "Spam spam" in own
    assert "Hidden by the moderators: Advertising" in own


def test_the_dataset_page_has_votes_and_a_discussion(client, dataset, carol):
    from datasets.services import NewFile, add_version

    add_version(dataset=dataset, files=[NewFile("a.csv", __import__("io").BytesIO(b"a\n1\n"))], notes="First")
    post_comment(author=carol, target=dataset, body="Nice data")
    page = logged_in(client, carol).get(f"/datasets/{dataset.slug}/").content.decode()
    assert "Nice data" in page
    assert 'action="/community/votes/dataset/coastal-weather/"' in page


def test_the_notifications_page_lists_and_then_marks_read(client, competition, carol, dave):
    first = post_comment(author=carol, target=competition, body="Question")
    post_comment(author=dave, target=competition, body="Here is the answer", parent=first)
    client = logged_in(client, carol)
    assert 'id="unread-count">1<' in client.get(TAB).content.decode()

    page = client.get("/notifications/").content.decode()

    assert "<strong>dave</strong> replied to your comment" in page
    assert "Here is the answer" in page
    assert Notification.objects.filter(recipient=carol, read_at__isnull=True).count() == 0
    assert 'id="unread-count"' not in client.get(TAB).content.decode()


def test_no_vote_button_is_offered_on_your_own_comment_only_its_count(client, competition, carol, dave):
    own = post_comment(author=carol, target=competition, body="Mine.")
    daves = post_comment(author=dave, target=competition, body="Dave's.")
    client = logged_in(client, carol)

    page = client.get(TAB).content.decode()

    assert f'action="/community/votes/comment/{own.pk}/"' not in page
    assert 'title="Votes for your own work"' in page
    assert f'action="/community/votes/comment/{daves.pk}/"' in page


def test_the_hosts_comments_carry_a_host_badge(client, competition, host, carol):
    post_comment(author=host, target=competition, body="Welcome, everyone.")
    post_comment(author=carol, target=competition, body="Thanks!")

    page = client.get(TAB).content.decode()

    assert page.count('<span class="badge host-badge">Host</span>') == 1
    assert page.index("@host") < page.index("host-badge") < page.index("@carol")


def test_a_hidden_comments_banner_ends_its_reason_with_one_full_stop(client, competition, carol, moderator):
    comment = post_comment(author=carol, target=competition, body="Buy now.")
    hide_comment(comment=comment, moderator=moderator, reason="Spam.")
    client = logged_in(client, carol)

    page = client.get(TAB).content.decode()

    assert "Hidden by the moderators: Spam. Only you can see it." in page
    assert "Spam.." not in page
