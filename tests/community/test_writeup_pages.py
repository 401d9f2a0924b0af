"""The write-up pages: the Write-ups tab, the team's form (with its refusals in the form), one write-up with
its paper, code, citation and discussion."""

import pytest

from community.models import WriteUp
from competitions.models import Competition
from tests.community.test_writeups import PAPER, end_now
from tests.factories import PASSWORD, joined
from tests.moderation.conftest import ALL_RIGHT, TWO_RIGHT, scored

pytestmark = pytest.mark.django_db
TAB = "/competitions/animals/writeups/"


@pytest.fixture
def alice_submission(competition, participant):
    joined(competition, participant)
    return scored(competition, participant, ALL_RIGHT)


def logged_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def form_data(submission, **changes):
    data = {**PAPER, "submission": submission.pk, "uses_extra_data": "on", **changes}
    data["year"] = str(data["year"])
    return data


def test_before_the_end_the_tab_says_when_write_ups_open(client, competition, participant, alice_submission):
    page = logged_in(client, participant).get(TAB).content.decode()
    assert "Write-ups open when the competition ends." in page
    assert "Publish a write-up" not in page


def test_a_team_publishes_from_the_form_and_lands_on_its_page(
    client, competition, participant, alice_submission
):
    end_now(competition)
    client = logged_in(client, participant)
    form = client.get(TAB + "new/").content.decode()
    assert f'<option value="{alice_submission.pk}"' in form
    assert (
        '<label for="id_uses_extra_data" class="checkbox-label"><input type="checkbox"' in form
    )  # beside it

    answer = client.post(TAB + "new/", form_data(alice_submission))

    writeup = WriteUp.objects.get()
    assert answer["Location"] == f"{TAB}{writeup.pk}/"
    page = client.get(answer["Location"]).content.decode()
    assert f'Write-ups</a> / <span aria-current="page">{writeup.title}</span></nav>' in page
    assert "<strong>whiskers</strong>" in page
    assert 'href="https://arxiv.org/abs/2106.01345v2"' in page
    assert 'href="https://github.com/alice/whiskers"' in page
    assert "A. Lice, B. Ob. <cite>On whiskers</cite>, NeurIPS 2025. arXiv:2106.01345v2." in page
    assert 'id="discussion"' in page
    listed = client.get(TAB).content.decode()
    assert "Whisker features + kNN" in listed
    assert "extra data" in listed


def test_a_refusal_comes_back_in_the_form_with_everything_typed(
    client, competition, participant, alice_submission
):
    end_now(competition)
    answer = logged_in(client, participant).post(TAB + "new/", form_data(alice_submission, arxiv_id="nope"))
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "&#x27;nope&#x27; is not an arXiv id" in page
    assert 'value="Whisker features + kNN"' in page
    assert not WriteUp.objects.exists()


def test_another_teams_submission_is_not_offered(
    client, competition, participant, other_participant, alice_submission
):
    joined(competition, other_participant)
    bobs = scored(competition, other_participant, TWO_RIGHT)
    end_now(competition)
    form = logged_in(client, participant).get(TAB + "new/").content.decode()
    assert f'<option value="{bobs.pk}"' not in form
    answer = client.post(TAB + "new/", form_data(bobs))
    assert "Select a valid choice" in answer.content.decode()


def test_the_team_edits_its_write_up_from_the_page(client, competition, participant, alice_submission):
    Competition.objects.filter(pk=competition.pk).update(allows_writeups_while_running=True)
    client = logged_in(client, participant)
    client.post(TAB + "new/", form_data(alice_submission))
    writeup = WriteUp.objects.get()
    changed = form_data(alice_submission, title="Cats are easier")
    del changed["submission"]
    answer = client.post(f"{TAB}{writeup.pk}/edit/", changed)
    assert answer["Location"] == f"{TAB}{writeup.pk}/"
    assert "Cats are easier" in client.get(answer["Location"]).content.decode()
