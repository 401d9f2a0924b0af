"""`manage.py build_runtime NAME --requirements FILE`: add a runtime sandboxed programs may run in."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from execution.runtimes import RuntimeUnavailable, build_runtime


class Command(BaseCommand):
    help = "Build a Python runtime for sandboxed programs from a requirements file (cached by its hash)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--requirements", required=True, type=Path)

    def handle(self, *args, name: str, requirements: Path, **options):
        if not requirements.is_file():
            raise CommandError(f"--requirements: {requirements} is not a file.")
        try:
            runtime, built = build_runtime(name, requirements.read_text(), Path(settings.PODIUM_RUNTIMES_DIR))
        except RuntimeUnavailable as error:
            raise CommandError(str(error)) from error
        verb = "Built" if built else "Reused the cached build of"
        self.stdout.write(f"{verb} runtime {name!r}: {runtime.python}")
