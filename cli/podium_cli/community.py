"""podium competitions writeups and benchmark: the paper and code behind results, from the terminal."""

from pathlib import Path

from podium_cli.client import Client, segment
from podium_cli.terminal import format_score, print_json, print_table


def list_writeups(client: Client, args) -> int:
    slug = args.competition
    listing = client.listing(f"competitions/{segment(slug)}/writeups/", {"ordering": args.ordering})
    if args.json:
        print_json(listing.raw)
        return 0
    if not listing.results:
        print(f"No write-ups for '{slug}' yet.")
        return 0
    split = listing.results[0].get("score_split", "public")
    rows = [
        {
            "method": item.get("method_name", ""),
            "team": item.get("team", ""),
            "score": format_score(item.get("score")),
            "paper": item.get("paper_url") or "-",
            "code": item.get("code_url") or "-",
        }
        for item in listing.results
    ]
    print(
        f"Write-ups of '{slug}', {'most votes' if args.ordering == 'votes' else f'best {split} score'} first:"
    )
    print_table(
        rows,
        [
            ("method", "method"),
            ("team", "team"),
            ("score", f"{split} score"),
            ("paper", "paper"),
            ("code", "code"),
        ],
    )
    return 0


def benchmark(client: Client, args) -> int:
    slug = args.competition
    if args.export:
        folder = Path(args.path).expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        response = client.request("GET", f"competitions/{segment(slug)}/benchmark/export/")
        dest = folder / f"{slug}-evaluation-tables.json"
        dest.write_bytes(response.content)
        print(f"Saved the benchmark table of '{slug}' (Papers With Code format) to {dest}.")
        return 0
    table = client.get_json(f"competitions/{segment(slug)}/benchmark/")
    if args.json:
        print_json(table)
        return 0
    direction = "higher" if table.get("higher_is_better") else "lower"
    print(f"{table['task']} on {table['dataset_name']}: {table['metric']} ({direction} is better).")
    rows = [
        {
            "rank": str(row["rank"]),
            "method": row["method_name"] + (" (imported)" if row.get("is_imported") else ""),
            "score": format_score(row.get("score")),
            "date": row.get("date") or "-",
            "paper": row.get("paper_url") or "-",
            "code": row.get("code_url") or "-",
        }
        for row in table.get("rows", [])
    ]
    if not rows:
        print("No entries yet.")
        return 0
    print_table(
        rows,
        [
            ("rank", "rank"),
            ("method", "method"),
            ("score", table["metric"]),
            ("date", "date"),
            ("paper", "paper"),
            ("code", "code"),
        ],
    )
    return 0
