"""`highneeds audit verify`: walk the hash chain and say whether the log is intact."""

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from highneeds.audit import log
from highneeds.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Check the audit log: every event in sequence, linked and unchanged."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="verify the hash chain")

    def handle(self, *args, action, **options):
        total = AuditEvent.objects.count()
        with Progress(TextColumn("Verifying audit log"), BarColumn(), MofNCompleteColumn(), transient=True,
                      disable=total < 10000) as progress:
            task = progress.add_task("verify", total=total)
            result = log.verify(progress=lambda n: n % 5000 == 0 and progress.update(task, completed=n))
        if not result.ok:
            raise CommandError(f"Audit log broken at event {result.broken_at}: {result.reason} "
                               f"({result.checked} events before it are intact)")
        self.stdout.write(f"Audit log intact: {result.checked} events verified.")
