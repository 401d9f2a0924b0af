"""A host setting a competition's phases, tracks and each pair's scoring: the rules they follow.

Every refusal names the field (`phases[1].end_at`, `tracks[0].slug`, `solution`) and the rule, for the page
and the API alike. After a change the invariant of competitions.phases holds again: one pair per phase and
track, exactly one default track, exactly one deciding phase, and the competition's start and end are the
first phase's start and the last phase's end.
"""

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO, Any

from django.db import transaction
from django.utils.text import slugify

from accounts.models import User
from competitions import locks
from competitions.compact_solutions import store_compact
from competitions.models import Competition, Phase, PhaseTrack, Track
from competitions.phases import DEFAULT_TRACK_NAME, DEFAULT_TRACK_SLUG, PhaseError, pairs_of
from competitions.queries import require_manager
from competitions.rules import LIMITS_BY_NAME, PHASE_LIMITS
from config.timestamps import utc_label
from datasets.models import DatasetVersion
from datasets.storage import private_storage, store
from scoring import engine


@dataclass
class PhasePlan:
    """One phase as the host describes it; phases are numbered in the order given."""

    name: str
    start_at: datetime
    end_at: datetime
    description: str = ""
    has_own_quotas: bool = False
    limits: dict[str, int | None] = field(default_factory=dict)
    board_hidden_until_end: bool = False
    carry_over: str = Phase.CarryOver.NONE
    carry_over_count: int | None = None
    decides: bool = False
    data_version: int | None = None  # a version number of the competition's data; None: the competition's


@dataclass
class TrackPlan:
    slug: str
    name: str
    description: str = ""
    is_default: bool = False


def refused(name: str, message: str, code: str) -> PhaseError:
    return PhaseError(message, code=code, details={"field": name})


SETS_PHASES = "set its phases and tracks"


def check_phases(competition: Competition, plans: list[PhasePlan]) -> None:
    """Raise PhaseError for the first rule the plans break."""
    if not plans:
        raise refused("phases", "A competition needs at least one phase.", "no_phases")
    deciding = [index for index, plan in enumerate(plans) if plan.decides]
    for index, plan in enumerate(plans):
        where = f"phases[{index}]"
        if not plan.name.strip():
            raise refused(f"{where}.name", f"Phase {index + 1} needs a name.", "phase_name_missing")
        if plan.end_at <= plan.start_at:
            raise refused(
                f"{where}.end_at",
                f"Phase {index + 1} ({plan.name}) must end after it starts.",
                "phase_ends_before_start",
            )
        if index > 0 and plan.start_at < plans[index - 1].end_at:
            raise refused(
                f"{where}.start_at",
                f"Phase {index + 1} ({plan.name}) starts on {utc_label(plan.start_at)}, before phase {index} "
                f"({plans[index - 1].name}) ends on {utc_label(plans[index - 1].end_at)}: phases must not overlap.",
                "phases_overlap",
            )
        if plan.carry_over not in Phase.CarryOver.values:
            choices = ", ".join(Phase.CarryOver.values)
            raise refused(
                f"{where}.carry_over", f"Carry-over must be one of {choices}.", "invalid_carry_over"
            )
        if index == 0 and plan.carry_over != Phase.CarryOver.NONE:
            raise refused(
                f"{where}.carry_over",
                "The first phase cannot carry submissions over: there is no phase before it.",
                "carry_over_on_first_phase",
            )
        if plan.carry_over == Phase.CarryOver.LAST and not (plan.carry_over_count or 0) >= 1:
            raise refused(
                f"{where}.carry_over_count",
                f"Phase {index + 1} carries over each team's last K submissions: give K, at least 1.",
                "carry_over_count_missing",
            )
        if plan.has_own_quotas:
            for name in PHASE_LIMITS:
                limit = LIMITS_BY_NAME[name]
                value = plan.limits.get(name, limit.default)
                if message := limit.refusal(value):
                    raise refused(f"{where}.{name}", f"Phase {index + 1}: {message}", "invalid_limit")
    if len(deciding) > 1:
        raise refused(
            f"phases[{deciding[1]}].decides",
            f"Only one phase decides the competition; phases {deciding[0] + 1} and {deciding[1] + 1} both say so.",
            "two_deciding_phases",
        )


def check_within_competition(competition: Competition, plans: list[PhasePlan]) -> None:
    """Phases fit the competition's window: its start and end are then moved to theirs."""
    if plans[0].start_at < competition.start_at:
        raise refused(
            "phases[0].start_at",
            f"The first phase starts on {utc_label(plans[0].start_at)}, before the competition starts on "
            f"{utc_label(competition.start_at)}.",
            "phase_before_competition",
        )
    last = len(plans) - 1
    if plans[last].end_at > competition.end_at:
        raise refused(
            f"phases[{last}].end_at",
            f"Phase {last + 1} ends on {utc_label(plans[last].end_at)}, after the competition ends on "
            f"{utc_label(competition.end_at)}; extend the competition first.",
            "phase_after_competition",
        )


