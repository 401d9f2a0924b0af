import io

import pytest

from scoring.engine import ScoringSpec, SubmissionError, load_solution, score

# Hidden values no participant-facing message may ever contain.
HIDDEN_NUMBERS = ["31337.25", "-4242.5", "98765.125", "55555.5", "-1212.75", "7070.0625"]
HIDDEN_CLASSES = ("okapi", "zebra")


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def regression_solution():
    """rmse on ids r1..r6 with distinctive hidden values; r1, r2, r3 public."""
    rows = [
        f"r{i},{value},{'Public' if i <= 3 else 'Private'}" for i, value in enumerate(HIDDEN_NUMBERS, start=1)
    ]
    return load_solution(
        io.BytesIO(csv_bytes("id,target,Usage", *rows)), ScoringSpec("rmse", "id", ("target",))
    )


@pytest.fixture
def binary_solution():
    """log_loss on ids b1..b8, hidden classes okapi/zebra (zebra positive), both classes in each split."""
    labels = ["zebra", "okapi", "zebra", "okapi", "okapi", "zebra", "okapi", "zebra"]
    rows = [f"b{i},{label},{'Public' if i <= 4 else 'Private'}" for i, label in enumerate(labels, start=1)]
    spec = ScoringSpec("log_loss", "id", ("target",), {"positive_label": "zebra"})
    return load_solution(io.BytesIO(csv_bytes("id,target,Usage", *rows)), spec)


@pytest.fixture
def label_solution():
    """accuracy on ids c1..c6 with labels cat/dog/emu."""
    labels = ["cat", "dog", "emu", "dog", "cat", "emu"]
    rows = [f"c{i},{label},{'Public' if i <= 3 else 'Private'}" for i, label in enumerate(labels, start=1)]
    return load_solution(
        io.BytesIO(csv_bytes("id,target,Usage", *rows)), ScoringSpec("accuracy", "id", ("target",))
    )


@pytest.fixture
def refuse():
    """Score `data`, expect a SubmissionError with `code`, and check its message hides the solution."""

    def refuse(solution, data: bytes, code: str) -> SubmissionError:
        with pytest.raises(SubmissionError) as caught:
            score(solution, io.BytesIO(data))
        error = caught.value
        assert error.code == code, error.message
        for hidden in [*HIDDEN_NUMBERS, *HIDDEN_CLASSES]:
            assert hidden not in error.message
        return error

    return refuse
