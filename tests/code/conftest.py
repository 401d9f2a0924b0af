"""A competition whose one phase and track takes code: TEST_CSV's features as hidden inputs, three of its
rows as the public sample inputs (tests.factories: the solution's labels are cat, dog and bird)."""

import io
import textwrap
import zipfile

import pytest

from competitions.phases import pairs_of
from submissions.code import set_code_inputs
from tests.factories import TEST_CSV, joined

SAMPLE_CSV = "id,feature\n1,0.5\n2,1.0\n3,1.5\n"

# Learns the most common training label (train.csv's mode, bird: the first of three tied, sorted) and
# predicts it everywhere: a public accuracy of 1/4 proves fit saw the training data.
MODE_MODEL = """
class Model:
    def fit(self, X, y):
        assert list(X.columns) == ["feature"], X.columns
        self.label = y.mode()[0]

    def predict(self, X):
        return [self.label] * len(X)
"""


def code_zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, textwrap.dedent(text))
    return buffer.getvalue()


@pytest.fixture
def code_competition(competition, host):
    [pair] = pairs_of(competition)
    set_code_inputs(
        competition=competition,
        user=host,
        pair=pair,
        accepts="code",
        hidden_inputs=("test.csv", io.BytesIO(TEST_CSV.encode())),
        sample_inputs=("sample.csv", io.BytesIO(SAMPLE_CSV.encode())),
    )
    return competition


@pytest.fixture
def coder(code_competition, participant):
    joined(code_competition, participant)
    return participant
