import io
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

import pandas as pd
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from competitions import locks, rules, signals
from competitions.admission import require_admitted
from competitions.compact_solutions import store_compact
from competitions.errors import CompetitionError, CompetitionSuspended
from competitions.models import (
    SAMPLE_SUBMISSION_NAME,
    Competition,
    CompetitionHost,
    RulesAcceptance,
    Team,
    TeamMembership,
)
from competitions.phases import phases_of
from competitions.queries import HostRole, host_role, require_manager
from competitions.score_columns import check_score_columns
from config.errors import NotAllowed
from config.plain_text import refuse_control_characters
from config.timestamps import utc_label
from datasets.models import Dataset, DatasetFile
from datasets.services import NewFile, clean_file_name, prepare_version, record_dataset, unique_slug
from datasets.storage import private_storage, public_storage, store
from organisations.models import Organisation
from organisations.queries import organisation_role
from scoring import engine

# The engine's errors about metric parameters, and the parameter each one is about when it is always the same.
PARAMETER_ERRORS = {
    "unknown_param": None,
    "bad_param": None,
    "positive_label_needed": "positive_label",
    "unknown_positive_label": "positive_label",
}
# The engine's errors about a column the host named: shown on the field where the name was typed.
TYPED_COLUMN_ERRORS = {"missing_id_column": "id_column", "missing_column": "target_columns"}


@dataclass
class CompetitionDraft:
    """What a host fills in to create a competition (the web form and the API both build one)."""

    title: str
    start_at: datetime
    end_at: datetime
    metric: str
    id_column: str
    target_columns: list[str]
    slug: str = ""
    subtitle: str = ""
    overview: str = ""
    evaluation: str = ""
    rules: str = ""
    daily_submission_limit: int = 5
    public_fraction: float = 0.3
    metric_params: dict = field(default_factory=dict)
    score_columns: list = field(default_factory=list)  # competitions.score_columns, checked by check_draft
    rule_settings: dict = field(default_factory=dict)
    split_seed: int | None = None  # None draws one; the demo seeds fix theirs so their boards are repeatable
    visibility: str = Competition.Visibility.PUBLIC
    accepts_join_requests: bool = False
    sandbox_runtime: str = "default"


def field_error(name: str, message: str, code: str = "invalid_competition") -> CompetitionError:
    return CompetitionError(message, code=code, details={"field": name})


SHORT_TEXT = {"title": "title", "subtitle": "subtitle"}


def check_short_text(values: Mapping[str, Any]) -> None:
    """Titles are plain text on one line (config.plain_text)."""
    for name, label in SHORT_TEXT.items():
        if isinstance(values.get(name), str):
            refuse_control_characters(values[name], field=name, label=label)


def check_draft(draft: CompetitionDraft) -> None:
    if not draft.title.strip():
        raise field_error("title", "A competition needs a title.")
    check_short_text({"title": draft.title, "subtitle": draft.subtitle})
    if draft.end_at <= draft.start_at:
        raise field_error("end_at", rules.END_BEFORE_START)
    if draft.end_at <= timezone.now():
        raise field_error("end_at", "The end is already in the past; choose a future end date.")
    if not 0 < draft.public_fraction < 1:
        raise field_error("public_fraction", "The public fraction must be between 0 and 1 (for example 0.3).")
    if not draft.id_column.strip():
        raise field_error("id_column", "Name the id column of the solution.")
    if not [c for c in draft.target_columns if c.strip()]:
        raise field_error("target_columns", "Name at least one target column of the solution.")
    check_rule_settings(
        draft.start_at,
        draft.end_at,
        {**draft.rule_settings, "daily_submission_limit": draft.daily_submission_limit},
    )
    if draft.metric not in engine.METRICS:
        choices = ", ".join(sorted(engine.METRICS))
        raise field_error("metric", f"Unknown metric '{draft.metric}'. Choose one of: {choices}.")
    draft.score_columns = check_score_columns(
        draft.score_columns, metric=draft.metric, metric_params=draft.metric_params
    )
    check_visibility(draft.visibility)
    check_offered_runtime(draft.sandbox_runtime)


def check_visibility(visibility: str) -> None:
    if visibility not in Competition.Visibility.values:
        raise field_error(
            "visibility",
            f"Visibility: '{visibility}' is not one of {', '.join(Competition.Visibility.values)}.",
        )


