"""The demo seed's research challenge: two phases (Development then a deciding Final), two tracks with a
board each in each phase, three score columns, prizes and a co-host; once however often it runs."""

import pytest
from django.core.management import call_command

from competitions.models import Competition, PhaseTrack
from competitions.phases import current_phase, scoring_setup

pytestmark = pytest.mark.django_db


def test_the_demo_challenge_has_two_phases_two_tracks_three_columns_prizes_and_a_co_host():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    challenge = Competition.objects.get(slug="iris-challenge")
    phases = list(challenge.phases.order_by("number"))
    assert [(phase.name, phase.decides, phase.board_hidden_until_end) for phase in phases] == [
        ("Development", False, False),
        ("Final", True, True),
    ]
    assert current_phase(challenge) == phases[0]
    assert list(challenge.tracks.values_list("slug", "is_default")) == [
        ("accuracy", True),
        ("balanced", False),
    ]
    pairs = PhaseTrack.objects.filter(competition=challenge).select_related("track")
    assert sorted(scoring_setup(pair, challenge).metric for pair in pairs) == [
        "accuracy",
        "accuracy",
        "balanced_accuracy",
        "balanced_accuracy",
    ]
    assert [column["label"] for column in challenge.score_columns] == ["Balanced accuracy", "Macro F1"]
    assert challenge.prizes.count() == 2
    assert challenge.co_hosts.get().user.username == "demo-cohost"
