from django.core.management.base import BaseCommand

from submissions.cleanup import clean_storage


class Command(BaseCommand):
    help = (
        "Remove stored submission files no row references and old temporary uploads (both after an hour), "
        "and files kept for a host's create form (after a day)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only say what would be removed.")

    def handle(self, *args, dry_run, **options):
        done = clean_storage(dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(f"{verb} {done.summary()}.")
        for key in [*done.orphaned_files, *done.staged_files]:
            self.stdout.write(f"  {key}")