def parse_solution(draft: CompetitionDraft, solution: IO[bytes], seed: int) -> engine.Solution:
    spec = engine.ScoringSpec(
        metric=draft.metric,
        id_column=draft.id_column.strip(),
        target_columns=tuple(c.strip() for c in draft.target_columns if c.strip()),
        params=draft.metric_params,
    )
    try:
        return engine.load_solution(solution, spec, public_fraction=draft.public_fraction, seed=seed)
    except engine.EngineError as error:
        if error.code in PARAMETER_ERRORS:
            refusal = field_error("metric_params", error.message, "invalid_metric_params")
            if PARAMETER_ERRORS[error.code]:
                refusal.details["parameter"] = PARAMETER_ERRORS[error.code]
            raise refusal from error
        if error.code in TYPED_COLUMN_ERRORS:
            raise field_error(TYPED_COLUMN_ERRORS[error.code], error.message, "invalid_solution") from error
        raise field_error(
            "solution", f"The solution file cannot be used: {error.message}", "invalid_solution"
        ) from error


def refuse_files_holding_labels(solution: engine.Solution, files: list[NewFile | DatasetFile]) -> None:
    """Refuse a public file that carries the target column for test ids: publishing it would leak the labels."""
    spec = solution.spec
    for item in files:
        if not item.name.lower().endswith(".csv"):
            continue
        stream = (
            public_storage().open(item.storage_key, "rb") if isinstance(item, DatasetFile) else item.stream
        )
        try:
            header = pd.read_csv(stream, nrows=0, encoding="utf-8-sig").columns
            if spec.id_column not in header or not set(spec.target_columns) & set(header):
                continue
            stream.seek(0)
            ids = pd.read_csv(stream, usecols=[spec.id_column], dtype=str, encoding="utf-8-sig")[
                spec.id_column
            ]
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
            continue
        finally:
            stream.seek(0)
        leaked = ids.str.strip().isin(solution.ids)
        if leaked.any():
            raise field_error(
                "data_files",
                f"'{item.name}' has the target column for {int(leaked.sum())} test ids: publishing it would reveal "
                "the hidden labels. Remove the target column from the test file, or leave the file out.",
                "labels_in_public_data",
            )


def create_competition(
    *,
    host: User,
    draft: CompetitionDraft,
    solution: IO[bytes],
    data_files: list[NewFile],
    source_dataset: Dataset | None = None,
    organisation: Organisation | None = None,
) -> Competition:
    """Check the solution, store it privately with its split, and publish the data with a generated sample.

    The public data is the uploaded files plus, if given, the files of the latest version of one of the
    host's datasets (shared by storage key, not copied).

    The competition starts as a draft: only its host (and, hosted for an organisation, its members) see it
    until it is published.
    """
    check_draft(draft)
    if organisation is not None and organisation_role(host, organisation.pk) is None and not host.is_staff:
        raise field_error(
            "organisation",
            f"You can host on behalf of {organisation.name} only as one of its members.",
            "not_organisation_member",
        )
    if (
        source_dataset
        and source_dataset.owner_id != host.pk
        and not host.is_staff
        and organisation_role(host, source_dataset.organisation_id) is None
    ):
        raise NotAllowed("You can only build a competition from your own datasets or your organisation's.")
    seed = secrets.randbits(31) if draft.split_seed is None else draft.split_seed
    parsed = parse_solution(draft, solution, seed)
    slug = unique_slug(draft.title, model=Competition, requested=draft.slug)
    source_version = source_dataset.latest_version if source_dataset else None
    files: list[NewFile | DatasetFile] = list(source_version.files.all()) if source_version else []
    files += data_files
    refuse_files_holding_labels(parsed, files)
    if any(clean_file_name(f.name) == SAMPLE_SUBMISSION_NAME for f in files):
        raise field_error(
            "data_files", "Podium generates sample_submission.csv from the solution; leave it out."
        )
    sample = NewFile(SAMPLE_SUBMISSION_NAME, io.BytesIO(engine.sample_submission_csv(parsed)))
    data_slug = unique_slug(f"{slug}-data", model=Dataset)
    prepared = prepare_version([*files, sample], folder=f"datasets/{data_slug}")
    stored_solution = store(
        private_storage(), f"solutions/{slug}", "solution.csv", io.BytesIO(parsed.to_csv_bytes())
    )
    store_compact(parsed, solution_key=stored_solution.key, sha256=stored_solution.sha256)
    try:
        with transaction.atomic():
            data = record_dataset(
                owner=host,
                organisation=organisation,
                title=f"{draft.title.strip()} data",
                slug=data_slug,
                description=f"Public data of the competition '{draft.title.strip()}'.",
                prepared=prepared,
                visibility=Dataset.Visibility.COMPETITION,
            )
            competition = Competition.objects.create(
                host=host,
                organisation=organisation,
                title=draft.title.strip(),
                slug=slug,
                subtitle=draft.subtitle,
                overview=draft.overview,
                evaluation=draft.evaluation,
                rules=draft.rules,
                start_at=draft.start_at,
                end_at=draft.end_at,
                daily_submission_limit=draft.daily_submission_limit,
                metric=draft.metric,
                metric_params=draft.metric_params,
                score_columns=draft.score_columns,
                id_column=parsed.spec.id_column,
                target_columns=list(parsed.spec.target_columns),
                submission_columns=list(parsed.submission_columns),
                public_fraction=draft.public_fraction,
                split_seed=seed,
                solution_key=stored_solution.key,
                solution_sha256=stored_solution.sha256,
                public_rows=parsed.public_count,
                private_rows=parsed.private_count,
                data_version=data.latest_version,
                visibility=draft.visibility,
                accepts_join_requests=draft.accepts_join_requests,
                sandbox_runtime=draft.sandbox_runtime,
                **{
                    name: value
                    for name, value in draft.rule_settings.items()
                    if value is not None and name != "daily_submission_limit"
                },
            )
    except IntegrityError as error:
        raise field_error(
            "slug", f"The slug '{slug}' was taken a moment ago; choose another.", "slug_taken"
        ) from error
    return competition


