"""Submissions in a competition with phases and tracks: where they go, what they count against, which board
they stand on, what decides, and what a new phase carries over."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from competitions.models import Competition, Phase
from competitions.phase_setup import PhasePlan, TrackPlan, set_phases, set_tracks
from competitions.phases import PhaseError, pair_of, pairs_of, submission_pair
from leaderboards.models import LeaderboardEntry
from leaderboards.private_board import finalize_ended_competitions
from scoring import services as scoring
from submissions.carry_over import carry_over_started_phases
from submissions.models import Submission
from submissions.services import QuotaExceeded, SubmissionRefused, create_submission, select_final
from tests.factories import joined, make_submission, predictions


def two_phases(competition, host, *, final_is_current=False, **final):
    """Development then Final; Final starts an hour after the start (so it runs now) or in two days."""
    middle = competition.start_at + (timedelta(hours=1) if final_is_current else timedelta(days=2))
    set_phases(
        competition=competition,
        user=host,
        plans=[
            PhasePlan(name="Development", start_at=competition.start_at, end_at=middle),
            PhasePlan(name="Final", start_at=middle, end_at=competition.end_at, **final),
        ],
    )
    return {pair.phase.name: pair for pair in pairs_of(competition)}


def two_tracks(competition, host):
    set_tracks(
        competition=competition,
        user=host,
        plans=[TrackPlan(slug="main", name="Main"), TrackPlan(slug="small", name="Small")],
    )


def upload(competition, user, text=None, **where):
    submission, _ = create_submission(
        competition=competition,
        user=user,
        file_name="p.csv",
        stream=io.BytesIO((text or predictions()).encode()),
        **where,
    )
    return submission


def pair_named(competition, phase_name, track_slug="main"):
    return next(
        pair
        for pair in pairs_of(competition)
        if pair.phase.name == phase_name and pair.track.slug == track_slug
    )


def test_a_submission_goes_to_the_current_phase_and_the_default_track(competition, host, participant):
    two_phases(competition, host)
    joined(competition, participant)

    submission = upload(competition, participant)

    assert (submission.phase_track.phase.name, submission.phase_track.track.slug) == ("Development", "main")


def test_a_submission_names_its_track(competition, host, participant):
    two_tracks(competition, host)
    joined(competition, participant)

    submission = upload(competition, participant, track="small")

    assert submission.phase_track.track.slug == "small"


def test_a_submission_to_a_phase_that_is_not_current_is_refused_and_stores_nothing(
    competition, host, participant
):
    two_phases(competition, host)
    joined(competition, participant)

    with pytest.raises(PhaseError) as error:
        upload(competition, participant, phase=2)

    assert (error.value.code, error.value.details["field"]) == ("phase_not_current", "phase")
    assert not Submission.objects.exists()


def test_quotas_are_per_phase(competition, host, participant):
    pairs = two_phases(
        competition, host, final_is_current=True, has_own_quotas=True, limits={"daily_submission_limit": 1}
    )
    team = joined(competition, participant)
    for _ in range(3):
        make_submission(team, phase_track=pairs["Development"])

    upload(competition, participant)  # Development's three leave Final's one untouched
    with pytest.raises(QuotaExceeded) as error:
        upload(competition, participant)

    assert error.value.details["quota"]["limit"] == 1


def test_quotas_are_per_track_unless_the_host_shares_them(competition, host, participant):
    Competition.objects.filter(pk=competition.pk).update(daily_submission_limit=1)
    competition.refresh_from_db()
    two_tracks(competition, host)
    joined(competition, participant)

    upload(competition, participant, track="main")
    upload(competition, participant, track="small")  # its own quota
    Competition.objects.filter(pk=competition.pk).update(quotas_shared_across_tracks=True)
    competition.refresh_from_db()

    with pytest.raises(QuotaExceeded):
        upload(competition, participant, track="small")


def test_a_scored_submission_stands_on_its_own_phase_and_tracks_board_only(competition, host, participant):
    two_tracks(competition, host)
    joined(competition, participant)

    submission = upload(competition, participant, track="small")
    assert scoring.score_and_settle(submission.pk) == "scored"

    [entry] = LeaderboardEntry.objects.all()
    assert entry.phase_track == pair_named(competition, "Phase 1", "small")


def test_final_selection_is_made_among_the_running_phases_submissions(competition, host, participant):
    pairs = two_phases(
        competition, host, final_is_current=True, has_own_quotas=True, limits={"final_selection_limit": 1}
    )
    team = joined(competition, participant)
    old = make_submission(team, phase_track=pairs["Development"], public_score=0.5)
    first = make_submission(team, phase_track=pairs["Final"], public_score=0.5)
    second = make_submission(team, phase_track=pairs["Final"], public_score=0.6)

    with pytest.raises(SubmissionRefused) as error:
        select_final(submission=old, user=participant, selected=True)
    assert "another phase" in error.value.message
    select_final(submission=first, user=participant, selected=True)
    with pytest.raises(SubmissionRefused) as error:
        select_final(submission=second, user=participant, selected=True)
    assert error.value.code == "selection_full"


def test_the_private_board_is_built_in_the_deciding_phase_only(competition, host, participant):
    pairs = two_phases(competition, host, final_is_current=True)
    team = joined(competition, participant)
    make_submission(team, phase_track=pairs["Development"], public_score=0.9)
    best_final = make_submission(team, phase_track=pairs["Final"], public_score=0.4)
    for pair in pairs.values():
        from leaderboards.services import rebuild_public_entries

        rebuild_public_entries(competition, pair)
    Competition.objects.filter(pk=competition.pk).update(end_at=timezone.now() - timedelta(seconds=1))

    assert finalize_ended_competitions() == 1

    [private] = LeaderboardEntry.objects.filter(split="private")
    assert (private.phase_track, private.best_submission) == (pairs["Final"], best_final)


def test_a_phase_that_starts_carries_each_teams_final_selections_over_once(competition, host, participant):
    pairs = two_phases(competition, host, carry_over="finals")
    team = joined(competition, participant)
    chosen = upload(competition, participant)
    scoring.score_and_settle(chosen.pk)
    upload(competition, participant, predictions({1: "dog"}))
    select_final(submission=Submission.objects.get(pk=chosen.pk), user=participant, selected=True)
    Phase.objects.filter(pk=pairs["Final"].phase_id).update(start_at=timezone.now() - timedelta(minutes=1))
    Phase.objects.filter(pk=pairs["Development"].phase_id).update(
        end_at=timezone.now() - timedelta(minutes=1)
    )

    assert carry_over_started_phases() == 1
    assert carry_over_started_phases() == 0  # once

    copy = Submission.objects.get(carried_over_from=chosen)
    assert (copy.phase_track, copy.team, copy.file_key, copy.counts_against_quota) == (
        pairs["Final"],
        team,
        chosen.file_key,
        False,
    )
    assert scoring.score_and_settle(copy.pk) == "scored"
    assert LeaderboardEntry.objects.get(phase_track=pairs["Final"]).best_submission_id == copy.pk


def test_carrying_over_the_last_k_takes_each_teams_latest_scored(competition, host, participant):
    pairs = two_phases(competition, host, carry_over="last", carry_over_count=2)
    team = joined(competition, participant)
    made = [make_submission(team, phase_track=pairs["Development"], public_score=0.1 * n) for n in range(3)]
    make_submission(team, phase_track=pairs["Development"], status="failed")
    Phase.objects.filter(pk=pairs["Final"].phase_id).update(start_at=timezone.now() - timedelta(minutes=1))

    assert carry_over_started_phases() == 2
    assert set(
        Submission.objects.filter(phase_track=pairs["Final"]).values_list("carried_over_from", flat=True)
    ) == {made[1].pk, made[2].pk}


def test_the_pair_a_board_reader_names_defaults_to_the_current_phase(competition, host):
    pairs = two_phases(competition, host)

    assert submission_pair(competition) == pairs["Development"]
    assert pair_of(competition, pairs["Final"].phase, pairs["Final"].track) == pairs["Final"]
