"""Import papers or their code links from Papers With Code's public data files, all or nothing."""

from django.core.management.base import BaseCommand, CommandError

from community.paper_files import IMPORTS
from config.errors import DomainError


class Command(BaseCommand):
    help = (
        "Import papers-with-abstracts.json (--kind papers) or links-between-papers-and-code.json (--kind links). "
        "A file with a bad row imports nothing and names every bad row; known papers and links are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The JSON file (read as a stream: any size).")
        parser.add_argument("--kind", choices=sorted(IMPORTS), required=True)

    def handle(self, *args, path, kind, **options):
        try:
            with open(path, "rb") as stream:
                counts = IMPORTS[kind](stream)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except DomainError as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(f"Imported {counts['imported']}; skipped {counts['skipped']} already known.")
