from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from recommendations.content import FIXTURES_DIR, ContentError
from recommendations.rules.conditions import ConditionError
from recommendations.seeding import content_seed


class Command(BaseCommand):
    help = "Load the guideline content from fixtures/; edited content is never overwritten."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures",
            type=Path,
            default=FIXTURES_DIR,
            help="Folder holding the content (default: fixtures/)",
        )

    def handle(self, *args, **options):
        try:
            report = content_seed(fixtures_dir=Path(options["fixtures"]))
        except (ContentError, ConditionError) as error:
            raise CommandError(f"Content not loaded, nothing changed: {error}") from error
        self.stdout.write(
            f"Created {len(report.created)}, updated {len(report.updated)}, "
            f"unchanged {len(report.unchanged)}, skipped {len(report.skipped)}."
        )
        for name in report.skipped:
            self.stdout.write(
                self.style.WARNING(f"Skipped {name}: edited after seeding, the edit is kept.")
            )
