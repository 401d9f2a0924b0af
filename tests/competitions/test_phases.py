"""Phases and tracks: the invariant every competition keeps, and each rule a host's setup follows."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from competitions.models import Competition, Phase, PhaseTrack, Track
from competitions.phase_setup import (
    PhasePlan,
    TrackPlan,
    development_then_final,
    set_pair_scoring,
    set_phases,
    set_tracks,
)
from competitions.phases import (
    PhaseError,
    current_phase,
    deciding_phase,
    default_track,
    pairs_of,
    scoring_setup,
    submission_pair,
)
from tests.factories import LABEL_SOLUTION, make_competition


def plans_for(competition, *, split_after=timedelta(days=2), **final):
    """Development until `split_after` past the competition's start, then Final to its end."""
    middle = competition.start_at + split_after
    return [
        PhasePlan(name="Development", start_at=competition.start_at, end_at=middle),
        PhasePlan(name="Final", start_at=middle, end_at=competition.end_at, **final),
    ]


def refusal(error: PhaseError) -> tuple[str, str]:
    return error.value.code, error.value.details["field"]


def test_a_plain_competition_has_one_phase_over_its_window_one_default_track_and_their_pair(competition):
    [phase] = competition.phases.all()
    [track] = competition.tracks.all()
    [pair] = PhaseTrack.objects.filter(competition=competition)

    assert (phase.number, phase.start_at, phase.end_at, phase.decides) == (
        1,
        competition.start_at,
        competition.end_at,
        True,
    )
    assert (track.slug, track.is_default) == ("main", True)
    assert (pair.phase, pair.track) == (phase, track)


def test_a_plain_pair_is_scored_with_the_competitions_setup(competition):
    setup = scoring_setup(pairs_of(competition)[0], competition)

    assert (setup.metric, setup.solution_key, setup.solution_sha256, setup.id_column) == (
        competition.metric,
        competition.solution_key,
        competition.solution_sha256,
        competition.id_column,
    )
    assert setup.target_columns == competition.target_columns


def test_a_competition_made_straight_through_the_orm_gets_its_phase_and_track_too(host):
    now = timezone.now()
    competition = Competition.objects.create(
        host=host, title="Raw", slug="raw", start_at=now, end_at=now + timedelta(days=1), metric="accuracy"
    )

    assert competition.phases.count() == competition.tracks.count() == 1
    assert PhaseTrack.objects.filter(competition=competition).count() == 1


def test_moving_a_plain_competitions_end_moves_its_one_phase_with_it(competition):
    Competition.objects.filter(pk=competition.pk).update(end_at=timezone.now() - timedelta(seconds=1))
    competition.refresh_from_db()

    assert current_phase(competition) == deciding_phase(competition)


def test_development_then_final_splits_the_window_and_the_final_decides(competition, host):
    set_phases(
        competition=competition,
        user=host,
        plans=development_then_final(competition.start_at, competition.end_at),
    )
    development, final = competition.phases.order_by("number")

    assert development.end_at == final.start_at
    assert (final.decides, final.board_hidden_until_end, final.carry_over) == (True, True, "finals")
    assert (final.has_own_quotas, final.daily_submission_limit) == (True, 2)
    assert current_phase(competition) == development
    assert PhaseTrack.objects.filter(competition=competition).count() == 2


def test_the_current_phase_is_the_one_whose_window_holds_now(competition, host):
    started = competition.start_at
    set_phases(
        competition=competition, user=host, plans=plans_for(competition, split_after=timedelta(hours=1))
    )

    assert competition.start_at == started
    assert current_phase(competition).name == "Final"
    assert current_phase(competition, started + timedelta(minutes=5)).name == "Development"


def test_without_a_deciding_phase_named_the_last_decides(competition, host):
    set_phases(competition=competition, user=host, plans=plans_for(competition))

    assert deciding_phase(competition).name == "Final"
    assert Phase.objects.get(competition=competition, decides=True).name == "Final"


def test_overlapping_phases_are_refused_naming_the_later_phases_start(competition, host):
    plans = plans_for(competition)
    plans[1].start_at = plans[0].end_at - timedelta(hours=1)

    with pytest.raises(PhaseError) as error:
        set_phases(competition=competition, user=host, plans=plans)

    assert refusal(error) == ("phases_overlap", "phases[1].start_at")
    assert "must not overlap" in error.value.message


def test_a_phase_ending_after_the_competition_is_refused(competition, host):
    plans = plans_for(competition)
    plans[1].end_at = competition.end_at + timedelta(days=1)

    with pytest.raises(PhaseError) as error:
        set_phases(competition=competition, user=host, plans=plans)

    assert refusal(error) == ("phase_after_competition", "phases[1].end_at")


def test_a_phase_starting_before_the_competition_is_refused(competition, host):
    plans = plans_for(competition)
    plans[0].start_at = competition.start_at - timedelta(days=1)

    with pytest.raises(PhaseError) as error:
        set_phases(competition=competition, user=host, plans=plans)

    assert refusal(error) == ("phase_before_competition", "phases[0].start_at")


def test_a_phase_ending_before_it_starts_is_refused(competition, host):
    plans = plans_for(competition)
    plans[0].end_at = plans[0].start_at - timedelta(hours=1)

    with pytest.raises(PhaseError) as error:
        set_phases(competition=competition, user=host, plans=plans)

    assert refusal(error) == ("phase_ends_before_start", "phases[0].end_at")


