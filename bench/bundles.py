"""How fast a Codabench bundle is read and checked: the upload unpacked under the limits, competition.yaml
mapped, and every zip inside read through (what the import page does before it stores anything).

    .venv/bin/python bench/bundles.py [--mb 200] [--repeat 3]

The bundle holds a scoring program and a reference data zip of --mb megabytes (half random bytes, half
text-like rows), written to a temporary folder. Prints the median seconds and megabytes per second of
`bundles.services.inspect_bundle`; never judges them.
"""

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:] = [str(REPO)] + [
    p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent
]


def reference_zip(megabytes: int, seed: int) -> bytes:
    draw = random.Random(seed)  # noqa: S311 - bench data, the same every run
    half = megabytes * 1024 * 1024 // 2
    rows = "".join(f"{n},{draw.random():.6f}\n" for n in range(half // 12)).encode()[:half]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("noise.bin", draw.randbytes(half))
        archive.writestr("truth.csv", rows)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from bundles.services import inspect_bundle
    from tests.bundles.builders import RESULT_FILES, bundle, result_only

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bundle.zip"
        path.write_bytes(
            bundle(result_only(), {**RESULT_FILES, "reference_data.zip": reference_zip(options.mb, 7)})
        )
        times = []
        for _ in range(options.repeat):
            with path.open("rb") as upload:
                started = time.perf_counter()
                inspect_bundle(upload=upload)
                times.append(time.perf_counter() - started)
        size = path.stat().st_size
    median = statistics.median(times)
    print(f"bundle of {size / 2**20:.0f} MB ({options.mb} MB of reference data unpacked)")
    print(f"inspect_bundle: median {median:.2f} s over {options.repeat} runs, {options.mb / median:.0f} MB/s")


if __name__ == "__main__":
    main()
