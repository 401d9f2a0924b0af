from django.db.models import QuerySet

from accounts.models import User
from competitions.models import Competition, PhaseTrack
from competitions.phases import scoring_setup
from competitions.queries import can_review, team_for
from competitions.score_columns import ScoreColumnSetup, visible_columns
from config.errors import NotFound
from submissions.models import Submission


def visible_submissions(
    user: User, competition: Competition, pair: PhaseTrack | None = None
) -> QuerySet[Submission]:
    """A participant sees their team's submissions (also while the competition is suspended: they are
    kept); the host, co-hosts, reviewers and staff see every submission. With a pair, only the submissions
    made in that phase to that track."""
    submissions = Submission.objects.filter(competition=competition).select_related(
        "team", "submitted_by", "phase_track__phase", "phase_track__track"
    )
    if pair is not None:
        submissions = submissions.filter(phase_track=pair)
    if can_review(user, competition):
        return submissions
    team = team_for(user, competition)
    if team is None:
        return submissions.none()
    return submissions.filter(team=team)


def pair_columns_for(user: User, competition: Competition, pair: PhaseTrack) -> list[ScoreColumnSetup]:
    """The secondary columns of the pair's setup (a host's program's, its own metric's or the competition's)
    the viewer may see: the shown ones, and the hidden ones too for the host and reviewers."""
    return visible_columns(
        scoring_setup(pair, competition).score_columns, sees_hidden=can_review(user, competition)
    )


def pair_column_labels(pair: PhaseTrack, competition: Competition, *, sees_hidden: bool) -> list[str]:
    """The labels of the pair's columns a viewer may see (sees_hidden: the host and reviewers)."""
    columns = visible_columns(scoring_setup(pair, competition).score_columns, sees_hidden=sees_hidden)
    return [column.label for column in columns]


def submission_for(user: User, submission_id: int) -> Submission:
    """One submission, if the user may see it: their team's, or any in a competition they host."""
    submission = (
        Submission.objects.select_related(
            "competition", "team", "submitted_by", "phase_track__phase", "phase_track__track"
        )
        .filter(pk=submission_id)
        .first()
    )
    if (
        submission is None
        or not visible_submissions(user, submission.competition).filter(pk=submission_id).exists()
    ):
        raise NotFound(f"No submission {submission_id} that you may see.")
    return submission


# What a participant reads of the run on hidden inputs: their code could print those inputs, so no logs.
HIDDEN_RUN_FIELDS = ("inputs", "status", "failure", "wall_seconds", "peak_memory_bytes")
FULL_RUN_FIELDS = (*HIDDEN_RUN_FIELDS, "exit_code", "killed_by", "stdout", "stderr")
# What the host reads besides: which rescore ran it, and whether its score waits for (or never got) the
# rescore's switch.
HOST_RUN_FIELDS = (*FULL_RUN_FIELDS, "rescore_id", "awaits_switch")


def code_runs_for(user: User, submission: Submission) -> list[dict]:
    """The runs of a code submission the user may see (call with one from submission_for), sample first:
    the sample run in full; the hidden run's status, duration, peak memory and failure category only.
    A participant sees the hidden run their score comes from (the latest one not waiting for a rescore's
    switch); the host and reviewers see every run, rescores' included, logs and all."""
    runs = submission.code_runs.order_by("-inputs", "started_at", "pk")  # sample before hidden
    if can_review(user, submission.competition):
        return [{name: getattr(run, name) for name in HOST_RUN_FIELDS} for run in runs]
    settled = [run for run in runs if not run.awaits_switch]
    sample = [run for run in settled if run.inputs == run.Inputs.SAMPLE]
    hidden = [run for run in settled if run.inputs == run.Inputs.HIDDEN][-1:]
    return [{name: getattr(run, name) for name in FULL_RUN_FIELDS} for run in sample] + [
        {name: getattr(run, name) for name in HIDDEN_RUN_FIELDS} for run in hidden
    ]
