"""A phase's own public data, uploaded from the Host tab: the files become a new version of the
competition's data set (the datasets app's own version service) and the phase points to it."""

from collections.abc import Iterable

from accounts.models import User
from competitions.models import Competition
from competitions.phases import PhaseError, field_error, find_phase
from competitions.queries import require_manager
from datasets.models import DatasetVersion
from datasets.queries import require_owner
from datasets.services import NewFile, add_version

UPLOADS_PHASE_DATA = "upload a phase's data"


def upload_phase_data(
    *,
    user: User,
    competition: Competition,
    phase: int | str | None,
    files: Iterable[NewFile],
    keep: Iterable[str] = (),
    notes: str,
) -> DatasetVersion:
    """Publish `files` (with the kept files of the latest version) as a new version of the competition's
    data set and give it to the phase. Only the data set's owner publishes its versions, as on its own page;
    the other phases and competitions keep the version they point to."""
    require_manager(user, competition, UPLOADS_PHASE_DATA)
    if competition.data_version is None:
        raise PhaseError(
            "This competition has no data set yet to add a version to; publish its data first.",
            code="no_data_set",
            details={"field": "files"},
        )
    chosen = find_phase(competition, phase)
    if chosen is None:
        raise field_error("phase", "Choose the phase the data is for.", "required")
    files, keep = list(files), list(keep)
    if not files and not keep:
        raise field_error(
            "files", "Choose the files of the phase's data (or keep some of the latest).", "required"
        )
    if not notes.strip():
        raise field_error("notes", "Say what changed in this version.", "required")
    dataset = competition.data_version.dataset
    require_owner(user, dataset, "add versions to it")
    version = add_version(dataset=dataset, files=files, keep=keep, notes=notes.strip())
    chosen.data_version = version
    chosen.save(update_fields=["data_version"])
    return version
