"""Write Podium's papers or their code links in the format of Papers With Code's public data files."""

from django.core.management.base import BaseCommand, CommandError

from community.paper_files import EXPORTS


class Command(BaseCommand):
    help = "Write papers-with-abstracts.json or links-between-papers-and-code.json (streamed, any size)."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=sorted(EXPORTS))
        parser.add_argument("path", help="Where to write the file.")

    def handle(self, *args, name, path, **options):
        try:
            with open(path, "w", encoding="utf-8") as out:
                for piece in EXPORTS[name]():
                    out.write(piece)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.") from None
        self.stdout.write(f"Wrote {path}.")
