from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from recommendations.content_export import content_export


class Command(BaseCommand):
    help = (
        "Write the live published content to DIR in the fixtures' format "
        "(load it elsewhere with seed_content --fixtures DIR)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="Folder to write (created if missing)")

    def handle(self, *args, **options):
        directory = Path(options["directory"])
        if directory.exists() and any(directory.iterdir()):
            raise CommandError(f"{directory} is not empty: export into a new folder.")
        written = content_export(directory)
        self.stdout.write(f"Wrote {len(written)} files to {directory}.")
