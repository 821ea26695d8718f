"""`highneeds recalculate-reviews`: the nightly refresh of annual reviews, phase transfers and reassessments.

1. opens the next annual review for every plan in force without one (12 months from the plan or the
   last review meeting);
2. lists every child with a plan who moves phase next September (once; idempotent);
3. re-runs the statutory clock for every open review, transfer and reassessment, so 'pending' turns
   'overdue' as the days pass, and refreshes the child's phase and setting the tracker filters on.
"""

from django.core.management.base import BaseCommand

from highneeds.accounts.roles import SystemActor
from highneeds.casework.management.arguments import today_argument
from highneeds.reviews import services


class Command(BaseCommand):
    help = "Open due annual reviews, list next September's phase transfers, and recalculate review deadlines."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=today_argument, help="judge as of this date (YYYY-MM-DD)")
        parser.add_argument("--no-schedule", action="store_true", help="only recalculate; open nothing new")

    def handle(self, *args, today=None, no_schedule=False, **options):
        actor = SystemActor("recalculate-reviews")
        if not no_schedule:
            opened = services.schedule_due_reviews(actor=actor, today=today)
            listed = services.identify_phase_transfers(actor=actor, today=today)
            self.stdout.write(f"{opened} annual reviews opened; {listed} phase transfers listed.")
        counts = services.recalculate_reviews(actor=actor, today=today)
        self.stdout.write(
            f"{counts['reviews']} reviews, {counts['transfers']} phase transfers and "
            f"{counts['reassessments']} reassessments recalculated; {counts['unreadable']} could not "
            f"be read by the clock (see the audit log)."
        )
