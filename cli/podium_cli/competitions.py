"""`podium competitions ...`: each handler takes a client and the parsed arguments."""

import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

from podium_cli.client import MAX_PAGES, Client, Listing, segment
from podium_cli.errors import CliError, is_transient
from podium_cli.terminal import (
    format_score,
    format_time,
    human_size,
    parse_time,
    print_json,
    print_table,
    truncate,
)
from podium_cli.transfer import download, extract, report, upload

FINAL_STATUSES = {"scored", "failed", "cancelled"}
MAX_HICCUPS = 5  # failed polls in a row that --wait rides out
UPLOAD_RETRY_PAUSES = (1.0, 3.0, 9.0)  # seconds before each new try of an upload whose answer was lost
LEADERBOARD_PAGE = 500
ERROR_WIDTH = 60  # a failure message in the submissions table; `--json` has it whole


def showing_line(listing: Listing, noun: str) -> None:
    if listing.is_partial:
        print(f"Showing {len(listing.results)} of {listing.count} {noun}.")


def list_competitions(client: Client, args) -> int:
    params = {"search": args.search, "status": args.status, "ordering": args.sort}
    listing = client.listing("competitions/", params)
    if isinstance(listing.raw, list):  # an older server ignores the filters: apply them here
        listing.results = filter_competitions(listing.results, args)
        listing.count = len(listing.results)
        listing.raw = listing.results
    if args.json:
        print_json(listing.raw)
        return 0
    if not listing.results:
        print("No competitions found.")
        return 0
    has_teams = any("teams" in item for item in listing.results)
    columns = [
        ("slug", "slug"),
        ("title", "title"),
        ("phase", "phase"),
        ("end", "deadline"),
        ("metric", "metric"),
    ]
    if has_teams:
        columns.append(("teams", "teams"))
    rows = [
        {
            "slug": item.get("slug", ""),
            "title": item.get("title", ""),
            "phase": item.get("phase", ""),
            "end": format_time(item.get("end_at")),
            "metric": metric_name(item.get("metric")),
            "teams": str(item.get("teams", "")),
        }
        for item in listing.results
    ]
    print_table(rows, columns)
    showing_line(listing, "competitions")
    return 0


def metric_name(metric) -> str:
    if isinstance(metric, dict):
        return metric.get("name") or metric.get("key") or ""
    return str(metric or "")


def filter_competitions(items: list[dict], args) -> list[dict]:
    if args.search:
        needle = args.search.lower()
        items = [i for i in items if needle in f"{i.get('title', '')} {i.get('slug', '')}".lower()]
    if args.status:
        items = [i for i in items if i.get("phase") == args.status]
    never = "9999-12-31T00:00:00+00:00"
    if args.sort == "newest":
        items = sorted(items, key=lambda i: i.get("start_at") or "", reverse=True)
    elif args.sort == "ending":
        items = sorted(items, key=lambda i: parse_time(i.get("end_at") or never) or 0)
    elif args.sort == "teams":
        items = sorted(items, key=lambda i: -(i.get("teams") or 0))
    return items


def competition_files(client: Client, args) -> int:
    files = client.get_json(f"competitions/{segment(args.competition)}/files/")
    if args.json:
        print_json(files)
        return 0
    if not files:
        print(f"Competition '{args.competition}' has no data files.")
        return 0
    rows = [
        {"name": f["name"], "size": human_size(f.get("size")), "sha256": f.get("sha256", "")} for f in files
    ]
    print_table(rows, [("name", "name"), ("size", "size"), ("sha256", "sha256")])
    return 0


def join(client: Client, args) -> int:
    slug = args.competition
    state = client.post_json(f"competitions/{segment(slug)}/join/")
    print(f"You accepted the rules of '{slug}' and joined it.")
    team = state.get("team") if isinstance(state, dict) else None
    if team:
        print(f"Your team: {team}.")
    print(f"Read the rules at {client.base_url}/competitions/{segment(slug)}/rules/")
    return 0


