"""Every bad bundle gets every problem at once, each naming the file and the key."""

import io

import pytest

from bundles.errors import BundleError
from bundles.services import inspect_bundle
from tests.bundles.builders import RESULT_FILES, bundle, day, result_only, several_tasks_two_phases, zipped


def problems(spec, files=None, **options) -> list[str]:
    with pytest.raises(BundleError) as refused:
        inspect_bundle(upload=io.BytesIO(bundle(spec, files, **options)))
    return [problem["text"] for problem in refused.value.details["errors"]]


def test_a_bundle_without_competition_yaml_is_refused():
    assert problems(result_only(), yaml_name="settings.yaml") == [
        "the bundle: there is no competition.yaml at its top (Codabench bundles need one)."
    ]


def test_yaml_that_does_not_parse_names_the_line_and_column():
    text = "version: 2\ntitle: Toy\nphases:\n  - name: [unclosed\n"
    [problem] = problems(text)
    assert problem.startswith("competition.yaml: the YAML does not parse at line 5, column 1")


def test_an_unknown_version_is_refused():
    assert problems(result_only(version=3)) == [
        "competition.yaml: version: 3 is not a version Podium reads: 2 (Codabench) or 1.5."
    ]


def test_a_phase_naming_a_missing_task_and_other_problems_are_all_reported():
    spec = result_only()
    spec["phases"][0]["tasks"] = [0, 3]
    spec["leaderboards"][0]["columns"][1]["sorting"] = "up"
    spec["tasks"][0]["reference_data"] = "missing.zip"
    found = problems(spec)
    assert "competition.yaml: phases[0].tasks[1]: task 3 does not exist." in found
    assert (
        "competition.yaml: leaderboards[0].columns[1].sorting: must be asc (lower is better) or desc (higher is "
        "better), not 'up'." in found
    )
    assert any(
        p.startswith("competition.yaml: tasks[0].reference_data: 'missing.zip' is not in the bundle")
        for p in found
    )
    assert len(found) == 3


def test_a_program_without_a_command_is_refused():
    files = {
        **RESULT_FILES,
        "scoring_program.zip": zipped({"metadata.yaml": "description: no command\n", "score.py": ""}),
    }
    assert problems(result_only(), files) == [
        "scoring_program.zip/metadata.yaml: command: the program's metadata has no command to run it."
    ]


def test_a_program_without_metadata_is_refused():
    files = {**RESULT_FILES, "scoring_program.zip": zipped({"score.py": ""})}
    assert problems(result_only(), files) == [
        "scoring_program.zip: a program needs a metadata file (metadata or metadata.yaml) at its top with its command."
    ]


def test_dates_that_do_not_parse_or_overlap_are_refused():
    spec = result_only()
    spec["phases"][0]["start"] = "next tuesday"
    spec["phases"].append({"index": 1, "name": "Final", "start": day(10), "end": day(40), "tasks": [0]})
    spec["phases"].append({"index": 2, "name": "Late", "start": day(20), "end": day(50), "tasks": [0]})
    found = problems(spec)
    assert (
        "competition.yaml: phases[0].start: 'next tuesday' is not a date (write 2025-01-31 or "
        "2025-01-31T12:00:00+00:00)." in found
    )
    assert any(
        p.startswith("competition.yaml: phases[2].start: phase 2 starts on") and "may not overlap" in p
        for p in found
    )


def test_a_bundle_whose_phases_have_ended_is_refused():
    spec = result_only()
    spec["phases"][0].update({"start": "2019-01-01", "end": "2019-02-01"})
    [problem] = problems(spec)
    assert problem.startswith("competition.yaml: phases[0].end: the last phase ended on")


def test_a_limit_podium_cannot_hold_is_refused():
    spec = result_only()
    spec["phases"][0]["max_submissions_per_day"] = -2
    assert problems(spec) == [
        "competition.yaml: phases[0].max_submissions_per_day: must be at least 0, not -2."
    ]


def test_a_missing_page_file_names_its_key():
    spec = result_only()
    spec["pages"][1]["file"] = "pages/nowhere.md"
    [problem] = problems(spec)
    assert problem.startswith("competition.yaml: pages[1].file: 'pages/nowhere.md' is not in the bundle")


def test_a_version_1_5_bundle_with_a_broken_column_is_refused():
    from tests.bundles.builders import version_1_5

    spec, files = version_1_5()
    spec["leaderboard"]["columns"]["rmse"]["sort"] = "sideways"
    del spec["phases"][2]["scoring_program"]
    found = problems(spec, files)
    assert (
        "competition.yaml: phases.2.scoring_program: is required: every phase has a scoring program." in found
    )
    assert any(p.startswith("competition.yaml: leaderboard.columns.rmse.sort: must be asc") for p in found)


def test_too_many_anchors_are_refused():
    text = "version: 2\na: &a [x]\nb: [" + ", ".join(["*a"] * 300) + "]\n"
    [problem] = problems(text)
    assert problem == "competition.yaml: it reuses anchors 300 times, more than the limit of 200."


def test_a_title_with_a_control_character_is_refused():
    assert problems(result_only(title="Bad\u0007title")) == [
        "competition.yaml: title: must be one line of text; it holds the control character U+0007 CONTROL CHARACTER."
    ]


def test_a_broken_program_two_tasks_share_is_reported_once():
    spec, files = several_tasks_two_phases()
    files["scoring_program.zip"] = zipped({"metadata": "command: ''\n"})
    assert problems(spec, files) == [
        "scoring_program.zip/metadata: command: the program's metadata has no command to run it."
    ]


def test_a_program_that_is_a_single_file_is_refused():
    spec = result_only()
    spec["tasks"][0]["scoring_program"] = "pages/terms.md"
    assert problems(spec) == ["pages/terms.md: a program must be a zip or a folder."]


def test_a_task_kept_on_a_codabench_server_is_refused_with_why():
    spec = result_only()
    spec["tasks"][0] = {"index": 0, "name": "Labels", "key": "6b9d6d0e-0000-4000-8000-000000000000"}
    assert problems(spec) == [
        "competition.yaml: tasks[0].key: names a task kept on a Codabench server; Podium imports only tasks the "
        "bundle holds (give its scoring_program and data as files of the bundle)."
    ]
