"""`podium projects ...`: list, inspect, pull and push projects (code, notebooks, models), in the manner of
`kaggle kernels`. A project folder holds its files and a podium-project.json saying what the project is."""

import json
import re
from pathlib import Path

from podium_cli.client import Client, segment
from podium_cli.datasets import files_at
from podium_cli.errors import ApiError, CliError
from podium_cli.terminal import format_time, human_size, print_json, print_table
from podium_cli.transfer import download, report, upload

METADATA = "podium-project.json"
TEXT_FIELDS = ["title", "subtitle", "description", "license", "visibility", "organisation"]
LIST_FIELDS = ["tags", "datasets", "competitions", "papers", "shared_with"]


def rating_text(project: dict) -> str:
    """'4.5 (12)': the average stars and the number of ratings; '-' before the first."""
    if not project.get("rating_count"):
        return "-"
    return f"{project.get('rating_average') or 0:.1f} ({project['rating_count']})"


def list_projects(client: Client, args) -> int:
    listing = client.listing("projects/", {"search": args.search, "ordering": args.sort})
    if args.json:
        print_json(listing.raw)
        return 0
    if not listing.results:
        print("No projects found.")
        return 0
    rows = [
        {
            "slug": p.get("slug", ""),
            "title": p.get("title", ""),
            "owner": p.get("organisation") or p.get("owner", ""),
            "rating": rating_text(p),
            "forks": str(p.get("fork_count", 0)),
            "visibility": p.get("visibility", ""),
            "updated": format_time(p.get("updated_at")),
        }
        for p in listing.results
    ]
    columns = ("slug", "title", "owner", "rating", "forks", "visibility", "updated")
    print_table(rows, [(name, name) for name in columns])
    if listing.is_partial:
        print(f"Showing {len(listing.results)} of {listing.count} projects.")
    return 0


def chosen_version(client: Client, slug: str, number: int | None) -> dict:
    if number is None:
        version = client.get_json(f"projects/{segment(slug)}/").get("latest_version")
        if not version:
            raise CliError(f"Project '{slug}' has no versions yet.")
        return version
    return client.get_json(f"projects/{segment(slug)}/versions/{segment(number)}/")


def project_files(client: Client, args) -> int:
    version = chosen_version(client, args.project, args.version)
    if args.json:
        print_json(version)
        return 0
    notes = f": {version['notes']}" if version.get("notes") else ""
    print(f"{args.project}, version {version.get('number')}{notes}")
    rows = [
        {
            "name": f["name"],
            "kind": f.get("kind", "") + (f" ({f['framework']})" if f.get("framework") else ""),
            "size": human_size(f.get("size")),
            "sha256": f.get("sha256", ""),
        }
        for f in version.get("files") or []
    ]
    print_table(rows, [("name", "name"), ("kind", "kind"), ("size", "size"), ("sha256", "sha256")])
    return 0


def metadata_of(project: dict) -> dict:
    return {"slug": project["slug"], **{name: project.get(name, "") for name in TEXT_FIELDS}} | {
        name: project.get(name) or [] for name in LIST_FIELDS if name != "shared_with"
    }


def pull(client: Client, args) -> int:
    """Download a version's files into a folder, with its podium-project.json (resuming, checksummed)."""
    slug = args.project
    project = client.get_json(f"projects/{segment(slug)}/")
    version = chosen_version(client, slug, args.version) if args.version else project.get("latest_version")
    if not version:
        raise CliError(f"Project '{slug}' has no versions yet.")
    folder = Path(args.path).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    base = f"projects/{segment(slug)}/versions/{segment(version['number'])}/files"
    for item in version.get("files") or []:
        report(download(client, f"{base}/{segment(item['name'])}", folder / item["name"], force=args.force))
    (folder / METADATA).write_text(json.dumps(metadata_of(project), indent=2) + "\n", encoding="utf-8")
    print(f"Pulled version {version['number']} of '{slug}' into {folder} (with {METADATA}).")
    return 0