def download_competition(client: Client, args) -> int:
    slug = args.competition
    folder = Path(args.path).expanduser()
    if args.file:
        name = Path(args.file).name  # a name, never a path: the file lands inside the folder
        api_path = f"competitions/{segment(slug)}/files/{segment(args.file)}"
        dest = folder / name
    else:
        api_path = f"competitions/{segment(slug)}/download/"
        dest = folder / f"{slug}.zip"
    result = download(client, api_path, dest, force=args.force)
    report(result)
    if args.unzip and dest.suffix == ".zip" and dest.exists():
        extract(dest, folder)
    return 0


def submit(client: Client, args) -> int:
    path = Path(args.file).expanduser()
    if path.is_dir():  # code: the folder's contents zipped, model.py (or main.py) at the top
        with tempfile.TemporaryDirectory(prefix="podium-code-") as folder:
            zipped = Path(folder) / f"{path.resolve().name or 'code'}.zip"
            zip_folder(path, zipped)
            return submit_file(client, args, zipped)
    if not path.is_file():
        raise CliError(f"{path} is not a file or a folder.")
    return submit_file(client, args, path)


def zip_folder(folder: Path, target: Path) -> None:
    """The folder's files, paths relative to it, leaving out caches and hidden files (.git, .venv)."""
    written = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in sorted(folder.rglob("*")):
            relative = item.relative_to(folder)
            if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
                continue
            if item.is_file() and not item.is_symlink():
                archive.write(item, relative.as_posix())
                written += 1
    if not written:
        raise CliError(f"{folder} holds no file to submit.")


def submit_file(client: Client, args, path: Path) -> int:
    slug = args.competition
    where = phase_and_track(args)
    response = upload_once(
        client,
        f"competitions/{segment(slug)}/submissions/",
        fields=[("description", args.message or ""), *where.items()],
        files=[("file", path)],
        label=path.name,
    )
    body = response.json()
    made = body.get("submission") or {}
    place = f", phase {made['phase']}, track {made['track']}" if where and "phase" in made else ""
    print(
        f"Submitted {path.name} to '{slug}'{place}: submission {body['id']} ({body.get('status', 'queued')})."
    )
    if body.get("is_late"):
        print("This competition has ended: the submission is scored as a late submission and not ranked.")
    if not args.wait:
        print_remaining(body)
        return 0
    outcome = wait_for_score(client, slug, body["id"], args.timeout)
    # A file refused by validation gives its slot back: the quota is only known once the outcome is.
    print_remaining(client.get_json(f"competitions/{segment(slug)}/quota/", where or None))
    return outcome


def phase_and_track(args) -> dict[str, str]:
    """--phase and --track as the API's fields and parameters (left out when not given)."""
    where = {}
    if getattr(args, "phase", None) is not None:
        where["phase"] = str(args.phase)
    if getattr(args, "track", None):
        where["track"] = args.track
    return where


def print_remaining(quota: dict) -> None:
    """`N submissions left today (resets at ...)`, from the server's own figure."""
    if "remaining_today" not in quota:
        return
    left = quota["remaining_today"]
    print(
        f"{left} submission{'s' if left != 1 else ''} left today (resets at {format_time(quota.get('resets_at'))})."
    )


def upload_once(client: Client, api_path: str, **upload_args):
    """Upload, and upload again after a dropped connection or a failing server, with one Idempotency-Key
    for every try: the server answers a repeat with the first submission, so the file is charged once."""
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    pauses = list(UPLOAD_RETRY_PAUSES)
    while True:
        try:
            return upload(client, api_path, headers=headers, **upload_args)
        except CliError as error:
            if not pauses or not is_transient(error):
                raise
            pause = getattr(error, "retry_after", None) or pauses.pop(0)
            print(
                f"{error.message} Trying again in {pause:g} s (same upload, charged once).", file=sys.stderr
            )
            time.sleep(pause)


