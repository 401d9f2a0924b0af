"""Phases and tracks: which phase runs when, which track a submission names, and what scores a pair.

The invariant: every competition has at least one phase, exactly one default track, and one PhaseTrack per
phase and track. A plain competition gets "Phase 1" over its whole window, the default track and their
pair when it is created (by the service, the admin, a test or a seed: `ensure_structure` runs on the
competition's first save).

The competition's start and end are the outer bounds of its phases: the first phase starts at the
competition's start and the last ends at its end. The phase service keeps the stored values equal; where
they differ (the competition's row edited by hand), the competition's columns win (`window_of`), so
moving a plain competition's end moves its one phase's end with it.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from competitions.models import Competition, Phase, PhaseTrack, Track
from competitions.rules import PHASE_LIMITS
from config.errors import DomainError
from datasets.models import DatasetVersion
from scoring import engine

DEFAULT_PHASE_NAME = "Phase 1"
DEFAULT_TRACK_SLUG = "main"
DEFAULT_TRACK_NAME = "Main track"


class PhaseError(DomainError):
    code = "phase_refused"


@dataclass(frozen=True)
class ScoringSetup:
    """What scores a track in a phase: the attribute names scoring used to read from Competition."""

    metric: str
    metric_params: dict
    score_columns: list
    id_column: str
    target_columns: list
    submission_columns: list
    public_fraction: float
    split_seed: int
    solution_key: str
    solution_sha256: str
    public_rows: int
    private_rows: int
    # A host's scoring program scores the pair instead of the metric (scoring_programs): its version, and
    # whether its primary column ranks higher first.
    program_fingerprint: str = ""
    program_higher_is_better: bool | None = None

    @property
    def fingerprint(self) -> tuple:
        """What a score depends on besides the file: a rescore (or a new scoring program) changes it."""
        return (
            self.solution_sha256,
            self.metric,
            self.metric_params,
            self.score_columns,
            self.program_fingerprint,
        )

    @property
    def is_program_scored(self) -> bool:
        return bool(self.program_fingerprint)

    @property
    def higher_is_better(self) -> bool:
        """The primary score's direction: the program's primary column's, or the catalogue metric's."""
        if self.is_program_scored and self.program_higher_is_better is not None:
            return self.program_higher_is_better
        if not self.metric:
            return True  # no scoring set yet (a draft imported from a Codabench bundle): no score to order
        return engine.get_metric(self.metric).higher_is_better


def scoring_setup(phase_track: PhaseTrack, competition: Competition | None = None) -> ScoringSetup:
    """The pair's own setup where it has one, the competition's for every field it leaves empty."""
    competition = competition or phase_track.competition

    def own(name: str, empty: Any = None) -> Any:
        value = getattr(phase_track, name)
        return getattr(competition, name) if value is None or value == empty else value

    solution_key = phase_track.solution_key or competition.solution_key
    return ScoringSetup(
        metric=own("metric", ""),
        metric_params=dict(own("metric_params") or {}),
        score_columns=list(own("score_columns") or []),
        id_column=own("id_column", ""),
        target_columns=list(own("target_columns")),
        submission_columns=list(own("submission_columns")),
        public_fraction=own("public_fraction"),
        split_seed=own("split_seed"),
        solution_key=solution_key,
        solution_sha256=phase_track.solution_sha256
        if phase_track.solution_key
        else competition.solution_sha256,
        public_rows=phase_track.public_rows if phase_track.solution_key else competition.public_rows,
        private_rows=phase_track.private_rows if phase_track.solution_key else competition.private_rows,
        program_fingerprint=phase_track.program_fingerprint,
        program_higher_is_better=phase_track.program_higher_is_better,
    )


def ensure_structure(competition: Competition) -> None:
    """Give a competition without phases its one phase, its default track and their pair."""
    with transaction.atomic():
        phase = Phase.objects.create(
            competition=competition,
            number=1,
            name=DEFAULT_PHASE_NAME,
            start_at=competition.start_at,
            end_at=competition.end_at,
            decides=True,
        )
        track = Track.objects.create(
            competition=competition,
            number=1,
            slug=DEFAULT_TRACK_SLUG,
            name=DEFAULT_TRACK_NAME,
            is_default=True,
        )
        PhaseTrack.objects.create(competition=competition, phase=phase, track=track)


def structure_for_new_competition(
    sender: type, instance: Competition, created: bool, raw: bool = False, **kwargs
):
    """post_save of Competition: the invariant holds from the first save, whoever creates the row."""
    if created and not raw:
        ensure_structure(instance)


def pairs_of(competition: Competition) -> list[PhaseTrack]:
    """Every phase-and-track pair of the competition with its phase and track, in one query, remembered on
    the instance: what choosing a phase, a track or a board reads."""
    cached = getattr(competition, "_pairs", None)
    if cached is None:
        cached = list(
            PhaseTrack.objects.filter(competition=competition)
            .select_related("phase__data_version", "track")
            .order_by("phase__number", "track__number")
        )
        for found in cached:
            found.competition = competition
        competition._pairs = cached  # type: ignore[attr-defined]
    return cached


def phases_of(competition: Competition) -> list[Phase]:
    """The competition's phases in order."""
    seen: dict[int, Phase] = {}
    for found in pairs_of(competition):
        seen.setdefault(found.phase.number, found.phase)
    return [seen[number] for number in sorted(seen)]