def test_two_deciding_phases_are_refused(competition, host):
    plans = plans_for(competition)
    plans[0].decides = plans[1].decides = True

    with pytest.raises(PhaseError) as error:
        set_phases(competition=competition, user=host, plans=plans)

    assert refusal(error) == ("two_deciding_phases", "phases[1].decides")


def test_a_carry_over_on_the_first_phase_is_refused(competition, host):
    plans = plans_for(competition)
    plans[0].carry_over = "finals"

    with pytest.raises(PhaseError) as error:
        set_phases(competition=competition, user=host, plans=plans)

    assert refusal(error) == ("carry_over_on_first_phase", "phases[0].carry_over")


def test_carrying_over_the_last_k_needs_k(competition, host):
    plans = plans_for(competition, carry_over="last")

    with pytest.raises(PhaseError) as error:
        set_phases(competition=competition, user=host, plans=plans)

    assert refusal(error) == ("carry_over_count_missing", "phases[1].carry_over_count")


def test_a_phase_limit_out_of_bounds_is_refused_by_the_one_rules_definition(competition, host):
    plans = plans_for(competition, has_own_quotas=True, limits={"daily_submission_limit": 0})

    with pytest.raises(PhaseError) as error:
        set_phases(competition=competition, user=host, plans=plans)

    assert refusal(error) == ("invalid_limit", "phases[1].daily_submission_limit")


def test_only_the_host_side_sets_phases(competition, participant):
    from config.errors import NotAllowed

    with pytest.raises(NotAllowed):
        set_phases(competition=competition, user=participant, plans=plans_for(competition))


def test_tracks_get_a_pair_in_every_phase_and_one_default(competition, host):
    set_phases(competition=competition, user=host, plans=plans_for(competition))
    set_tracks(
        competition=competition,
        user=host,
        plans=[
            TrackPlan(slug="main", name="Main"),
            TrackPlan(slug="small", name="Small data", is_default=True),
        ],
    )

    assert PhaseTrack.objects.filter(competition=competition).count() == 4
    assert default_track(competition).slug == "small"
    assert Track.objects.get(competition=competition, is_default=True).slug == "small"


def test_two_tracks_with_one_slug_are_refused(competition, host):
    with pytest.raises(PhaseError) as error:
        set_tracks(
            competition=competition,
            user=host,
            plans=[TrackPlan(slug="a", name="A"), TrackPlan(slug="a", name="Again")],
        )

    assert refusal(error) == ("duplicate_track_slug", "tracks[1].slug")


def test_a_track_without_a_solution_when_the_competition_has_none_is_refused(competition, host):
    Competition.objects.filter(pk=competition.pk).update(solution_key="")
    competition.refresh_from_db()

    with pytest.raises(PhaseError) as error:
        set_tracks(
            competition=competition,
            user=host,
            plans=[TrackPlan(slug="main", name="Main"), TrackPlan(slug="extra", name="Extra")],
        )

    assert refusal(error) == ("track_without_solution", "solution")


def test_a_track_scored_on_its_own_solution_and_metric(competition, host):
    set_tracks(
        competition=competition,
        user=host,
        plans=[TrackPlan(slug="main", name="Main"), TrackPlan(slug="balanced", name="Balanced")],
    )
    pair = submission_pair(competition, track="balanced")
    flipped = LABEL_SOLUTION.replace("1,cat,Public", "1,dog,Public")

    set_pair_scoring(
        competition=competition,
        user=host,
        pair=pair,
        solution=io.BytesIO(flipped.encode()),
        metric="balanced_accuracy",
    )
    pair.refresh_from_db()
    setup = scoring_setup(pair, competition)

    assert setup.metric == "balanced_accuracy"
    assert setup.solution_key != competition.solution_key
    assert scoring_setup(submission_pair(competition), competition).solution_key == competition.solution_key


def test_an_unknown_metric_for_a_track_is_refused(competition, host):
    with pytest.raises(PhaseError) as error:
        set_pair_scoring(competition=competition, user=host, pair=pairs_of(competition)[0], metric="nope")

    assert refusal(error) == ("unknown_metric", "metric")


def test_submissions_go_to_the_current_phase_and_the_named_track(competition, host):
    set_phases(competition=competition, user=host, plans=plans_for(competition))
    set_tracks(
        competition=competition,
        user=host,
        plans=[TrackPlan(slug="main", name="Main"), TrackPlan(slug="small", name="Small")],
    )

    pair = submission_pair(competition, track="small")

    assert (pair.phase.name, pair.track.slug) == ("Development", "small")
    assert submission_pair(competition).track.slug == "main"


@pytest.mark.parametrize(
    ("phase", "track", "code", "field"),
    [
        (7, None, "unknown_phase", "phase"),
        (None, "nope", "unknown_track", "track"),
        (2, None, "phase_not_current", "phase"),
    ],
)
def test_a_submission_naming_an_unknown_or_closed_phase_or_track_is_refused(
    competition, host, phase, track, code, field
):
    set_phases(competition=competition, user=host, plans=plans_for(competition))

    with pytest.raises(PhaseError) as error:
        submission_pair(competition, phase, track)

    assert refusal(error) == (code, field)


def test_a_competition_made_with_several_phases_keeps_them_after_a_make_competition(host):
    competition = make_competition(host=host, slug="two")
    set_phases(competition=competition, user=host, plans=plans_for(competition))

    assert [phase.number for phase in competition.phases.all()] == [1, 2]