def read_metadata(folder: Path) -> dict:
    path = folder / METADATA
    if not path.is_file():
        raise CliError(
            f"No {METADATA} in {folder}: it says which project the files belong to.",
            hint=f"Run: podium projects init -p {folder}",
        )
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CliError(f"{path} is not valid JSON: {error}.") from None
    if not isinstance(metadata, dict):
        raise CliError(f'{path} must hold a JSON object with at least "slug" and "title".')
    for name in ("slug", "title"):
        if not isinstance(metadata.get(name), str) or not metadata[name].strip():
            raise CliError(f'{path}: "{name}" is missing; give the project\'s {name} as text.')
    for name in LIST_FIELDS:
        if not isinstance(metadata.get(name, []), list):
            example = "[12]" if name == "papers" else '["tabular"]'
            raise CliError(f'{path}: "{name}" must be a list, e.g. {example}.')
    return metadata


def changed_details(metadata: dict, current: dict) -> dict:
    """What podium-project.json says differently from the server: the fields it names, as the API takes them.
    A field the file leaves out stays as it is. The server does not tell who a project is shared with, so
    `shared_with` is sent whenever the file lists someone, and an empty list leaves the sharing alone."""
    changes: dict = {}
    for name in TEXT_FIELDS:
        if name in metadata and str(metadata[name] or "") != str(current.get(name) or ""):
            changes[name] = str(metadata[name] or "")
    for name in LIST_FIELDS:
        wanted = list(metadata.get(name) or [])
        if name == "shared_with":
            if wanted:
                changes[name] = wanted
        elif name in metadata and sorted(map(str, wanted)) != sorted(map(str, current.get(name) or [])):
            changes[name] = wanted
    return changes


def push(client: Client, args) -> int:
    """Create the project named in podium-project.json from the folder's files, or update its details (when
    the file says something new) and add a version to it."""
    folder = Path(args.path).expanduser().resolve()
    if not folder.is_dir():
        raise CliError(f"{folder} is not a folder.")
    metadata = read_metadata(folder)
    files = [f for f in files_at(folder) if f.name != METADATA]
    if not files:
        raise CliError(f"{folder} has no files to push besides {METADATA}.")
    slug = metadata["slug"].strip()
    try:
        current = client.get_json(f"projects/{segment(slug)}/")
    except ApiError as error:
        if error.status != 404:
            raise
        fields = [("slug", slug), ("notes", args.message or "")]
        fields += [(name, str(metadata[name])) for name in TEXT_FIELDS if metadata.get(name)]
        fields += [(name, str(value)) for name in LIST_FIELDS for value in metadata.get(name, [])]
        project = upload(client, "projects/", fields, [("files", f) for f in files], label=slug).json()
        print(
            f"Created project '{project['slug']}' with {len(files)} file{'s' if len(files) != 1 else ''}: "
            f"{client.base_url}/projects/{segment(project['slug'])}/"
        )
        return 0
    changes = changed_details(metadata, current)
    if changes:
        client.patch_json(f"projects/{segment(slug)}/", changes)
        print(f"Updated the details of '{slug}': {', '.join(sorted(changes))}.")
    version = upload(
        client,
        f"projects/{segment(slug)}/versions/",
        [("notes", args.message or "Pushed from the command line.")],
        [("files", f) for f in files],
        label=f"{slug} (new version)",
    ).json()
    print(
        f"Saved version {version.get('number')} of '{slug}' with {len(files)} file{'s' if len(files) != 1 else ''}."
    )
    return 0


def init(client: Client | None, args) -> int:
    """Write a podium-project.json to fill in, named after the folder."""
    folder = Path(args.path).expanduser().resolve()
    if not folder.is_dir():
        raise CliError(f"{folder} is not a folder.")
    path = folder / METADATA
    if path.exists():
        raise CliError(f"{path} already exists; edit it, or remove it to start again.")
    slug = re.sub(r"[^a-z0-9]+", "-", folder.name.lower()).strip("-") or "my-project"
    metadata = {
        "slug": slug,
        "title": folder.name,
        "subtitle": "",
        "description": "",
        "license": "CC-BY-4.0",
        "visibility": "private",
        "organisation": "",
        "tags": [],
        "datasets": [],
        "competitions": [],
        "papers": [],
        "shared_with": [],
    }
    path.write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {path}: fill it in, then run `podium projects push -p {folder}`.")
    return 0