def wait_for_score(client: Client, slug: str, submission_id: int, timeout: float) -> int:
    """Poll until the submission is scored, failed or cancelled, backing off from 0.5 s to 3 s.

    A busy server (429, 5xx) or a dropped connection is waited out a few times before giving up."""
    deadline = time.monotonic() + timeout
    delay = 0.5
    status = None
    hiccups = 0
    runs_seen: dict[str, str] = {}
    while True:
        try:
            submission = client.get_json(f"submissions/{segment(submission_id)}/")
            hiccups = 0
        except CliError as error:
            hiccups += 1
            if not is_transient(error) or hiccups > MAX_HICCUPS or time.monotonic() + delay > deadline:
                raise
            pause = getattr(error, "retry_after", None) or delay
            time.sleep(min(pause, max(deadline - time.monotonic(), 0)))
            continue
        if submission.get("status") != status:
            status = submission.get("status")
            if status not in FINAL_STATUSES:
                print(f"Submission {submission_id} is {status}...", file=sys.stderr)
        runs_seen = report_code_runs(submission.get("code_runs") or [], runs_seen)
        if status in FINAL_STATUSES:
            break
        if time.monotonic() + delay > deadline:
            raise CliError(
                f"Submission {submission_id} is still {status} after {timeout:g} s.",
                hint=f"Check it later with `podium competitions submissions {slug}`.",
            )
        time.sleep(delay)
        delay = min(delay * 1.6, 3.0)
    if status == "scored":
        line = (
            f"Submission {submission_id} scored: public score {format_score(submission.get('public_score'))}"
        )
        if submission.get("private_score") is not None:
            line += f", private score {format_score(submission['private_score'])}"
        print(line + ".")
        return 0
    if status == "failed":
        error = submission.get("error") or {}
        print(
            f"Submission {submission_id} failed: {error.get('message') or 'no reason given.'}",
            file=sys.stderr,
        )
        return 1
    print(f"Submission {submission_id} was cancelled.", file=sys.stderr)
    return 1


CODE_RUN_NAMES = {"sample": "Run on the sample inputs", "hidden": "Run on the hidden inputs"}


def report_code_runs(runs: list[dict], seen: dict[str, str]) -> dict[str, str]:
    """Print each code run's progress once per change: its status, duration, peak memory and failure, and
    the logs the server shows (the sample run's; never the hidden run's, which the server keeps back)."""
    for run in runs:
        state = f"{run.get('status')}:{run.get('failure')}"
        if seen.get(run.get("inputs", "")) == state:
            continue
        seen[run.get("inputs", "")] = state
        line = f"{CODE_RUN_NAMES.get(run.get('inputs', ''), 'Run')}: {run.get('status')}"
        if run.get("wall_seconds") is not None:
            line += f" in {run['wall_seconds']:.1f} s"
        if run.get("peak_memory_bytes"):
            line += f", peak memory {human_size(run['peak_memory_bytes'])}"
        if run.get("failure"):
            line += f" ({run['failure'].replace('_', ' ')})"
        print(line + ".", file=sys.stderr)
        if run.get("status") == "failed":
            for stream in ("stdout", "stderr"):
                if run.get(stream):
                    print(f"--- its {stream} ---\n{run[stream].rstrip()}", file=sys.stderr)
    return seen


def list_submissions(client: Client, args) -> int:
    listing = client.listing(f"competitions/{segment(args.competition)}/submissions/")
    if args.json:
        print_json(listing.raw)
        return 0
    if not listing.results:
        print(f"No submissions to '{args.competition}' yet.")
    else:
        has_private = any("private_score" in s for s in listing.results)
        several_teams = len({s.get("team") for s in listing.results}) > 1  # the host sees every team's
        columns = [("id", "id"), ("date", "date")]
        if several_teams:
            columns.append(("team", "team"))
        columns += [("description", "description"), ("status", "status"), ("public", "public_score")]
        labels = score_column_labels(listing.results, "public_columns")
        columns += [(f"column:{label}", label) for label in labels]
        if has_private:
            columns.append(("private", "private_score"))
        columns.append(("final", "final"))
        if any(s.get("error") for s in listing.results):
            columns.append(("error", "error"))
        rows = [
            {
                "id": str(s.get("id")),
                "date": format_time(s.get("created_at")),
                "team": s.get("team") or "",
                "description": s.get("description") or s.get("file_name") or "",
                "status": describe_status(s),
                "public": format_score(s.get("public_score")),
                "private": format_score(s.get("private_score")),
                "final": "yes" if s.get("is_final") else "",
                "error": failure(s),
                **{
                    f"column:{label}": format_score((s.get("public_columns") or {}).get(label))
                    for label in labels
                },
            }
            for s in listing.results
        ]
        print_table(rows, columns)
        showing_line(listing, "submissions")
    quota = listing.raw.get("quota") if isinstance(listing.raw, dict) else None
    if quota:
        print(
            f"{quota.get('remaining_today')} submissions left today (resets at {format_time(quota.get('resets_at'))})."
        )
    return 0