def phase_data_versions(competition: Competition, plans: list[PhasePlan]) -> list[DatasetVersion | None]:
    """Each phase's own public data: a version of the competition's data set (the host adds one on its
    page), or None to share the competition's."""
    versions = (
        {version.number: version for version in competition.data_version.dataset.versions.all()}
        if competition.data_version is not None
        else {}
    )
    chosen = []
    for index, plan in enumerate(plans):
        if plan.data_version is not None and plan.data_version not in versions:
            known = ", ".join(str(number) for number in sorted(versions)) or "none"
            raise refused(
                f"phases[{index}].data_version",
                f"Phase {index + 1} ({plan.name}): the competition's data has no version {plan.data_version}; "
                f"its versions are {known}.",
                "unknown_data_version",
            )
        chosen.append(versions.get(plan.data_version) if plan.data_version is not None else None)
    return chosen


@transaction.atomic
def set_phases(*, competition: Competition, user: User, plans: list[PhasePlan]) -> list[Phase]:
    """Replace the competition's phases by the plans (matched by number, so a kept phase keeps its
    submissions and boards); a phase that has submissions cannot be removed. The competition's start and
    end become the first phase's start and the last phase's end."""
    require_manager(user, competition, SETS_PHASES)
    check_phases(competition, plans)
    check_within_competition(competition, plans)
    data_versions = phase_data_versions(competition, plans)
    locked = locks.lock_competition(competition.pk)
    existing = {phase.number: phase for phase in locked.phases.all()}
    for number, phase in existing.items():
        if number > len(plans) and phase.phase_tracks.filter(submissions__isnull=False).exists():
            raise refused(
                "phases",
                f"Phase {number} ({phase.name}) has submissions and cannot be removed.",
                "phase_has_submissions",
            )
    deciding_index = next((index for index, plan in enumerate(plans) if plan.decides), len(plans) - 1)
    Phase.objects.filter(competition=locked, number__gt=len(plans)).delete()
    Phase.objects.filter(competition=locked).update(decides=False)
    phases = []
    for index, plan in enumerate(plans):
        values: dict[str, Any] = {
            "name": plan.name.strip(),
            "description": plan.description,
            "start_at": plan.start_at,
            "end_at": plan.end_at,
            "has_own_quotas": plan.has_own_quotas,
            "board_hidden_until_end": plan.board_hidden_until_end,
            "carry_over": plan.carry_over,
            "carry_over_count": plan.carry_over_count if plan.carry_over == Phase.CarryOver.LAST else None,
            "decides": index == deciding_index,
            "data_version": data_versions[index],
        }
        if plan.has_own_quotas:
            values.update(
                {name: plan.limits.get(name, LIMITS_BY_NAME[name].default) for name in PHASE_LIMITS}
            )
        phase, _ = Phase.objects.update_or_create(competition=locked, number=index + 1, defaults=values)
        phases.append(phase)
    Competition.objects.filter(pk=locked.pk).update(start_at=plans[0].start_at, end_at=plans[-1].end_at)
    competition.start_at, competition.end_at = plans[0].start_at, plans[-1].end_at
    complete_pairs(locked)
    forget_pairs(competition)
    return phases


def check_tracks(competition: Competition, plans: list[TrackPlan]) -> None:
    if not plans:
        raise refused("tracks", "A competition needs at least one track.", "no_tracks")
    seen: set[str] = set()
    for index, plan in enumerate(plans):
        slug = plan.slug.strip()
        if not slug or not all(c.isalnum() or c in "-_" for c in slug):
            raise refused(
                f"tracks[{index}].slug",
                f"Track {index + 1}'s slug must be letters, digits, - and _ only.",
                "invalid_track_slug",
            )
        if slug in seen:
            raise refused(
                f"tracks[{index}].slug", f"Two tracks have the slug '{slug}'.", "duplicate_track_slug"
            )
        seen.add(slug)
        if not plan.name.strip():
            raise refused(f"tracks[{index}].name", f"Track {index + 1} needs a name.", "track_name_missing")
    defaults = [index for index, plan in enumerate(plans) if plan.is_default]
    if len(defaults) > 1:
        raise refused(
            f"tracks[{defaults[1]}].is_default", "Only one track can be the default.", "two_default_tracks"
        )


