"""A sandbox worker that does not run as root (the usual production set-up, podium-sandbox@.service's
`User=podium`) gets its sandbox from an unprivileged user namespace instead of setpriv. The other tests run
as the test process's user; as root (CI), this one runs a worker as nobody so both ways are proven."""

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.services import require_bubblewrap
from tests.stack import ROOT

SYSTEM_PYTHON = Path("/usr/bin/python3")

WORKER = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from execution.sandbox import Limits, Runtime, run_sandboxed
program = '''
import os, socket
print(os.getuid(), os.getgid(), sorted(p for p in os.listdir("/proc") if p.isdigit()))
open("/output/result.txt", "w").write("written")
try:
    socket.create_connection(("127.0.0.1", 5432), timeout=5)
except OSError as error:
    print(type(error).__name__)
children = 0
try:
    while True:
        if os.fork() == 0:
            os.execv("/bin/sleep", ["sleep", "600"])
        children += 1
except OSError as error:
    print("fork refused", type(error).__name__)
'''
result = run_sandboxed(
    ["python3", "-c", program],
    runtime=Runtime("system", Path("/usr/bin/python3"), ()),
    output_dir=Path(sys.argv[2]),
    limits=Limits(processes=16, wall_seconds=120),
)
print(json.dumps({"uid": __import__("os").getuid(), "stdout": result.stdout, "files": {k: v.decode() for k, v in result.output_files.items()}}))
"""


def test_a_worker_that_is_not_root_runs_programs_in_a_user_namespace():
    require_bubblewrap()
    if os.geteuid() != 0:
        pytest.skip("this process is not root: every other sandbox test already runs the unprivileged way")
    if not SYSTEM_PYTHON.exists():
        pytest.fail(f"{SYSTEM_PYTHON} is missing: the runtime a worker running as nobody can read")
    # pytest's own temporary folders are root's alone; the worker needs one it can reach.
    with tempfile.TemporaryDirectory() as folder:
        Path(folder).chmod(0o777)
        done = subprocess.run(
            [
                *("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"),
                *(str(SYSTEM_PYTHON), "-c", WORKER, str(ROOT), str(Path(folder) / "output")),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["uid"] == 65534
    lines = report["stdout"].splitlines()
    assert lines[0] == "65534 65534 ['1', '2']"
    assert lines[1] == "ConnectionRefusedError"
    assert lines[2] == "fork refused BlockingIOError"
    assert report["files"] == {"result.txt": "written"}
