"""A draft competition whose scoring is attached later (an imported Codabench bundle: its scoring programs
are stored, and run once host scoring programs are attached to each phase-track pair).

Such a draft has no catalogue metric and no solution; it cannot be published until its scoring is set
(publish_competition refuses it)."""

from dataclasses import dataclass, field

from django.db import transaction

from accounts.models import User
from competitions import locks
from competitions.models import Competition, Track
from competitions.phase_setup import (
    PhasePlan,
    TrackPlan,
    check_phases,
    check_tracks,
    complete_pairs,
    set_phases,
)
from competitions.services import check_short_text, field_error
from datasets.models import DatasetVersion
from datasets.services import unique_slug


@dataclass
class UnscoredDraft:
    title: str
    phases: list[PhasePlan]
    tracks: list[TrackPlan]
    subtitle: str = ""
    overview: str = ""
    evaluation: str = ""
    rules: str = ""
    daily_submission_limit: int | None = None
    data_version: DatasetVersion | None = None
    rule_settings: dict = field(default_factory=dict)
    logo_key: str = ""  # a logo already stored by competitions.logos


def has_scoring(competition: Competition) -> bool:
    """Whether anything scores the competition's submissions (a catalogue metric with its solution)."""
    return bool(competition.metric and competition.solution_key)


@transaction.atomic
def create_unscored_draft(*, host: User, draft: UnscoredDraft) -> Competition:
    """Create the draft with its texts, phases and tracks (one pair per phase and track, none scored)."""
    if not draft.title.strip():
        raise field_error("title", "A competition needs a title.")
    check_short_text({"title": draft.title, "subtitle": draft.subtitle})
    competition = Competition(host=host, title=draft.title.strip())
    check_phases(competition, draft.phases)
    check_tracks(competition, draft.tracks)
    values = {"daily_submission_limit": draft.daily_submission_limit} if draft.daily_submission_limit else {}
    competition = Competition.objects.create(
        host=host,
        title=draft.title.strip(),
        slug=unique_slug(draft.title, model=Competition),
        subtitle=draft.subtitle,
        overview=draft.overview,
        evaluation=draft.evaluation,
        rules=draft.rules,
        start_at=draft.phases[0].start_at,
        end_at=draft.phases[-1].end_at,
        metric="",
        id_column="",
        data_version=draft.data_version,
        logo_key=draft.logo_key,
        **values,
    )
    set_phases(competition=competition, user=host, plans=draft.phases)
    place_tracks(competition, draft.tracks)
    return competition


def place_tracks(competition: Competition, plans: list[TrackPlan]) -> None:
    """The tracks of a new draft: its default track becomes the first planned one."""
    locked = locks.lock_competition(competition.pk)
    Track.objects.filter(competition=locked).delete()
    default_index = next((index for index, plan in enumerate(plans) if plan.is_default), 0)
    Track.objects.bulk_create(
        [
            Track(
                competition=locked,
                number=index + 1,
                slug=plan.slug.strip(),
                name=plan.name.strip(),
                description=plan.description,
                is_default=index == default_index,
            )
            for index, plan in enumerate(plans)
        ]
    )
    complete_pairs(locked)