@transaction.atomic
def set_tracks(
    *, competition: Competition, user: User, plans: list[TrackPlan], quotas_shared: bool | None = None
) -> list[Track]:
    """Replace the competition's tracks by the plans (matched by slug); a track with submissions cannot be
    removed. Without a default named, the first is the default. `quotas_shared` (None: unchanged) makes one
    quota for all the tracks of a phase instead of one per track."""
    require_manager(user, competition, SETS_PHASES)
    check_tracks(competition, plans)
    locked = locks.lock_competition(competition.pk)
    slugs = [plan.slug.strip() for plan in plans]
    removed = Track.objects.filter(competition=locked).exclude(slug__in=slugs)
    for track in removed:
        if track.phase_tracks.filter(submissions__isnull=False).exists():
            raise refused(
                "tracks",
                f"Track '{track.slug}' has submissions and cannot be removed.",
                "track_has_submissions",
            )
    removed.delete()
    default_index = next((index for index, plan in enumerate(plans) if plan.is_default), 0)
    # Numbers and the default are unique: move the kept tracks out of the way before renumbering them.
    Track.objects.filter(competition=locked).update(is_default=False)
    for offset, track in enumerate(Track.objects.filter(competition=locked).order_by("pk")):
        Track.objects.filter(pk=track.pk).update(number=10_000 + offset)
    tracks = []
    for index, plan in enumerate(plans):
        track, _ = Track.objects.update_or_create(
            competition=locked,
            slug=slugs[index],
            defaults={
                "number": index + 1,
                "name": plan.name.strip(),
                "description": plan.description,
                "is_default": index == default_index,
            },
        )
        tracks.append(track)
    complete_pairs(locked)
    for pair in PhaseTrack.objects.filter(competition=locked):
        check_has_solution(locked, pair)
    if quotas_shared is not None:
        Competition.objects.filter(pk=locked.pk).update(quotas_shared_across_tracks=quotas_shared)
        competition.quotas_shared_across_tracks = quotas_shared
    forget_pairs(competition)
    return tracks


def complete_pairs(competition: Competition) -> None:
    """One pair per phase and track, whatever was added."""
    have = set(PhaseTrack.objects.filter(competition=competition).values_list("phase_id", "track_id"))
    PhaseTrack.objects.bulk_create(
        [
            PhaseTrack(competition=competition, phase=phase, track=track)
            for phase in competition.phases.all()
            for track in competition.tracks.all()
            if (phase.pk, track.pk) not in have
        ]
    )


def forget_pairs(competition: Competition) -> None:
    if hasattr(competition, "_pairs"):
        del competition._pairs


def check_has_solution(competition: Competition, pair: PhaseTrack) -> None:
    """A track is scored on its own solution or on the competition's: one of them must exist."""
    if not pair.solution_key and not competition.solution_key:
        raise refused(
            "solution",
            f"Track '{pair.track.slug}' has no solution in {pair.phase.name}, and the competition has none to "
            "fall back on: upload one for it.",
            "track_without_solution",
        )


@transaction.atomic
def set_pair_scoring(
    *,
    competition: Competition,
    user: User,
    pair: PhaseTrack,
    solution: IO[bytes] | None = None,
    metric: str = "",
    metric_params: dict | None = None,
    score_columns: list | None = None,
) -> PhaseTrack:
    """Give a track in a phase its own solution and metric (empty: the competition's). A solution is parsed
    as at creation, under the competition's columns; a pair that already has scored submissions keeps
    its setup (a rescore changes it)."""
    from competitions.score_columns import check_score_columns

    require_manager(user, competition, SETS_PHASES)
    if pair.program_fingerprint:
        raise refused(
            "metric",
            f"{pair.phase.name} / {pair.track.name} is scored by your scoring program; remove it first (the Host "
            "tab's scoring program page) to score it with a metric.",
            "pair_has_program",
        )
    if pair.submissions.filter(status="scored").exists():
        raise refused(
            "solution",
            f"{pair.phase.name} / {pair.track.name} has scored submissions; its setup changes by a rescore of "
            "that phase and track alone (the Host tab's Rescore, or the rescore API with phase and track).",
            "pair_has_scores",
        )
    chosen_metric = metric or competition.metric
    params = metric_params if metric_params is not None else ({} if metric else competition.metric_params)
    if metric:
        try:
            engine.get_metric(metric)
        except engine.EngineError as error:
            raise refused("metric", error.message, "unknown_metric") from error
    if score_columns is not None:
        score_columns = check_score_columns(score_columns, metric=chosen_metric, metric_params=params)
    if solution is not None:
        spec = engine.ScoringSpec(
            metric=chosen_metric,
            id_column=competition.id_column,
            target_columns=tuple(competition.target_columns),
            params=params or {},
        )
        try:
            parsed = engine.load_solution(
                solution, spec, public_fraction=competition.public_fraction, seed=competition.split_seed
            )
        except engine.EngineError as error:
            raise refused(
                "solution", f"The solution file cannot be used: {error.message}", "invalid_solution"
            ) from error
        stored = store(
            private_storage(),
            f"solutions/{competition.slug}/phase-{pair.phase.number}-{pair.track.slug}",
            "solution.csv",
            io.BytesIO(parsed.to_csv_bytes()),
        )
        store_compact(parsed, solution_key=stored.key, sha256=stored.sha256)
        pair.solution_key, pair.solution_sha256 = stored.key, stored.sha256
        pair.public_rows, pair.private_rows = parsed.public_count, parsed.private_count
        pair.submission_columns = list(parsed.submission_columns)
    pair.metric = metric
    pair.metric_params = metric_params if metric else None
    pair.score_columns = score_columns
    check_has_solution(competition, pair)
    pair.save()
    forget_pairs(competition)
    return pair


