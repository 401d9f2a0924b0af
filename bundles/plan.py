"""What a bundle becomes in Podium, before anything is written: plain data, checked and reported.

A Codabench task is a Podium track; a phase is a phase; a leaderboard column is a score column read from the
key the scoring program writes to scores.json. Programs and data are files of the bundle (a zip, or a folder
that is zipped), stored privately by the import and attached to each phase-track pair once host scoring
programs run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

# What a task or a phase may carry, by its Codabench key; each is a zip or a folder in the bundle.
PROGRAM_KINDS = ("scoring_program", "ingestion_program")
DATA_KINDS = ("input_data", "reference_data")
PUBLIC_KINDS = ("public_data", "starting_kit")


@dataclass
class PagePlan:
    title: str
    text: str  # Markdown, or HTML sanitised by the import
    source: str  # the file it came from


@dataclass
class ColumnPlan:
    """A board column: the program writes `key` to scores.json; the first column ranks."""

    key: str
    label: str
    higher_is_better: bool
    precision: int
    hidden: bool
    leaderboard: str


@dataclass
class PhasePlanned:
    index: int
    name: str
    description: str
    start_at: datetime
    end_at: datetime
    daily_submission_limit: int | None
    total_submission_limit: int | None
    execution_time_limit: int | None
    tasks: list[int]  # the task indexes the phase runs
    public_files: dict[str, str] = field(default_factory=dict)  # public_data / starting_kit -> bundle path


@dataclass
class TaskPlanned:
    """A Codabench task: a Podium track, with the bundle paths of its programs and data."""

    index: int
    name: str
    slug: str
    description: str
    files: dict[str, str] = field(default_factory=dict)  # kind -> bundle path
    solutions: list[str] = field(default_factory=list)  # bundle paths


@dataclass
class PairPlanned:
    """What scores one task in one phase (version 1.5 bundles set programs per phase, not per task)."""

    phase: int
    task: int
    files: dict[str, str]


@dataclass
class ReportLine:
    """One line of the report the host reads: what became of a part of the bundle, and why."""

    status: str  # "mapped", "stored", "attached", "not attached" or "dropped"
    subject: str  # the key in competition.yaml (`phases[0]`, `docker_image`)
    detail: str


@dataclass
class BundlePlan:
    version: str
    title: str
    description: str
    overview: str
    evaluation: str
    rules: str
    pages: list[PagePlan]
    phases: list[PhasePlanned]
    tasks: list[TaskPlanned]
    columns: list[ColumnPlan]
    pairs: list[PairPlanned] = field(default_factory=list)
    logo: str = ""  # the bundle path of its logo, checked by competitions.logos; empty: none
    report: list[ReportLine] = field(default_factory=list)
    # Files stored as they are, by bundle path: programs, data, solutions and public files of every task.
    stored_paths: list[str] = field(default_factory=list)

    @property
    def phase_names(self) -> list[str]:
        return [phase.name for phase in self.phases]

    @property
    def track_slugs(self) -> list[str]:
        return [task.slug for task in self.tasks]

    @property
    def column_keys(self) -> list[str]:
        return [column.key for column in self.columns]

    def note(self, status: str, subject: str, detail: str) -> None:
        self.report.append(ReportLine(status, subject, detail))

    def as_dict(self) -> dict:
        data = asdict(self)
        for phase in data["phases"]:
            phase["start_at"] = phase["start_at"].isoformat()
            phase["end_at"] = phase["end_at"].isoformat()
        return data
