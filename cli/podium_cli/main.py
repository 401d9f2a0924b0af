"""The `podium` command: argument parsing, and turning every failure into a message and an exit code.

Exit codes: 0 success, 1 an error from the server, the network or a file, 2 a usage or configuration error.
"""

import argparse
import os
import sys

import requests

from podium_cli import __version__, community, competitions, datasets, projects, validation
from podium_cli.client import Client
from podium_cli.config import load_config
from podium_cli.errors import ApiError, CliError
from podium_cli.terminal import guard_terminal


def show_config(client: Client, args) -> int:
    """Ask the server whose the token is, wherever it came from: a revoked token fails here (exit 1)."""
    config = args.config
    username = client.get_json("me/").get("username")
    print(f"URL:      {config.url}")
    print(f"Username: {username}")
    print(f"Token:    from {config.source}")
    if config.username and config.username != username:
        print(
            f"Warning: {config.source} names {config.username}, but the token is {username}'s.",
            file=sys.stderr,
        )
    return 0


def next_steps(error: CliError, args) -> list[str]:
    """What to do about an answer from the server, given the command that got it."""
    if not isinstance(error, ApiError):
        return []
    steps = []
    slug = getattr(args, "competition", None)
    if error.code == "rules_not_accepted" and slug:
        steps.append(f"Run: podium competitions join {slug}")
    if error.status == 404 and error.message.startswith("No competition '"):
        steps.append("See `podium competitions list`.")
    if error.status == 404 and error.message.startswith("No dataset '"):
        steps.append("See `podium datasets list`.")
    if error.status == 401 and "token" in error.message.lower():
        config = args.config
        steps.append(
            f"Your token comes from {config.source}; get a new one at {config.url}/accounts/profile/."
        )
    return steps


def add_phase_and_track(command, phase_default: str) -> None:
    command.add_argument(
        "--phase", type=int, metavar="N", help=f"the phase's number (default: {phase_default})"
    )
    command.add_argument("--track", metavar="SLUG", help="the track's slug (default: the default track)")


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the server's JSON, for scripts")


