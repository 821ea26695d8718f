"""`highneeds apply-cessations`: cease the plans whose cessation may now take effect (run daily).

    highneeds apply-cessations [--today YYYY-MM-DD] [--dry-run]

A plan ceases only when the date decided has come AND the plan no longer has to stay in force: the
family's appeal deadline (from the statutory clock) has passed with no appeal lodged, or they confirmed
they will not appeal, or an appeal against the cessation was dismissed or withdrawn. Each is applied by
`disputes.flows.apply_cessation` as the system actor (audited), on the date it took effect.
Printed lines carry record numbers, never a child's name (this output ends up in scheduler logs).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from highneeds.accounts.roles import SystemActor
from highneeds.casework.management.arguments import today_argument
from highneeds.disputes import flows, queries

ACTOR = SystemActor("apply-cessations")


class Command(BaseCommand):
    help = "Cease the EHC plans whose cessation may now take effect (the appeal window has passed)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the date to work from (YYYY-MM-DD; default today)")
        parser.add_argument("--dry-run", action="store_true", help="list what would cease, and change nothing")

    def handle(self, *args, today=None, dry_run=False, **options):
        on = today_argument(today) if today else date.today()
        applied = failed = 0
        for cessation, effective_on in queries.cessations_due(on):
            line = f"cessation {cessation.pk}  plan {cessation.plan_id}  ceases {effective_on:%-d %B %Y}"
            if dry_run:
                self.stdout.write(f"would apply  {line}")
                continue
            try:
                flows.apply_cessation(actor=ACTOR, cessation=cessation, ceased_on=effective_on)
            except ValidationError as exc:
                failed += 1
                self.stderr.write(f"not applied  {line}: {'; '.join(exc.messages)}")
                continue
            applied += 1
            self.stdout.write(f"applied  {line}")
        if not dry_run:
            self.stdout.write(f"{applied} plan(s) ceased" + (f", {failed} refused" if failed else ""))
