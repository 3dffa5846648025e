"""``manage.py retention --show`` prints the retention schedule (SPEC 12) as a
Markdown table (docs/operations.md holds a copy); ``manage.py retention`` applies
it now, as the nightly run does, and prints the counts (after a restore from
backup, for instance)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from checkins.selectors.retention import RECORD_TYPES, retention_schedule_markdown
from checkins.services.retention import retention_apply


class Command(BaseCommand):
    help = "Show the retention schedule (--show) or apply it now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--show", action="store_true", help="Print the schedule as a Markdown table."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["show"]:
            self.stdout.write(retention_schedule_markdown(), ending="")
            return
        run = retention_apply()
        self.stdout.write(f"Retention run {run.pk}:")
        for key, kind in RECORD_TYPES.items():
            counts = run.counts.get(key, {})
            self.stdout.write(
                f"  {kind.label}: {counts.get('deleted', 0)} deleted, {counts.get('held', 0)} held"
            )