def add_download_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-f", "--file", help="download only this file (default: everything, as one zip)")
    parser.add_argument(
        "-p", "--path", default=".", help="folder to download into (default: the current one)"
    )
    parser.add_argument("--unzip", action="store_true", help="extract the zip into the folder and delete it")
    parser.add_argument(
        "--force", action="store_true", help="download again even if the file is already there"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="podium",
        description="Work with a Podium server from the terminal: competitions, submissions, datasets.",
        epilog="Configure with PODIUM_URL and PODIUM_TOKEN, or ~/.podium/podium.json from your profile page.",
    )
    parser.add_argument("--version", action="version", version=f"podium {__version__}")
    groups = parser.add_subparsers(dest="group", metavar="COMMAND", required=True)

    # --- competitions ---------------------------------------------------------------------------
    group = groups.add_parser(
        "competitions", aliases=["c"], help="competitions: list, join, download, submit"
    )
    commands = group.add_subparsers(dest="command", metavar="ACTION", required=True)

    command = commands.add_parser("list", help="list competitions")
    command.add_argument("--search", "-s", help="words in the title or slug")
    command.add_argument("--status", choices=["running", "upcoming", "finished"])
    command.add_argument("--sort", choices=["newest", "ending", "teams"])
    add_json(command)
    command.set_defaults(handler=competitions.list_competitions)

    command = commands.add_parser("files", help="list a competition's data files")
    command.add_argument("competition", help="the competition's slug")
    add_json(command)
    command.set_defaults(handler=competitions.competition_files)

    command = commands.add_parser("join", help="accept a competition's rules and join it")
    command.add_argument("competition")
    command.set_defaults(handler=competitions.join)

    command = commands.add_parser(
        "download", help="download a competition's data (resumes interrupted downloads)"
    )
    command.add_argument("competition")
    add_download_options(command)
    command.set_defaults(handler=competitions.download_competition)

    command = commands.add_parser("submit", help="upload a prediction file, or code (a zip or a folder)")
    command.add_argument("competition")
    command.add_argument(
        "-f",
        "--file",
        required=True,
        help="the prediction CSV; or, where the competition takes code, a zip or a folder (zipped for you) "
        "holding model.py or main.py",
    )
    command.add_argument("-m", "--message", default="", help="a description of this submission (optional)")
    command.add_argument("--wait", action="store_true", help="wait for the score (exit 1 if it fails)")
    command.add_argument(
        "--timeout", type=float, default=600, metavar="SECONDS", help="how long --wait waits"
    )
    add_phase_and_track(command, "the current phase: naming another is refused")
    command.set_defaults(handler=competitions.submit)

    command = commands.add_parser("submissions", help="your team's submissions and their scores")
    command.add_argument("competition")
    add_json(command)
    command.set_defaults(handler=competitions.list_submissions)

    command = commands.add_parser("leaderboard", help="show or download a leaderboard")
    command.add_argument("competition")
    command.add_argument("--private", action="store_true", help="the private leaderboard (after the end)")
    command.add_argument(
        "--sort", metavar="LABEL", help="order the rows by this secondary score column (ranks stay by score)"
    )
    command.add_argument("--download", action="store_true", help="save it as C-<split>-leaderboard.csv")
    command.add_argument("-p", "--path", default=".", help="folder for --download (default: the current one)")
    add_phase_and_track(command, "the current phase")
    add_json(command)
    command.set_defaults(handler=competitions.leaderboard)

    command = commands.add_parser("writeups", help="the write-ups (paper and code) behind results")
    command.add_argument("competition")
    command.add_argument("--ordering", choices=["score", "votes"], default="score")
    add_json(command)
    command.set_defaults(handler=community.list_writeups)

    command = commands.add_parser("benchmark", help="a benchmark's results table, or --export it as JSON")
    command.add_argument("competition")
    command.add_argument(
        "--export", action="store_true", help="save C-evaluation-tables.json (Papers With Code)"
    )
    command.add_argument("-p", "--path", default=".", help="folder for --export (default: the current one)")
    add_json(command)
    command.set_defaults(handler=community.benchmark)

    # --- datasets -------------------------------------------------------------------------------
    group = groups.add_parser("datasets", aliases=["d"], help="datasets: list, download, create, version")
    commands = group.add_subparsers(dest="command", metavar="ACTION", required=True)

    command = commands.add_parser("list", help="list datasets")
    command.add_argument("--search", "-s", help="words in the title or slug")
    command.add_argument("--sort", choices=["newest", "title"])
    add_json(command)
    command.set_defaults(handler=datasets.list_datasets)

    command = commands.add_parser("files", help="list a dataset version's files")
    command.add_argument("dataset", help="the dataset's slug")
    command.add_argument("--version", "-v", type=int, help="version number (default: the latest)")
    add_json(command)
    command.set_defaults(handler=datasets.dataset_files)

    command = commands.add_parser(
        "download", help="download a dataset version (resumes interrupted downloads)"
    )
    command.add_argument("dataset")
    command.add_argument("--version", "-v", type=int, help="version number (default: the latest)")
    add_download_options(command)
    command.set_defaults(handler=datasets.download_dataset)

    command = commands.add_parser("create", help="publish a file or a folder of files as a new dataset")
    command.add_argument("path", help="a file, or a folder whose files (not sub-folders) to upload")
    command.add_argument("--title", "-t", help="default: the file or folder name")
    command.add_argument("--slug")
    command.add_argument(
        "--license",
        "-l",
        help="an SPDX id (CC0-1.0, CC-BY-4.0, CC-BY-SA-4.0, ODbL-1.0, MIT, Apache-2.0) or the URL of other terms; default: the server's (CC-BY-4.0)",
    )
    command.add_argument("--private", action="store_true", help="only you can see it")
    command.add_argument("-d", "--description", default="")
    command.set_defaults(handler=datasets.create_dataset)

    command = commands.add_parser("version", help="upload a new version of one of your datasets")
    command.add_argument("dataset")
    command.add_argument("path", help="a file, or a folder whose files to upload")
    command.add_argument("-m", "--message", required=True, help="what changed (the version's notes)")
    command.set_defaults(handler=datasets.create_version)

    # --- projects -------------------------------------------------------------------------------
    group = groups.add_parser(
        "projects", aliases=["p"], help="projects (code, notebooks, models): list, pull, push"
    )
    commands = group.add_subparsers(dest="command", metavar="ACTION", required=True)

    command = commands.add_parser("list", help="list projects")
    command.add_argument("--search", "-s", help="words in the title or slug")
    command.add_argument(
        "--sort",
        choices=["newest", "rating", "forks", "title"],
        help="rating: best rated first, by the damped average the site's help explains",
    )
    add_json(command)
    command.set_defaults(handler=projects.list_projects)

    command = commands.add_parser("files", help="list a project version's files")
    command.add_argument("project", help="the project's slug")
    command.add_argument("--version", "-v", type=int, help="version number (default: the latest)")
    add_json(command)
    command.set_defaults(handler=projects.project_files)

    command = commands.add_parser("pull", help="download a project's files and its podium-project.json")
    command.add_argument("project")
    command.add_argument("--version", "-v", type=int, help="version number (default: the latest)")
    command.add_argument(
        "-p", "--path", default=".", help="folder to download into (default: the current one)"
    )
    command.add_argument("--force", action="store_true", help="download again files already there")
    command.set_defaults(handler=projects.pull)

    command = commands.add_parser("push", help="publish a folder as a project, or as its new version")
    command.add_argument(
        "-p", "--path", default=".", help="the folder with podium-project.json (default: here)"
    )
    command.add_argument("-m", "--message", default="", help="what changed (the version's note)")
    command.set_defaults(handler=projects.push)

    command = commands.add_parser("init", help="write a podium-project.json to fill in")
    command.add_argument("-p", "--path", default=".", help="the project's folder (default: the current one)")
    command.set_defaults(handler=projects.init, offline=True)

    # --- the rest -------------------------------------------------------------------------------
    command = groups.add_parser("validate", help="check a prediction file before submitting it")
    command.add_argument("competition")
    command.add_argument("file")
    command.set_defaults(handler=validation.validate)

    command = groups.add_parser("config", help="show the server URL and the user in use (never the token)")
    command.set_defaults(handler=show_config)
    return parser


def main(argv: list[str] | None = None) -> int:
    guard_terminal()
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "offline", False):  # needs no server, so no URL or token either
            return args.handler(None, args)
        config = load_config()
        args.config = config
        return args.handler(Client(config), args)
    except CliError as error:
        print(f"Error: {error.message}", file=sys.stderr)
        for line in [error.hint, *next_steps(error, args)]:
            if line:
                print(line, file=sys.stderr)
        return error.exit_code
    except requests.exceptions.JSONDecodeError:
        print("Error: the server's answer was not JSON; is the URL that of a Podium server?", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `podium ... | head` closed the pipe: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