def tracks_of(competition: Competition) -> list[Track]:
    seen: dict[int, Track] = {}
    for found in pairs_of(competition):
        seen.setdefault(found.track.number, found.track)
    return [seen[number] for number in sorted(seen)]


def window_of(phase: Phase, competition: Competition) -> tuple[datetime, datetime]:
    """The phase's start and end, the outer ones being the competition's (see the module's docstring)."""
    phases = phases_of(competition)
    start = competition.start_at if phase.number == phases[0].number else phase.start_at
    end = competition.end_at if phase.number == phases[-1].number else phase.end_at
    return start, end


def phase_running_at(competition: Competition, moment: datetime) -> Phase | None:
    """The phase whose window holds `moment`, or None (before the start, after the end, or between two)."""
    for phase in phases_of(competition):
        start, end = window_of(phase, competition)
        if start <= moment < end:
            return phase
    return None


def current_phase(competition: Competition, moment: datetime | None = None) -> Phase:
    """Where a submission made now goes: the running phase; after the end (a late or benchmark file), the
    deciding phase; otherwise (before the start, between two phases) the next to start."""
    moment = moment or timezone.now()
    running = phase_running_at(competition, moment)
    if running is not None:
        return running
    if moment >= competition.end_at:
        return deciding_phase(competition)
    phases = phases_of(competition)
    upcoming = [phase for phase in phases if window_of(phase, competition)[0] > moment]
    return upcoming[0] if upcoming else phases[-1]


def deciding_phase(competition: Competition) -> Phase:
    phases = phases_of(competition)
    return next((phase for phase in phases if phase.decides), phases[-1])


def public_data_of(competition: Competition, phase: Phase | None = None) -> DatasetVersion | None:
    """The public data of a phase (by default the current one): its own version, or the competition's."""
    phase = phase or current_phase(competition)
    return phase.data_version or competition.data_version


def default_track(competition: Competition) -> Track:
    tracks = tracks_of(competition)
    return next((track for track in tracks if track.is_default), tracks[0])


def pair_of(competition: Competition, phase: Phase, track: Track) -> PhaseTrack:
    return next(
        found for found in pairs_of(competition) if found.phase_id == phase.pk and found.track_id == track.pk
    )


def find_phase(competition: Competition, number: int | str | None) -> Phase | None:
    """The phase numbered `number` (None: none named); an unknown one is a 400 on the field `phase`."""
    if number in (None, ""):
        return None
    phases = phases_of(competition)
    found = next((phase for phase in phases if str(phase.number) == str(number).strip()), None)
    if found is None:
        known = ", ".join(str(phase.number) for phase in phases)
        raise field_error(
            "phase", f"This competition has no phase {number}; its phases are {known}.", "unknown_phase"
        )
    return found


def find_track(competition: Competition, slug: str | None) -> Track | None:
    """The track with this slug (None: none named); an unknown one is a 400 on the field `track`."""
    if not slug:
        return None
    tracks = tracks_of(competition)
    found = next((track for track in tracks if track.slug == slug.strip()), None)
    if found is None:
        known = ", ".join(track.slug for track in tracks)
        raise field_error(
            "track", f"This competition has no track '{slug}'; its tracks are {known}.", "unknown_track"
        )
    return found


def board_pair(
    competition: Competition, phase: int | str | None = None, track: str | None = None
) -> PhaseTrack:
    """The board a reader names (?phase=N&track=slug): by default the current phase's default track."""
    chosen_phase = find_phase(competition, phase) or current_phase(competition)
    chosen_track = find_track(competition, track) or default_track(competition)
    return pair_of(competition, chosen_phase, chosen_track)


def named_pair(competition: Competition, phase: int | str | None, track: str | None) -> PhaseTrack | None:
    """The pair a host names to change alone (`phase`, `track`; the one left out is the current phase or
    the default track), or None when neither is named: the competition's own setup."""
    if phase in (None, "") and not track:
        return None
    return board_pair(competition, phase, track)


def submission_pair(
    competition: Competition,
    phase: int | str | None = None,
    track: str | None = None,
    moment: datetime | None = None,
) -> PhaseTrack:
    """Where a submission goes: the current phase (naming another one is refused) and the named track
    (by default the default track)."""
    current = current_phase(competition, moment)
    named = find_phase(competition, phase)
    if named is not None and named.pk != current.pk:
        raise field_error(
            "phase",
            f"Submissions go to the current phase ({current.number}, {current.name}); phase {named.number} "
            f"({named.name}) is not open.",
            "phase_not_current",
        )
    chosen_track = find_track(competition, track) or default_track(competition)
    return pair_of(competition, current, chosen_track)


def field_error(name: str, message: str, code: str) -> PhaseError:
    return PhaseError(message, code=code, details={"field": name})


def effective_limits(phase: Phase, competition: Competition) -> dict[str, int | None]:
    """The phase's quotas and final selection limit: its own, or the competition's rules."""
    source: Phase | Competition = phase if phase.has_own_quotas else competition
    return {name: getattr(source, name) for name in PHASE_LIMITS}
