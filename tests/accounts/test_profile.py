"""The profile page: who the user is, the display name they choose, the competitions they joined with their
public rank and (once the private board is out) their final rank and medal, and their API tokens."""

from datetime import timedelta

import pytest

from accounts.models import User
from competitions.models import Competition
from leaderboards.private_board import build_private_leaderboard
from leaderboards.services import recompute_public_entry
from tests.factories import PASSWORD, UserFactory, joined, make_competition, make_submission

URL = "/accounts/profile/"


def logged_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def scores(competition, entries):
    """Teams of one with one scored submission each: {username: (public, private)}."""
    teams = {}
    for username, (public, private) in entries.items():
        team = joined(competition, UserFactory(username=username))
        submission = make_submission(team, public_score=public)
        type(submission).objects.filter(pk=submission.pk).update(private_score=private)
        recompute_public_entry(team)
        teams[username] = team
    return teams


def test_the_profile_shows_the_name_initials_email_and_joined_date(client, participant):
    participant.display_name = "Alice Liddell"
    participant.save()

    page = logged_in(client, participant).get(URL).content.decode()

    assert '<h1 id="profile-name">Alice Liddell</h1>' in page
    assert ">AL</span>" in page
    assert "@alice · alice@example.com" in page
    assert f'joined <time datetime="{participant.date_joined.isoformat()}">' in page


def test_a_user_changes_their_display_name(client, participant):
    response = logged_in(client, participant).post(URL, {"profile-display_name": "  The   Queen  "})

    assert response.status_code == 302
    assert User.objects.get(pk=participant.pk).display_name == "The Queen"
    page = client.get(URL).content.decode()
    assert "Display name saved." in page
    assert ">TQ</span>" in page
    assert '<label for="id_profile-display_name">Display name</label>' in page


def test_a_too_long_display_name_is_refused_next_to_the_field(client, participant):
    response = logged_in(client, participant).post(URL, {"profile-display_name": "x" * 151})

    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters" in response.content.decode()
    assert User.objects.get(pk=participant.pk).display_name == ""


def test_tokens_are_still_created_from_the_profile(client, participant):
    response = logged_in(client, participant).post(URL, {"name": "laptop"})

    assert response.status_code == 302
    page = client.get(URL).content.decode()
    assert 'id="new-token">pod_' in page
    assert "<td>laptop</td>" in page


def test_a_running_competition_shows_the_public_rank_and_no_private_standing(
    client, competition, participant
):
    scores(competition, {"bob": (0.9, 0.1), "carol": (0.7, 0.99)})
    team = joined(competition, participant)
    make_submission(team, public_score=0.8)
    recompute_public_entry(team)

    page = logged_in(client, participant).get(URL).content.decode()
    row = page[
        page.index('id="joined-competitions"') : page.index("</table>", page.index("joined-competitions"))
    ]

    assert '<a href="/competitions/animals/">Animals</a>' in row
    assert '2 <span class="muted">of 3</span>' in row
    assert "after the end" in row
    assert "medal-" not in row


def test_ranks_follow_a_lower_is_better_metric(client, host, participant):
    solution = "id,y,Usage\n" + "".join(
        f"{i},{i},{'Public' if i <= 4 else 'Private'}\n" for i in range(1, 11)
    )
    competition = make_competition(host=host, slug="numbers", metric="rmse", solution=solution, target="y")
    scores(competition, {"bob": (1.0, 1.0), "carol": (3.0, 3.0)})
    team = joined(competition, participant)
    make_submission(team, public_score=2.0)
    recompute_public_entry(team)

    page = logged_in(client, participant).get(URL).content.decode()

    assert '2 <span class="muted">of 3</span>' in page


@pytest.fixture
def finished(host):
    return make_competition(host=host, slug="over", starts_in=timedelta(days=-10), lasts=timedelta(days=5))


def test_after_the_end_the_final_rank_and_medal_are_shown(client, finished, participant):
    scores(finished, {f"rival{n}": (0.1 * n, 0.1 * n) for n in range(1, 10)})
    team = joined(finished, participant)
    submission = make_submission(team, public_score=0.05)
    type(submission).objects.filter(pk=submission.pk).update(private_score=0.99)
    recompute_public_entry(team)
    build_private_leaderboard(Competition.objects.get(pk=finished.pk))

    page = logged_in(client, participant).get(URL).content.decode()

    assert '10 <span class="muted">of 10</span>' in page  # last on the public board
    assert '<strong>1</strong> <span class="muted">of 10</span>' in page  # first on the private one
    assert '<span class="medal medal-gold">Gold<span class="visually-hidden"> medal</span></span>' in page


def test_an_ended_competition_without_its_private_board_shows_no_private_rank(client, finished, participant):
    team = joined(finished, participant)
    make_submission(team, public_score=0.5)
    recompute_public_entry(team)

    page = logged_in(client, participant).get(URL).content.decode()

    assert "being built" in page
    assert "medal-" not in page


def test_the_profile_reads_in_a_constant_number_of_queries(
    client, host, participant, django_assert_max_num_queries
):
    for n in range(6):
        competition = make_competition(host=host, slug=f"c{n}", title=f"Competition {n}")
        scores(competition, {f"rival{n}": (0.5, 0.5)})
        team = joined(competition, participant)
        make_submission(team, public_score=0.1 * n)
        recompute_public_entry(team)
    logged_in(client, participant)

    with django_assert_max_num_queries(7):
        page = client.get(URL).content.decode()

    assert page.count('<span class="badge phase-running">') == 6


def test_someone_who_joined_nothing_is_pointed_to_the_competitions(client, participant):
    page = logged_in(client, participant).get(URL).content.decode()

    assert "You have not joined a competition yet." in page
