"""A code pair's sample code where a catalogue metric scores it: it runs as a host test submission (sample
and hidden runs in the real sandbox) and is scored off the boards, as the same path a program's dry run
takes (tests/scoring_programs/test_code_dry_run.py)."""

import io

import pytest

from competitions.phases import pairs_of
from scoring import services
from scoring_programs.models import ProgramRun
from scoring_programs.sample_code import set_sample_code
from submissions.models import CodeRun, Submission
from tests.code.conftest import code_zip
from tests.services import require_bubblewrap

pytestmark = pytest.mark.django_db

CAT_MODEL = "def predict(X):\n    return ['cat'] * len(X)\n"


def test_sample_code_on_a_metric_scored_pair_is_scored_as_a_host_test(code_competition, host):
    require_bubblewrap()
    [pair] = pairs_of(code_competition)

    sample = set_sample_code(
        competition=code_competition,
        user=host,
        pair=pair,
        file_name="model.zip",
        stream=io.BytesIO(code_zip({"model.py": CAT_MODEL})),
    )

    test = Submission.with_host_tests.get(is_host_test=True)
    assert (test.kind, test.file_key, test.file_name) == ("code", sample.file_key, "model.zip")
    assert services.score_submission(test.pk) == "scored"
    test.refresh_from_db()
    assert test.public_score == 0.5  # ids 1-4: cat, dog, cat, bird
    assert set(CodeRun.objects.filter(submission=test).values_list("inputs", "status")) == {
        ("sample", "succeeded"),
        ("hidden", "succeeded"),
    }
    assert not ProgramRun.objects.exists()
    assert not Submission.objects.exists()  # off every participant's query
