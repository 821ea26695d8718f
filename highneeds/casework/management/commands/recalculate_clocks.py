"""`highneeds recalculate-clocks`: re-run the statutory clock for requests (nightly, or after a load)."""

from django.core.management.base import BaseCommand
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from highneeds.accounts.roles import SystemActor
from highneeds.casework import services
from highneeds.casework.management.arguments import today_argument
from highneeds.casework.models import AssessmentRequest


class Command(BaseCommand):
    help = "Recalculate statutory deadlines for open requests (or all with --all)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="closed requests too")
        parser.add_argument("--today", type=today_argument, help="judge overdue as of this date (YYYY-MM-DD)")

    def handle(self, *args, all=False, today=None, **options):
        requests = (
            AssessmentRequest.objects.all()
            if all
            else AssessmentRequest.objects.filter(status__in=AssessmentRequest.OPEN)
        )
        total = requests.count()
        with Progress(TextColumn("Recalculating clocks"), BarColumn(), MofNCompleteColumn(), transient=True) as bar:
            task = bar.add_task("clocks", total=total)
            counts = services.recalculate_clocks(
                actor=SystemActor("recalculate-clocks"),
                requests=requests,
                today=today,
                progress=lambda n: bar.update(task, completed=n),
            )
        self.stdout.write(
            f"{counts['recalculated']} requests recalculated; {counts['unreadable']} could not be read "
            f"by the clock (see the audit log)."
        )
