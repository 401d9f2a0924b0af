"""Setting a scoring program: what is refused, naming the file and the key or the field; publishing waits
for the dry run."""

import io
import zipfile

import pytest

from competitions.errors import CompetitionError
from competitions.phase_setup import set_pair_scoring
from competitions.phases import PhaseError, scoring_setup
from competitions.services import publish_competition
from execution.archives import pack_zip
from leaderboards.queries import higher_is_better
from scoring_programs.errors import ProgramRefused
from scoring_programs.models import ProgramRun, ScoringProgram
from scoring_programs.services import delete_scoring_program, latest_dry_run, set_scoring_program

from .conftest import COLUMNS, program_zip


def give(draft, host, pair, archive, columns=COLUMNS, **fields):
    return set_scoring_program(
        competition=draft,
        user=host,
        pair=pair,
        archive_name="scorer.zip",
        archive=archive,
        columns=columns,
        **fields,
    )


def bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("metadata.yaml", "command: python3 x.py\n")
        archive.writestr("zeros.bin", b"\0" * (20 * 1024**2))
    return buffer.getvalue()


def escaping() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("metadata.yaml", "command: python3 x.py\n")
        archive.writestr("../outside.py", "print(1)")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("archive", "code", "message"),
    [
        (b"not a zip", "bad_archive", "scorer.zip: The archive is not a zip file."),
        (
            pack_zip({"score.py": b""}),
            "no_metadata",
            "scorer.zip: the zip has no metadata.yaml at its top level.",
        ),
        (
            pack_zip({"scorer/metadata.yaml": b"command: x"}),
            "no_metadata",
            "scorer.zip: the zip has no metadata.yaml at its top level (it is at scorer/metadata.yaml: zip the "
            "folder's contents, not the folder).",
        ),
        (
            pack_zip({"metadata.yaml": b"command: [python3\nother: 1\n"}),
            "bad_yaml",
            "metadata.yaml: the YAML does not parse at line 2, column 6",
        ),
        (pack_zip({"metadata.yaml": b"- python3\n"}), "bad_yaml", "metadata.yaml: must be a mapping of keys"),
        (
            pack_zip({"metadata.yaml": b"description: no command\n"}),
            "no_command",
            "metadata.yaml, key 'command': the program needs a command",
        ),
        (
            pack_zip({"metadata.yaml": b"command: python3 'unclosed\n"}),
            "bad_command",
            "metadata.yaml, key 'command': the command does not split into arguments (No closing quotation).",
        ),
        (
            pack_zip({"metadata.yaml": b"command: {a: 1}\n"}),
            "bad_command",
            "metadata.yaml, key 'command': must be a string",
        ),
        (
            escaping(),
            "bad_archive",
            "scorer.zip: ../outside.py: a path in the archive may not leave its folder.",
        ),
        (bomb(), "bad_archive", "scorer.zip: zeros.bin: unpacks to"),
    ],
    ids=[
        "not-a-zip",
        "no-metadata",
        "metadata-in-a-folder",
        "yaml-that-does-not-parse",
        "yaml-not-a-mapping",
        "no-command",
        "command-that-does-not-split",
        "command-not-text",
        "path-escaping",
        "zip-bomb",
    ],
)
def test_a_bad_program_is_refused_naming_the_file_and_the_key(draft, host, pair, archive, code, message):
    with pytest.raises(ProgramRefused) as refused:
        give(draft, host, pair, archive)

    assert refused.value.code == code
    assert refused.value.message.startswith(message)
    assert not ScoringProgram.objects.exists()