def publish_competition(*, competition: Competition, user: User) -> Competition:
    require_manager(user, competition, "publish it")
    if competition.status == Competition.Status.PUBLISHED:
        raise CompetitionError("This competition is already published.", code="already_published")
    if not competition.metric and not competition.phase_tracks.exclude(program_fingerprint="").exists():
        raise CompetitionError(
            "This competition has nothing to score submissions with yet (an imported bundle whose scoring "
            "programs could not be attached): set its scoring before publishing.",
            code="no_scoring",
        )
    signals.publishing.send(sender=Competition, competition=competition)
    competition.status = Competition.Status.PUBLISHED
    competition.published_at = timezone.now()
    competition.save(update_fields=["status", "published_at"])
    return competition


def require_not_suspended(competition: Competition) -> None:
    """A competition the moderators suspended takes no submissions, new participants or team changes until
    they restore it."""
    if competition.suspended_at:
        reason = f" ({competition.suspension_reason.rstrip('.')})" if competition.suspension_reason else ""
        raise CompetitionSuspended(
            f"This competition has been suspended by the moderators{reason}: it accepts no submissions, new "
            "participants or team changes until it is restored."
        )


def entry_closed_message(competition: Competition) -> str:
    if competition.phase == Competition.Phase.FINISHED and competition.entry_deadline >= competition.end_at:
        return (
            f"This competition ended on {utc_label(competition.end_at)}; new participants can no longer join."
        )
    return (
        f"The entry deadline passed on {utc_label(competition.entry_deadline)}; new participants can no longer "
        "join."
    )


def keep_open_after_end(competition: Competition) -> None:
    """A finished competition kept open as a benchmark takes newcomers from now on (community.benchmarks)."""
    Competition.objects.filter(pk=competition.pk).update(open_after_end=True)
    competition.open_after_end = True


def join_competition(*, competition: Competition, user: User) -> Team:
    """Accept the current rules; on first joining, the participant gets a team of one."""
    require_not_suspended(competition)
    if competition.status != Competition.Status.PUBLISHED:
        raise CompetitionError("This competition is not published yet.", code="not_published")
    role = host_role(user, competition)
    if competition.host_id == user.pk:
        raise CompetitionError(
            "You host this competition and can read its solution, so you cannot enter it as a participant. "
            "The Host tab's solution check shows what participants will see.",
            code="host_cannot_join",
        )
    if role is not None and not user.is_staff:
        title = "a co-host" if role == HostRole.CO_HOST else "a reviewer"
        raise CompetitionError(
            f"You are {title} of this competition and can read its private scores, so you cannot enter it as "
            "a participant.",
            code="host_cannot_join",
        )
    already_in = TeamMembership.objects.filter(competition=competition, user=user).exists()
    if not already_in and not competition.takes_newcomers:
        raise CompetitionError(entry_closed_message(competition), code="entry_closed")
    if not already_in:
        require_admitted(user, competition)
    with transaction.atomic():
        if not already_in:
            # add_co_host checks "not a participant" under this lock: one of the two waits and sees the other.
            locks.lock_competition(competition.pk)
            if CompetitionHost.objects.filter(competition=competition, user=user).exists():
                raise CompetitionError(
                    "You were just made an organiser of this competition, so you cannot enter it as a "
                    "participant.",
                    code="host_cannot_join",
                )
        RulesAcceptance.objects.update_or_create(
            competition=competition, user=user, defaults={"rules_version": competition.rules_version}
        )
        membership = (
            TeamMembership.objects.filter(competition=competition, user=user).select_related("team").first()
        )
        if membership:
            return membership.team
        team = Team.objects.create(competition=competition, name=free_team_name(competition, user.username))
        try:
            with transaction.atomic():
                TeamMembership.objects.create(competition=competition, team=team, user=user, is_leader=True)
        except IntegrityError:
            team.delete()
            return TeamMembership.objects.get(competition=competition, user=user).team
    return team


