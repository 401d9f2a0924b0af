"""`make run` seeds prizes on three demo competitions, once: running it again changes nothing."""

import pytest
from django.core.management import call_command

from competitions.models import Competition, Prize

pytestmark = pytest.mark.django_db


def test_the_seed_gives_three_demos_prizes_once_and_the_list_shows_their_totals(client):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    digits = Competition.objects.get(slug="digits")
    assert [p.text for p in digits.prizes.all()] == [
        "5,000 USD",
        "2,500 USD",
        "1,000 USD (and a conference pass)",
        "Podium T-shirt",
    ]
    assert Prize.objects.count() == 7  # digits 4, breast-cancer 1, the iris challenge 2
    listing = client.get("/competitions/?ordering=prize").content.decode()
    assert "8,500 USD in prizes" in listing
    assert "3,000 EUR in prizes" in listing
    assert listing.index("Handwritten digits") < listing.index("Diabetes progression")
