"""Fixtures shared by the competition tests."""

from datetime import timedelta

import pytest

from tests.factories import UserFactory, joined, make_competition

NUMBERS = "id,y,Usage\n1,1.5,Public\n2,2.5,Public\n3,3.5,Private\n4,4.5,Private\n"


@pytest.fixture
def catalogue(host):
    """Four competitions: two running (one with two teams), one upcoming, one finished, plus a draft."""
    animals = make_competition(host=host, title="Animals", slug="animals", lasts=timedelta(days=10))
    make_competition(
        host=host,
        title="House prices",
        slug="houses",
        metric="rmse",
        solution=NUMBERS,
        target="y",
        lasts=timedelta(days=3),
    )
    make_competition(host=host, title="Future birds", slug="future", starts_in=timedelta(days=2))
    make_competition(
        host=host, title="Old cats", slug="old", starts_in=timedelta(days=-20), lasts=timedelta(days=5)
    )
    make_competition(host=host, title="Secret draft", slug="draft", publish=False)
    for name in ("p1", "p2"):
        joined(animals, UserFactory(username=name))
    return animals
