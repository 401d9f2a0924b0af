"""Projects are rated as datasets are: by readers, never by their owner, and Code tabs list the best rated
first."""

import pytest

from community.ratings import rate
from projects.services import NewFile, create_project
from tests.community.conftest import old_account
from tests.factories import make_competition
from tests.projects.conftest import SCRIPT, named

pytestmark = pytest.mark.django_db


def project(owner, title, competition=None):
    return create_project(
        owner=owner,
        title=title,
        files=[NewFile("train.py", named("train.py", SCRIPT))],
        competitions=[competition.slug] if competition else (),
    )


def test_a_reader_rates_a_project_through_the_api_and_its_owner_cannot(api_for, participant):
    baseline = project(participant, "Baseline")
    reader = old_account("reader")

    rated = api_for(reader).put(f"/api/v1/ratings/project/{baseline.slug}/", {"stars": 4}, format="json")
    own = api_for(participant).put(f"/api/v1/ratings/project/{baseline.slug}/", {"stars": 5}, format="json")

    assert rated.status_code == 200, rated.json()
    assert own.status_code == 403
    assert own.json()["code"] == "own_work"
    baseline.refresh_from_db()
    assert (baseline.rating_count, baseline.rating_sum) == (1, 4)


def test_the_code_tab_lists_the_best_rated_project_first_and_shows_the_widget(client, host, participant):
    competition = make_competition(host=host)
    plain = project(participant, "Plain", competition)
    liked = project(participant, "Liked", competition)
    for n in range(3):
        rate(user=old_account(f"fan{n}"), target=liked, stars=5)
    rate(user=old_account("critic"), target=plain, stars=2)

    tab = client.get(f"/competitions/{competition.slug}/code/").content.decode()
    page = client.get(f"/projects/{liked.slug}/").content.decode()

    assert tab.index("Liked") < tab.index("Plain")
    assert "<strong>best rated</strong>" in tab
    assert "★ 5.0 (3)" in tab
    assert 'class="rating' in page


@pytest.mark.parametrize("stars", [0, 6, -1])
def test_stars_outside_one_to_five_are_refused_on_the_api_and_the_page(api_for, client, participant, stars):
    from community.models import Rating
    from tests.moderation.conftest import messages_of

    baseline = project(participant, "Baseline")
    reader = old_account("reader")

    answer = api_for(reader).put(f"/api/v1/ratings/project/{baseline.slug}/", {"stars": stars}, format="json")
    client.force_login(reader)
    page = client.post(f"/community/ratings/project/{baseline.slug}/", {"stars": str(stars)}, follow=True)

    assert answer.status_code == 400
    assert answer.json()["details"] == {"field": "stars"}
    assert f"a rating is from 1 to 5 stars; {stars} is outside that." in answer.json()["message"]
    assert f"stars: a rating is from 1 to 5 stars; {stars} is outside that." in messages_of(page)
    assert not Rating.objects.exists()


def test_the_owner_rating_their_own_project_from_the_page_is_told_why(client, participant):
    from community.models import Rating
    from tests.moderation.conftest import messages_of

    baseline = project(participant, "Baseline")
    client.force_login(participant)

    page = client.post(f"/community/ratings/project/{baseline.slug}/", {"stars": "5"}, follow=True)

    assert any(message.startswith("You cannot rate your own work") for message in messages_of(page))
    assert not Rating.objects.exists()


def test_new_accounts_are_braked_on_projects_as_in_comments(api_for, participant, settings):
    from tests.factories import UserFactory

    settings.PODIUM_NEW_ACCOUNT_COMMENTS_PER_HOUR = 1
    first, second = project(participant, "First"), project(participant, "Second")
    newcomer = api_for(UserFactory(username="newcomer"))

    allowed = newcomer.put(f"/api/v1/ratings/project/{first.slug}/", {"stars": 4}, format="json")
    braked = newcomer.put(f"/api/v1/ratings/project/{second.slug}/", {"stars": 4}, format="json")

    assert allowed.status_code == 200
    assert braked.status_code == 429
    assert braked.json()["code"] == "rating_rate_limited"


def test_a_moderator_removes_a_project_rating_and_the_audit_log_keeps_it(
    admin_client, moderator, participant
):
    from community.models import Rating
    from moderation.models import AuditLogEntry
    from tests.moderation.conftest import run_action

    baseline = project(participant, "Baseline")
    rate(user=old_account("ring"), target=baseline, stars=5)

    run_action(
        admin_client, "/admin/community/rating/", "remove_ratings", [Rating.objects.get()], reason="Ring"
    )

    baseline.refresh_from_db()
    assert (baseline.rating_count, baseline.rating_sum) == (0, 0)
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.target, entry.reason) == (
        AuditLogEntry.Action.RATING_REMOVED,
        baseline,
        "Ring",
    )
