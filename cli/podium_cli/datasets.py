"""`podium datasets ...`: list, inspect, download, create and version datasets."""

from pathlib import Path

from podium_cli.client import Client, segment
from podium_cli.errors import CliError
from podium_cli.terminal import format_time, human_size, print_json, print_table
from podium_cli.transfer import download, extract, report, upload


def list_datasets(client: Client, args) -> int:
    listing = client.listing("datasets/", {"search": args.search, "ordering": args.sort})
    if isinstance(listing.raw, list):  # an older server ignores the filters: apply them here
        items = listing.raw
        if args.search:
            needle = args.search.lower()
            items = [d for d in items if needle in f"{d.get('title', '')} {d.get('slug', '')}".lower()]
        if args.sort == "newest":
            items = sorted(items, key=lambda d: d.get("created_at") or "", reverse=True)
        elif args.sort == "title":
            items = sorted(items, key=lambda d: (d.get("title") or "").lower())
        listing.results = listing.raw = items
        listing.count = len(items)
    if args.json:
        print_json(listing.raw)
        return 0
    if not listing.results:
        print("No datasets found.")
        return 0
    rows = [
        {
            "slug": d.get("slug", ""),
            "title": d.get("title", ""),
            "owner": d.get("owner", ""),
            "license": d.get("license", ""),
            "visibility": d.get("visibility", ""),
            "created": format_time(d.get("created_at")),
        }
        for d in listing.results
    ]
    columns = [("slug", "slug"), ("title", "title"), ("owner", "owner"), ("license", "license")]
    print_table(rows, [*columns, ("visibility", "visibility"), ("created", "created")])
    if listing.is_partial:
        print(f"Showing {len(listing.results)} of {listing.count} datasets.")
    return 0


def chosen_version(dataset: dict, number: int | None) -> dict:
    versions = dataset.get("versions") or []
    if not versions:
        raise CliError(f"Dataset '{dataset.get('slug')}' has no versions yet.")
    if number is None:
        return max(versions, key=lambda v: v.get("number", 0))
    for version in versions:
        if version.get("number") == number:
            return version
    known = ", ".join(str(v.get("number")) for v in sorted(versions, key=lambda v: v.get("number", 0)))
    raise CliError(f"Dataset '{dataset.get('slug')}' has no version {number} (its versions: {known}).")


def dataset_files(client: Client, args) -> int:
    dataset = client.get_json(f"datasets/{segment(args.dataset)}/")
    version = chosen_version(dataset, args.version)
    if args.json:
        print_json(version)
        return 0
    notes = f": {version['notes']}" if version.get("notes") else ""
    print(f"{dataset.get('title', args.dataset)}, version {version.get('number')}{notes}")
    files = version.get("files") or []
    rows = [
        {"name": f["name"], "size": human_size(f.get("size")), "sha256": f.get("sha256", "")} for f in files
    ]
    print_table(rows, [("name", "name"), ("size", "size"), ("sha256", "sha256")])
    return 0


def download_dataset(client: Client, args) -> int:
    slug = args.dataset
    number = args.version
    if number is None:
        number = chosen_version(client.get_json(f"datasets/{segment(slug)}/"), None)["number"]
    folder = Path(args.path).expanduser()
    base = f"datasets/{segment(slug)}/versions/{segment(number)}"
    if args.file:
        dest = folder / Path(args.file).name
        result = download(client, f"{base}/files/{segment(args.file)}", dest, force=args.force)
    else:
        dest = folder / f"{slug}-v{number}.zip"
        result = download(client, f"{base}/download/", dest, force=args.force)
    report(result)
    if args.unzip and dest.suffix == ".zip" and dest.exists():
        extract(dest, folder)
    return 0


def files_at(path: Path) -> list[Path]:
    """A file, or the files directly in a folder (not recursive; hidden files and .part leftovers skipped)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise CliError(f"{path} is neither a file nor a folder.")
    files = sorted(
        p
        for p in path.iterdir()
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".part")
    )
    if not files:
        raise CliError(f"{path} has no files to upload (sub-folders are not included).")
    return files


def create_dataset(client: Client, args) -> int:
    path = Path(args.path).expanduser().resolve()
    files = files_at(path)
    title = args.title or (path.stem if path.is_file() else path.name)
    fields = [
        ("title", title),
        ("slug", args.slug or ""),
        ("description", args.description or ""),
        ("visibility", "private" if args.private else "public"),
    ]
    if args.license:
        fields.append(("license", args.license))
    response = upload(client, "datasets/", fields, [("files", f) for f in files], label=title)
    dataset = response.json()
    slug = dataset.get("slug", "")
    print(
        f"Created dataset '{slug}' ({dataset.get('visibility', '')}) with {len(files)} "
        f"file{'s' if len(files) != 1 else ''}: {client.base_url}/datasets/{segment(slug)}/"
    )
    return 0


def create_version(client: Client, args) -> int:
    files = files_at(Path(args.path).expanduser())
    response = upload(
        client,
        f"datasets/{segment(args.dataset)}/versions/",
        [("notes", args.message)],
        [("files", f) for f in files],
        label=f"{args.dataset} (new version)",
    )
    version = response.json()
    count = len(version.get("files") or files)
    print(
        f"Created version {version.get('number')} of '{args.dataset}' with {count} "
        f"file{'s' if count != 1 else ''}."
    )
    return 0
