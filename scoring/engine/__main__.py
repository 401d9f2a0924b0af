"""Score a file from the command line: `python -m scoring.engine --solution S.csv --submission F.csv ...`.

Prints one JSON object: {"public": x, "private": y} (exit 0) or {"error": ..., "code": ...} (exit 1).
`--list-metrics` prints the catalogue, with each metric's parameters, as a JSON list.
"""

import argparse
import json
import sys

from .errors import EngineError, SubmissionError
from .metrics import METRICS, Metric, MetricParam
from .scores import score
from .solution import ScoringSpec, load_solution


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scoring.engine", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--list-metrics", action="store_true", help="print the metric catalogue as JSON and exit"
    )
    parser.add_argument("--solution", help="the hidden solution CSV")
    parser.add_argument("--submission", help="the participant's CSV")
    parser.add_argument("--metric", help="metric key, see --list-metrics")
    parser.add_argument("--id-column", help="name of the id column")
    parser.add_argument(
        "--target", action="append", help="name of the target column (repeat it for multi-target metrics)"
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="metric parameter, e.g. positive_label=yes or k=10 (repeatable; see --list-metrics)",
    )
    parser.add_argument(
        "--public-fraction", type=float, default=0.3, help="public share when there is no Usage column"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the public/private split without a Usage column"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.list_metrics:
        print(json.dumps([_describe(metric) for metric in METRICS.values()], indent=2))
        return 0
    required = {"--solution": args.solution, "--submission": args.submission, "--metric": args.metric}
    required |= {"--id-column": args.id_column, "--target": args.target}
    missing = [flag for flag, value in required.items() if not value]
    if missing:
        parser.error(f"the following arguments are required: {', '.join(missing)}")
    params = {}
    for item in args.param:
        name, separator, value = item.partition("=")
        if not separator or not name.strip():
            parser.error(f"--param takes NAME=VALUE, not {item!r}")
        params[name.strip()] = value
    spec = ScoringSpec(
        metric=args.metric, id_column=args.id_column, target_columns=tuple(args.target), params=params
    )
    try:
        solution = load_solution(args.solution, spec, public_fraction=args.public_fraction, seed=args.seed)
        scores = score(solution, args.submission)
    except EngineError as error:
        answer = {"error": error.message, "code": error.code}
        if isinstance(error, SubmissionError) and error.host_detail:
            answer["host_detail"] = error.host_detail  # whoever runs this holds the solution anyway
        print(json.dumps(answer))
        return 1
    except OSError as error:
        print(json.dumps({"error": f"{error.strerror}: {error.filename}", "code": "unreadable_file"}))
        return 1
    print(json.dumps({"public": scores.public, "private": scores.private}))
    return 0


def _describe(metric: Metric) -> dict:
    return {
        "key": metric.key,
        "name": metric.name,
        "higher_is_better": metric.higher_is_better,
        "prediction": metric.prediction,
        "multi_target": metric.multi_target,
        "description": metric.description,
        "params": [_describe_param(param) for param in metric.params],
    }


def _describe_param(param: MetricParam) -> dict:
    described = {
        "name": param.name,
        "kind": param.kind,
        "default": param.default,
        "required": param.required,
        "description": param.description,
    }
    if param.choices:
        described["choices"] = list(param.choices)
    if param.minimum is not None:
        described["minimum"] = param.minimum
    return described


if __name__ == "__main__":
    sys.exit(main())
