"""`highneeds nightly`: queue tonight's recalculation for the task worker (the scheduler's one entry).

    highneeds nightly [--today YYYY-MM-DD] [--now]

Queues the `nightly` task (clocks, reviews, cessations, chasers, document purge) once per date: a timer that fires twice queues
it once. `--now` runs what is queued in this process instead of leaving it to the worker. docs/tasks.md has the
cron and systemd entries.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from highneeds.casework.management.arguments import today_argument
from highneeds.jobs.nightly import nightly
from highneeds.jobs.queue import enqueue_once, run_pending


class Command(BaseCommand):
    help = "Queue the nightly recalculation (clocks, reviews, cessations, chasers, document purge) for the task worker."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=today_argument, help="recalculate as of this date (YYYY-MM-DD)")
        parser.add_argument("--now", action="store_true", help="run it here and now rather than by the worker")

    def handle(self, *args, today=None, now=False, **options):
        result = enqueue_once(nightly, (today or date.today()).isoformat())
        self.stdout.write(f"nightly queued as job {result.id}")
        if now:
            run_pending()
            result.refresh()
            if result.status != "SUCCESSFUL":
                raise CommandError(f"the nightly job failed: see /admin/jobs/{result.id}/")
            self.stdout.write(f"nightly finished: {result.return_value}")
