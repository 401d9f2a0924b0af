"""What each of the test bundles becomes, and what the report says about it."""

import io

import pytest

from bundles.services import inspect_bundle
from tests.bundles.builders import (
    RESULT_FILES,
    bundle,
    code_with_ingestion,
    result_only,
    several_tasks_two_phases,
    version_1_5,
)
from tests.images import SVG, gif, png


def plan_of(spec, files=None):
    return inspect_bundle(upload=io.BytesIO(bundle(spec, files)))


def lines(plan, status):
    return {line.subject: line.detail for line in plan.report if line.status == status}


def test_a_result_bundle_maps_its_texts_phase_track_and_columns():
    plan = plan_of(result_only())
    assert (plan.title, plan.description) == ("Toy accuracy", "Predict the labels of two rows.")
    assert plan.overview.startswith("## Overview\n\n# Toy")
    assert "<script>" not in plan.evaluation
    assert "<h2>Scoring</h2>" in plan.evaluation
    assert plan.rules == "Be fair.\n"
    [phase] = plan.phases
    assert (phase.name, phase.daily_submission_limit, phase.total_submission_limit) == ("Development", 5, 100)
    assert [(task.slug, task.files) for task in plan.tasks] == [
        ("labels", {"scoring_program": "scoring_program.zip", "reference_data": "reference_data.zip"})
    ]
    assert [(c.key, c.label, c.higher_is_better, c.precision, c.hidden) for c in plan.columns] == [
        ("accuracy", "Accuracy", True, 3, False),
        ("duration", "Duration", False, 2, True),
    ]


def test_the_report_says_what_is_dropped_and_why():
    dropped = lines(plan_of(result_only(queue="gpu-queue", fact_sheet={"q": "x"})), "dropped")
    assert dropped["docker_image"].startswith("Podium runs programs in its own sandbox runtimes")
    assert dropped["queue"].startswith("Podium sends every run to its own sandbox workers")
    assert dropped["fact_sheet"] == "Podium asks participants no questions when they submit."


def test_the_bundles_image_becomes_the_logo():
    plan = plan_of(result_only())
    assert plan.logo == "logo.png"
    assert lines(plan, "mapped")["image"] == "'logo.png', the competition's logo (PNG, 3×2 pixels)."
    assert "image" not in lines(plan, "dropped")


@pytest.mark.parametrize(
    ("image", "content", "reason"),
    [
        (
            "logo.png",
            b"\x89PNG fake",
            "'logo.png': The logo is not an image Podium takes: it must be a PNG, JPEG, GIF or WebP file",
        ),
        (
            "logo.svg",
            SVG,
            "'logo.svg': SVG logos are refused: an SVG file is a document that can carry script.",
        ),
        ("logo.png", b"", "'logo.png': The logo file is empty"),
        ("logo.png", png(padding=3000), "'logo.png': The logo is larger than 2 KB, the most Podium takes."),
        ("missing.png", None, "'missing.png' is not a file of the bundle."),
        ("../logo.png", None, "'../logo.png' is not the path of an image file inside the bundle."),
        ("starting_kit", None, "'starting_kit' is not a file of the bundle."),
        (["logo.png"], None, "['logo.png'] is not the path of an image file inside the bundle."),
    ],
)
def test_an_image_podium_cannot_take_is_dropped_with_the_reason(settings, image, content, reason):
    settings.PODIUM_LOGO_MAX_KB = 2
    files = {**RESULT_FILES}
    if content is not None:
        files[image] = content
    plan = plan_of(result_only(image=image), files)
    assert plan.logo == ""
    assert lines(plan, "dropped")["image"].startswith(reason)
    assert plan.title == "Toy accuracy"  # the rest of the bundle is read as ever


def test_a_version_1_5_bundles_image_becomes_the_logo():
    spec, files = version_1_5()
    plan = plan_of({**spec, "image": "logo.gif"}, {**files, "logo.gif": gif(8, 8)})
    assert plan.logo == "logo.gif"
    assert lines(plan, "mapped")["image"] == "'logo.gif', the competition's logo (GIF, 8×8 pixels)."


def test_the_report_says_programs_are_stored_and_attached():
    stored = lines(plan_of(result_only()), "stored")
    detail = stored["phase 'Development' / track 'Labels': scoring_program"]
    assert "stored privately and attached to this phase and track with the leaderboard's columns" in detail


def test_a_code_bundle_keeps_its_ingestion_program_folder_and_input_data():
    spec, files = code_with_ingestion()
    plan = plan_of(spec, files)
    [pair] = plan.pairs
    assert pair.files == {
        "scoring_program": "scoring_program.zip",
        "ingestion_program": "ingestion_program",
        "input_data": "input_data.zip",
        "reference_data": "reference_data.zip",
    }
    assert "ingestion_program" in plan.stored_paths


def test_several_tasks_and_two_phases_map_to_tracks_and_phases():
    spec, files = several_tasks_two_phases()
    plan = plan_of(spec, files)
    assert [task.slug for task in plan.tasks] == ["labels", "labels-hard"]
    assert [phase.name for phase in plan.phases] == ["Development", "Final"]
    assert [(pair.phase, pair.task) for pair in plan.pairs] == [(0, 0), (0, 1), (1, 1)]
    assert plan.tasks[0].solutions == ["solution"]
    assert plan.tasks[1].solutions == ["solution"]
    dropped = lines(plan, "dropped")
    assert "on Podium every track is in every phase" in dropped["phase 'Final' / task 'Labels'"]
    assert "carries each team's final selections" in dropped["phases[1].auto_migrate_to_this_phase"]


def test_a_version_1_5_bundle_maps_one_track_with_programs_per_phase():
    spec, files = version_1_5()
    plan = plan_of(spec, files)
    assert plan.version == "1.5"
    assert [phase.name for phase in plan.phases] == ["Practice", "Test"]
    assert plan.phases[0].end_at == plan.phases[1].start_at
    assert [task.slug for task in plan.tasks] == ["main"]
    assert [pair.files["scoring_program"] for pair in plan.pairs] == ["program.zip", "program.zip"]
    assert [(c.key, c.higher_is_better, c.precision) for c in plan.columns] == [
        ("rmse", False, 4),
        ("r2", True, 2),
    ]
    assert "Data" in plan.overview
    assert plan.rules == "<p>Terms</p>"


def test_an_open_ended_last_phase_gets_a_year_and_says_so():
    spec = result_only()
    del spec["phases"][0]["end"]
    plan = plan_of(spec)
    assert (plan.phases[0].end_at - plan.phases[0].start_at).days == 365
    assert "a year after the start" in lines(plan, "mapped")["phases[0].end"]