def free_team_name(competition: Competition, wanted: str) -> str:
    name, n = wanted, 2
    while Team.objects.filter(competition=competition, name=name).exists():
        name, n = f"{wanted} ({n})", n + 1
    return name


RULE_SETTINGS = rules.RULE_SETTINGS
TEXT_SETTINGS = ("title", "subtitle", "overview", "evaluation", "rules")
ACCESS_SETTINGS = ("visibility", "accepts_join_requests")  # who can see and join: may change at any time
EDITABLE_SETTINGS = (
    *TEXT_SETTINGS,
    *RULE_SETTINGS,
    *ACCESS_SETTINGS,
    "start_at",
    "end_at",
    "sandbox_runtime",
)


def offered_runtimes() -> list[str]:
    """The sandbox runtimes a host may pick: `default` and those the operator offers (PODIUM_SANDBOX_RUNTIMES)."""
    return ["default", *(name for name in settings.PODIUM_SANDBOX_RUNTIMES if name != "default")]


def check_offered_runtime(runtime: str) -> None:
    offered = offered_runtimes()
    if runtime not in offered:
        raise field_error(
            "sandbox_runtime",
            f"'{runtime}' is not a runtime this server offers; choose one of: {', '.join(offered)}.",
            code="unknown_runtime",
        )


def check_sandbox_runtime(competition: Competition, runtime: str) -> None:
    """A runtime the server offers, chosen while the competition is a draft: a published competition's scores
    came from programs and code run in the one it has."""
    check_offered_runtime(runtime)
    if runtime != competition.sandbox_runtime and competition.status != Competition.Status.DRAFT:
        raise field_error(
            "sandbox_runtime",
            "The runtime can change only while the competition is a draft: its scores came from programs and "
            "code run in the one it has.",
            code="runtime_fixed",
        )


def check_rule_settings(start_at: datetime, end_at: datetime, values: dict[str, Any]) -> None:
    """The rules a host sets, within the bounds competitions.rules declares; the forms and the API check the
    same bounds, and this is where they hold whatever the caller."""
    try:
        rules.check_rules(start_at, end_at, values)
    except rules.RuleRefused as refused:
        raise field_error(refused.field, refused.message) from refused


def draft_from(data: Mapping[str, Any], rule_settings: dict[str, Any]) -> CompetitionDraft:
    """A draft from what the create form or the API read (both name their fields alike)."""
    return CompetitionDraft(
        title=data["title"],
        slug=data.get("slug") or "",
        subtitle=data.get("subtitle") or "",
        overview=data.get("overview") or "",
        evaluation=data.get("evaluation") or "",
        rules=data.get("rules") or "",
        start_at=data["start_at"],
        end_at=data["end_at"],
        daily_submission_limit=rule_settings["daily_submission_limit"],
        rule_settings=rule_settings,
        metric=data["metric"],
        id_column=data["id_column"],
        target_columns=[column.strip() for column in data["target_columns"].split(",") if column.strip()],
        public_fraction=data["public_fraction"],
        metric_params=data.get("metric_params") or {},
        visibility=data.get("visibility") or Competition.Visibility.PUBLIC,
        accepts_join_requests=bool(data.get("accepts_join_requests")),
        score_columns=data.get("score_columns") or [],
        sandbox_runtime=data.get("sandbox_runtime") or "default",
    )


