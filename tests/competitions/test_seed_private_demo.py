"""The demo seed has a private competition the demo participant is admitted to and an outsider cannot see;
seeding twice changes nothing."""

import pytest
from django.core.management import call_command

from accounts.models import User
from competitions.models import AllowListEntry, Competition
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_participant_sees_the_private_demo_and_an_outsider_does_not(client):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    private = Competition.objects.get(slug="wine-class")
    assert private.visibility == Competition.Visibility.PRIVATE
    assert private.status == Competition.Status.PUBLISHED
    assert list(AllowListEntry.objects.values_list("entry", flat=True)) == ["demo@example.com"]
    client.force_login(User.objects.get(username="demo"))
    assert client.get("/competitions/wine-class/").status_code == 200
    assert "/competitions/wine-class/" in client.get("/competitions/").content.decode()
    assert client.post("/competitions/wine-class/join/").status_code == 302
    client.force_login(UserFactory(username="outsider"))
    assert client.get("/competitions/wine-class/").status_code == 404
    assert "/competitions/wine-class/" not in client.get("/competitions/").content.decode()
    client.logout()
    assert client.get("/api/v1/competitions/wine-class/").status_code == 404


def test_the_demo_users_are_seeded_with_confirmed_addresses_and_an_unconfirmed_one_is_confirmed_again():
    User.objects.create_user(
        "demo", email="demo@example.com", password="x"
    )  # from before confirmation existed
    changed = User.objects.create_user("demo-host", email="host@real.example.org", password="x")

    call_command("seed_demo", verbosity=0)

    assert User.objects.get(username="demo").has_confirmed_email
    assert User.objects.get(username="demo-reviewer").has_confirmed_email
    changed.refresh_from_db()
    assert not changed.has_confirmed_email  # an address someone changed is theirs to confirm
