"""`make run` seeds demo-cohost and demo-reviewer on digits and the Podium Demo Lab hosting diabetes and owning
the demo dataset; running it again changes nothing."""

import pytest
from django.core.management import call_command

from competitions.models import Competition, CompetitionHost
from competitions.queries import host_role
from datasets.models import Dataset
from organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)


def test_the_seed_adds_a_co_host_and_a_reviewer_to_digits_once(seeded):
    digits = Competition.objects.get(slug="digits")

    assert sorted(
        CompetitionHost.objects.filter(competition=digits).values_list("user__username", "role")
    ) == [
        ("demo-cohost", "co_host"),
        ("demo-reviewer", "reviewer"),
    ]
    co_host = CompetitionHost.objects.get(competition=digits, role="co_host").user
    assert host_role(co_host, digits) == "co_host"


def test_the_seed_makes_one_organisation_hosting_diabetes_and_owning_the_demo_dataset(seeded):
    lab = Organisation.objects.get()

    assert (lab.slug, lab.name) == ("demo-lab", "Podium Demo Lab")
    assert sorted(lab.memberships.values_list("user__username", "role")) == [
        ("demo-cohost", "member"),
        ("demo-host", "owner"),
    ]
    assert list(lab.competitions.values_list("slug", flat=True)) == ["diabetes"]
    assert list(Dataset.objects.filter(organisation=lab).values_list("slug", flat=True)) == ["iris"]
