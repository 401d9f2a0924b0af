"""Podium's default ingestion program: runs a participant's code on the inputs and writes the predictions.

It runs inside the sandbox with Codabench's folder layout (docs/code-submissions.md): this program at
/app/program, the participant's code at /app/ingested_program, the inputs at /app/input_data (inputs.csv,
and train.csv when the competition gives training data), the output at /app/output. It never sees the
solution: scoring is a separate step.

The participant's code is either
- model.py with a class `Model` (fit(X, y) when there is training data, then predict(X)) or a function
  `predict(X)`; X is a pandas DataFrame of the inputs without the id column; or
- main.py, or a `metadata` file with a `command`, which writes /app/output/predictions.csv itself.

Exit codes: 0 done, 3 the predictions are not what the competition expects, anything else the code crashed.
"""

import importlib.util
import json
import os
import shlex
import subprocess
import sys
import traceback
from pathlib import Path

CODE = Path(os.environ.get("PODIUM_CODE_DIR", "/app/ingested_program"))
INPUTS = Path(os.environ.get("PODIUM_INPUT_DIR", "/app/input_data"))
OUTPUT = Path(os.environ.get("PODIUM_OUTPUT_DIR", "/app/output"))
PREDICTIONS = "predictions.csv"
BAD_PREDICTIONS = 3


def fail(message: str, code: int) -> None:
    print(f"podium ingestion: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


def command_of_metadata(path: Path) -> list[str]:
    """The `command:` line of a Codabench-style metadata file (YAML with one key is all it needs)."""
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "command" and value.strip():
            return shlex.split(value.strip().strip("'\""))
    fail("the metadata file has no `command:` line", 1)
    return []


def run_own_command(command: list[str]) -> None:
    """main.py or a metadata command: the participant's program writes the predictions itself."""
    env = {**os.environ, "PODIUM_INPUT_DIR": str(INPUTS), "PODIUM_OUTPUT_DIR": str(OUTPUT)}
    finished = subprocess.run(command, cwd=CODE, env=env, check=False)  # noqa: S603 - inside the sandbox
    if finished.returncode != 0:
        sys.exit(finished.returncode if finished.returncode > 0 else 1)


def load_model_module():
    sys.path.insert(0, str(CODE))
    spec = importlib.util.spec_from_file_location("model", CODE / "model.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["model"] = module
    spec.loader.exec_module(module)
    return module


def run_model(id_column: str, target_columns: list[str]) -> None:
    import pandas as pd

    module = load_model_module()
    inputs = pd.read_csv(INPUTS / "inputs.csv")
    if id_column not in inputs.columns:
        fail(f"the inputs have no id column {id_column!r}", 1)
    features = inputs.drop(columns=[id_column])
    if hasattr(module, "Model"):
        model = module.Model()
        training = INPUTS / "train.csv"
        if training.exists() and hasattr(model, "fit"):
            train = pd.read_csv(training)
            y = train[target_columns[0]] if len(target_columns) == 1 else train[target_columns]
            model.fit(train.drop(columns=[id_column, *target_columns], errors="ignore"), y)
        predict = model.predict
    elif hasattr(module, "predict"):
        predict = module.predict
    else:
        fail("model.py defines neither a class `Model` nor a function `predict`", 1)
    predicted = predict(features)
    write_predictions(inputs[id_column], predicted, target_columns)


def write_predictions(ids, predicted, target_columns: list[str]) -> None:
    import numpy as np
    import pandas as pd

    values = predicted.to_numpy() if isinstance(predicted, pd.DataFrame) else np.asarray(predicted)
    if values.ndim == 1:
        values = values.reshape(-1, 1)
    if values.ndim != 2 or values.shape[0] != len(ids) or values.shape[1] != len(target_columns):
        fail(
            f"predict returned values of shape {tuple(values.shape)}; expected {len(ids)} rows and "
            f"{len(target_columns)} column(s) ({', '.join(target_columns)})",
            BAD_PREDICTIONS,
        )
    frame = pd.DataFrame(values, columns=target_columns)
    frame.insert(0, ids.name, ids.to_numpy())
    frame.to_csv(OUTPUT / PREDICTIONS, index=False)


def main() -> None:
    id_column = os.environ["PODIUM_ID_COLUMN"]
    target_columns = json.loads(os.environ["PODIUM_TARGET_COLUMNS"])
    try:
        if (CODE / "model.py").exists():
            run_model(id_column, target_columns)
        elif (CODE / "metadata").exists():
            run_own_command(command_of_metadata(CODE / "metadata"))
        else:
            run_own_command([sys.executable, "main.py", str(INPUTS), str(OUTPUT)])
    except SystemExit:
        raise
    except BaseException:
        traceback.print_exc()
        sys.exit(1)


if __name__ == "__main__":
    main()
