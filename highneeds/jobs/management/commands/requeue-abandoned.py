"""`highneeds requeue-abandoned`: put back on the queue the tasks whose worker died (cron, every 15 minutes).

    highneeds requeue-abandoned [--older-than-minutes N]

A task still marked running after N minutes (default TASK_ABANDONED_AFTER_MINUTES, 360) is presumed abandoned:
queued again, or marked failed after 3 attempts (then an administrator can retry it at /admin/jobs/).
Runs here, not as a task, so it works when every worker is down. docs/scaling.md.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from highneeds.accounts.roles import SystemActor
from highneeds.jobs.recovery import requeue_abandoned


class Command(BaseCommand):
    help = "Queue again the tasks whose worker died mid-task (or mark them failed after 3 attempts)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            metavar="N",
            help="running longer than this means abandoned (default: TASK_ABANDONED_AFTER_MINUTES)",
        )

    def handle(self, *args, older_than_minutes=None, **options):
        if older_than_minutes is not None and older_than_minutes < 0:
            raise CommandError("--older-than-minutes must be 0 or more", returncode=2)
        older_than = None if older_than_minutes is None else timedelta(minutes=older_than_minutes)
        found = requeue_abandoned(actor=SystemActor("requeue-abandoned"), older_than=older_than)
        self.stdout.write(f"requeued {found['requeued']}, failed {found['failed']}")