def development_then_final(start_at: datetime, end_at: datetime) -> list[PhasePlan]:
    """The template the host's setup offers: Development over the first three quarters of the window
    (many submissions, its board shown), then Final (few submissions, its board hidden until the end,
    each team's final selections carried over, and it decides the competition)."""
    split = start_at + (end_at - start_at) * 3 / 4
    split = split.replace(second=0, microsecond=0) if split - start_at > timedelta(minutes=1) else split
    return [
        PhasePlan(name="Development", start_at=start_at, end_at=split),
        PhasePlan(
            name="Final",
            start_at=split,
            end_at=end_at,
            has_own_quotas=True,
            limits={"daily_submission_limit": 2, "total_submission_limit": 5, "final_selection_limit": 2},
            board_hidden_until_end=True,
            carry_over=Phase.CarryOver.FINALS,
            decides=True,
        ),
    ]


def pairs_by_key(competition: Competition) -> dict[tuple[int, str], PhaseTrack]:
    return {(pair.phase.number, pair.track.slug): pair for pair in pairs_of(competition)}


ONE_PHASE = "one"
DEVELOPMENT_THEN_FINAL = "development_then_final"
PHASE_TEMPLATES = ((ONE_PHASE, "One phase"), (DEVELOPMENT_THEN_FINAL, "Development then Final"))


def use_phase_template(*, competition: Competition, user: User, template: str) -> list[Phase]:
    """The phases a template makes over the competition's window (the Host tab's button and the creation
    form's choice): one phase is what every competition starts with."""
    if template == DEVELOPMENT_THEN_FINAL:
        return set_phases(
            competition=competition,
            user=user,
            plans=development_then_final(competition.start_at, competition.end_at),
        )
    if template != ONE_PHASE:
        choices = ", ".join(key for key, _ in PHASE_TEMPLATES)
        raise refused("phase_template", f"The phase template must be one of {choices}.", "unknown_template")
    require_manager(user, competition, SETS_PHASES)
    return list(competition.phases.all())


def tracks_named(names: list[str]) -> list[TrackPlan]:
    """The main track and one track per name, each named by the field `extra_tracks` when it cannot be
    one: its slug is made from its name."""
    plans = [TrackPlan(slug=DEFAULT_TRACK_SLUG, name=DEFAULT_TRACK_NAME, is_default=True)]
    by_slug = {DEFAULT_TRACK_SLUG: DEFAULT_TRACK_NAME}
    for name in names:
        slug = slugify(name)[:50].strip("-")
        if len(name) > 100:
            raise refused(
                "extra_tracks", f"Track name '{name[:40]}...' is over 100 characters.", "name_too_long"
            )
        if not slug:
            raise refused(
                "extra_tracks",
                f"Track name '{name}' has no letter or digit to make its address from.",
                "invalid_track_slug",
            )
        if slug in by_slug:
            raise refused(
                "extra_tracks",
                f"Tracks '{by_slug[slug]}' and '{name}' would both have the address '{slug}': rename one.",
                "duplicate_track_slug",
            )
        by_slug[slug] = name
        plans.append(TrackPlan(slug=slug, name=name))
    return plans


@transaction.atomic
def shape_new_competition(
    *, competition: Competition, user: User, template: str, tracks: list[TrackPlan]
) -> None:
    """A new competition's phases from a template and its tracks (tracks_named), as its host chose them."""
    use_phase_template(competition=competition, user=user, template=template)
    if len(tracks) > 1:
        set_tracks(competition=competition, user=user, plans=tracks)