def score_column_labels(rows: list[dict], key: str) -> list[str]:
    """The secondary score columns the server sent (those the viewer may see), in the competition's order."""
    labels: list[str] = []
    for row in rows:
        for label in row.get(key) or {}:
            if label not in labels:
                labels.append(label)
    return labels


def failure(submission: dict) -> str:
    message = (submission.get("error") or {}).get("message") or ""
    return truncate(" ".join(message.split()), ERROR_WIDTH)


def describe_status(submission: dict) -> str:
    status = submission.get("status", "")
    if submission.get("disqualified_at"):
        return f"{status}, disqualified"
    if submission.get("deleted_at"):
        return f"{status}, deleted"
    if submission.get("is_late"):
        return f"{status}, late"
    return status


def leaderboard(client: Client, args) -> int:
    slug = args.competition
    split = "private" if args.private else "public"
    where = phase_and_track(args)
    if args.download:
        folder = Path(args.path).expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        response = client.request(
            "GET",
            f"competitions/{segment(slug)}/leaderboard/csv/",
            params={"split": split, **where},
            headers={"Accept": "*/*"},
        )
        named = "".join(f"{key}-{value}-" for key, value in where.items())
        dest = folder / f"{slug}-{named}{split}-leaderboard.csv"
        dest.write_bytes(response.content)
        print(f"Saved the {split} leaderboard of '{slug}' to {dest}.")
        return 0
    sort = {"sort": args.sort} if getattr(args, "sort", None) else {}
    pages: list[dict] = []
    results: list[dict] = []
    for _ in range(MAX_PAGES):
        page = client.get_json(
            f"competitions/{segment(slug)}/leaderboard/",
            {"split": split, "limit": LEADERBOARD_PAGE, "offset": len(results), **sort, **where},
        )
        pages.append(page)
        batch = page.get("results") or []
        results.extend(batch)
        if not batch or len(results) >= page.get("count", 0):
            break
    # One page is the server's answer as it came; several are joined into one with every row.
    board = pages[0] if len(pages) == 1 else {**pages[0], "limit": len(results), "results": results}
    if args.json:
        print_json(board)
        return 0
    count = board.get("count", len(results))
    state = "final" if board.get("final") else "provisional"
    board_name = f", phase {board['phase']}, track {board['track']}" if where and "phase" in board else ""
    print(
        f"{split.capitalize()} leaderboard of '{slug}'{board_name} ({state}, {count} team{'s' if count != 1 else ''})."
    )
    if board.get("pending_submissions"):
        print(f"{board['pending_submissions']} submissions are still being scored.")
    if not results:
        print("No one is on it yet.")
        return 0
    labels = score_column_labels(results, "columns")
    columns = [
        ("rank", "rank"),
        ("team", "team"),
        ("score", "score"),
        *((f"column:{label}", label) for label in labels),
        ("entries", "entries"),
        ("last", "last"),
    ]
    if split == "private":
        columns += [("public_rank", "public rank"), ("shake_up", "shake-up"), ("medal", "medal")]
    rows = [
        {
            "rank": str(row.get("rank", "")),
            "team": row.get("team", ""),
            "score": format_score(row.get("score")),
            "entries": str(row.get("entries", "")),
            "last": format_time(row.get("last_submitted_at")),
            "public_rank": "-" if row.get("public_rank") is None else str(row["public_rank"]),
            "shake_up": format_shake_up(row.get("shake_up")),
            "medal": row.get("medal") or "",
            **{f"column:{label}": format_score((row.get("columns") or {}).get(label)) for label in labels},
        }
        for row in results
    ]
    if sort:
        print(f"Sorted by {args.sort}; rank stays the rank by score.")
    print_table(rows, columns)
    if len(results) < count:
        print(f"Showing {len(results)} of {count} teams; --download saves the whole board as CSV.")
    return 0


def format_shake_up(value) -> str:
    if value is None:
        return "-"
    return f"+{value}" if value > 0 else str(value)
