"""The parts of every page: one name for notifications, an Admin link for staff only, the API docs linked
from the footer and back to the site, and a favicon wherever a browser asks for one."""

from tests.factories import UserFactory


def test_staff_see_an_admin_link_and_others_do_not(client, db):
    client.force_login(UserFactory(username="staffer", is_staff=True))
    staff_page = client.get("/competitions/").content.decode()
    client.force_login(UserFactory(username="plain"))
    plain_page = client.get("/competitions/").content.decode()

    assert '<a href="/admin/" id="admin-link">Admin</a>' in staff_page
    assert 'id="admin-link"' not in plain_page


def test_notifications_have_one_name_at_every_width(client, db):
    client.force_login(UserFactory(username="plain"))

    page = client.get("/competitions/").content.decode()

    assert ">Notifications" in page
    assert "Inbox" not in page


def test_the_footer_links_the_api_docs_and_they_link_back(client, db):
    page = client.get("/competitions/").content.decode()
    docs = client.get("/api/docs/").content.decode()

    assert '<a href="/api/docs/">API</a>' in page
    assert '<a href="/">← Podium</a>' in docs


def test_favicon_ico_leads_to_the_sites_icon(client, db):
    answer = client.get("/favicon.ico")

    assert answer.status_code == 301
    assert answer["Location"] == "/static/podium/favicon.svg"