def test_an_archive_declaring_more_than_the_limit_is_refused_before_unpacking(draft, host, pair, settings):
    settings.PODIUM_SANDBOX_INPUT_MB = 1
    archive = pack_zip({"metadata.yaml": b"command: x\n", "big.bin": bytes(range(256)) * 8192})

    with pytest.raises(
        ProgramRefused, match="declares 2097163 bytes once unpacked, more than the limit of 1048576"
    ):
        give(draft, host, pair, archive)


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ([], "give a list of columns"),
        ([{"key": "a"}], "exactly one column must be primary (it ranks the board); 0 are."),
        (
            [{"key": "a", "primary": True}, {"key": "b", "primary": True}],
            "exactly one column must be primary",
        ),
        ([{"key": "a", "primary": True}, {"key": "A"}], "Column 2, key: 'A' is used twice"),
        (
            [{"key": "a", "primary": True, "direction": "up"}],
            "Column 1, direction: must be 'higher' or 'lower'",
        ),
        (
            [{"key": "a", "primary": True, "precision": 11}],
            "Column 1, precision: must be a whole number of decimals",
        ),
        (
            [{"key": "a", "primary": True, "label": "rank"}],
            "Column 1, label: 'rank' is a heading the board already has",
        ),
        (
            [{"key": "a", "primary": True, "shown": False}],
            "Column 1, shown: the primary column ranks the board",
        ),
        ([{"key": "a", "primary": True, "colour": "red"}], "Column 1, colour: is not a setting of a column"),
    ],
)
def test_bad_columns_are_refused_naming_the_column_and_the_part(draft, host, pair, columns, message):
    with pytest.raises(ProgramRefused) as refused:
        give(draft, host, pair, program_zip(), columns=columns)

    assert refused.value.code == "invalid_program_columns"
    assert message in refused.value.message


def test_a_limit_above_the_operators_maximum_is_refused_naming_the_field(draft, host, pair, settings):
    settings.PODIUM_SANDBOX_MEMORY_MB = 1024

    with pytest.raises(ProgramRefused) as refused:
        give(draft, host, pair, program_zip(), limits={"memory_mb": 2048})

    assert (
        refused.value.message
        == "memory_mb: 2048 MB is over this server's maximum of 1024 (PODIUM_SANDBOX_MEMORY_MB)."
    )
    assert refused.value.details["field"] == "memory_mb"


def test_the_program_carries_its_primary_direction_and_columns_to_the_board(draft, host, pair):
    give(
        draft,
        host,
        pair,
        program_zip(),
        columns=[{"key": "loss", "direction": "lower", "primary": True}, {"key": "f1", "label": "F1"}],
    )

    pair.refresh_from_db()
    setup = scoring_setup(pair, draft)
    assert setup.is_program_scored
    assert higher_is_better(draft, pair) is False
    assert [column["label"] for column in setup.score_columns] == ["F1"]


def test_publishing_waits_for_the_dry_run_to_pass(draft, host, pair):
    program = give(draft, host, pair, program_zip())

    with pytest.raises(CompetitionError) as refused:
        publish_competition(competition=draft, user=host)

    assert refused.value.code == "scoring_program_not_checked"
    assert refused.value.message == (
        "The scoring program of Phase 1 / Main track cannot be published yet: its dry run on the sample "
        "submission has not finished. Open the Host tab's scoring program page to see why."
    )
    ProgramRun.objects.filter(pk=latest_dry_run(program).pk).update(status="failed")
    with pytest.raises(CompetitionError, match="its dry run on the sample submission failed"):
        publish_competition(competition=draft, user=host)


def test_deleting_the_program_scores_the_pair_with_its_metric_again(draft, host, pair):
    give(draft, host, pair, program_zip())

    delete_scoring_program(competition=draft, user=host, pair=pair)

    pair.refresh_from_db()
    assert not scoring_setup(pair, draft).is_program_scored
    publish_competition(competition=draft, user=host)


def test_a_metric_cannot_be_set_on_a_pair_a_program_scores(draft, host, pair):
    give(draft, host, pair, program_zip())

    with pytest.raises(PhaseError) as refused:
        set_pair_scoring(competition=draft, user=host, pair=pair, metric="balanced_accuracy")

    assert refused.value.code == "pair_has_program"