def update_competition(*, competition: Competition, user: User, changes: dict) -> Competition:
    """A host edits a competition. Editing the rules text makes every participant accept them again before
    their next submission; the start can move only before it comes, the end only later and before it
    passes, and neither across a phase (competitions.phases: the first phase starts and the last ends with
    the competition, so they move with it)."""
    require_manager(user, competition, "change it")
    unknown = sorted(set(changes) - set(EDITABLE_SETTINGS))
    if unknown:
        raise field_error(unknown[0], f"'{unknown[0]}' cannot be changed here.")
    check_short_text(changes)
    now = timezone.now()
    if "visibility" in changes:
        check_visibility(changes["visibility"])
    if "sandbox_runtime" in changes:
        check_sandbox_runtime(competition, changes["sandbox_runtime"])
    if competition.phase == Competition.Phase.FINISHED and set(changes) - {*TEXT_SETTINGS, *ACCESS_SETTINGS}:
        raise CompetitionError(
            "The competition has ended; its deadlines and limits can no longer change.", code="ended"
        )
    start_at = changes.get("start_at", competition.start_at)
    end_at = changes.get("end_at", competition.end_at)
    if start_at != competition.start_at:
        check_start_change(competition, start_at, end_at, now)
    if end_at != competition.end_at:
        check_end_extension(competition, end_at, now)
    if start_at != competition.start_at or end_at != competition.end_at:
        check_outer_phases(competition, start_at, end_at)
    current = {name: getattr(competition, name) for name in RULE_SETTINGS}
    check_rule_settings(start_at, end_at, {**current, **changes})
    if (
        changes.get("final_selection_limit", competition.final_selection_limit)
        < competition.final_selection_limit
    ):
        check_selections_fit(competition, changes["final_selection_limit"])
    with transaction.atomic():
        locked = locks.lock_competition(competition.pk)
        if "rules" in changes and changes["rules"] != locked.rules:
            locked.rules_version += 1
        if end_at != locked.end_at:
            locked.previous_end_at = locked.end_at
        runtime_changed = changes.get("sandbox_runtime", locked.sandbox_runtime) != locked.sandbox_runtime
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save()
        move_outer_phases(locked)
        if runtime_changed:
            signals.sandbox_runtime_changed.send(sender=Competition, competition=locked)
    return locked


def check_selections_fit(competition: Competition, limit: int) -> None:
    """Lowering the number of final submissions must not leave a team with more selected than allowed."""
    most = (
        competition.teams.annotate(chosen=Count("submissions", filter=Q(submissions__is_final=True)))
        .order_by("-chosen")
        .values_list("chosen", flat=True)
        .first()
    )
    if most and most > limit:
        raise field_error(
            "final_selection_limit",
            f"A team has already selected {most} final submissions; the limit cannot go below that.",
        )


def check_end_extension(competition: Competition, end_at: datetime, now: datetime) -> None:
    if competition.end_at <= now:
        raise field_error("end_at", "The competition has already ended; its end can no longer change.")
    if end_at < competition.end_at:
        ends = utc_label(competition.end_at)
        raise field_error("end_at", f"The end can only be extended: choose a time after {ends}.")


def check_start_change(competition: Competition, start_at: datetime, end_at: datetime, now: datetime) -> None:
    if competition.start_at <= now:
        raise field_error("start_at", "The competition has already started; its start can no longer change.")
    if start_at >= end_at:
        raise field_error("start_at", rules.END_BEFORE_START)


def check_outer_phases(competition: Competition, start_at: datetime, end_at: datetime) -> None:
    """The competition's start and end are its first phase's start and its last phase's end: they may not
    pass the other end of those phases (the Host tab's Phases section moves the phases themselves)."""
    phases = phases_of(competition)
    first, last = phases[0], phases[-1]
    first_end = competition.end_at if len(phases) == 1 else first.end_at
    last_start = competition.start_at if len(phases) == 1 else last.start_at
    if start_at >= first_end:
        raise field_error(
            "start_at",
            f"The start ({utc_label(start_at)}) must come before phase {first.number} ({first.name}) ends on "
            f"{utc_label(first_end)}; change the phases on the Host tab first.",
            "start_after_first_phase",
        )
    if end_at <= last_start:
        raise field_error(
            "end_at",
            f"The end ({utc_label(end_at)}) must come after phase {last.number} ({last.name}) starts on "
            f"{utc_label(last_start)}; change the phases on the Host tab first.",
            "end_before_last_phase",
        )


def move_outer_phases(competition: Competition) -> None:
    """The first phase starts and the last ends with the competition (call holding its lock)."""
    numbers = list(competition.phases.order_by("number").values_list("number", flat=True))
    competition.phases.filter(number=numbers[0]).update(start_at=competition.start_at)
    competition.phases.filter(number=numbers[-1]).update(end_at=competition.end_at)
