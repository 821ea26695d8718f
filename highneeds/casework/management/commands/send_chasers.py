"""`highneeds send-chasers`: remind advisers whose advice is due soon (run daily, for example from cron).

    highneeds send-chasers [--days-before 7] [--today YYYY-MM-DD] [--dry-run]

Advice not yet given, due within `--days-before` days of today (or already overdue), and not chased in
the last week, gets a reminder: a letter kept on the record and an email to the adviser, sent by
`casework.services.chase_advice` as the system actor, audited like any other change. Each reminder
is printed (request reference, kind of advice, adviser, due date; never the child's name, since this
output ends up in scheduler logs), then a count.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from highneeds.accounts.roles import SystemActor
from highneeds.casework import queries, services
from highneeds.casework.management.arguments import today_argument

ACTOR = SystemActor("send-chasers")


class Command(BaseCommand):
    help = "Send reminders to advisers whose advice for an EHC needs assessment is due soon or overdue."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days-before",
            type=int,
            default=7,
            help="chase advice due within this many days (default 7); overdue advice is chased too",
        )
        parser.add_argument("--today", help="the date to work from (YYYY-MM-DD; default today)")
        parser.add_argument("--dry-run", action="store_true", help="list what would be sent, and send nothing")

    def handle(self, *args, days_before=7, today=None, dry_run=False, **options):
        if days_before < 0 or days_before > 42:
            raise CommandError("--days-before must be from 0 to 42")
        on = today_argument(today) if today else date.today()
        due = list(queries.open_requests_due_for_chasing(on, days_before).order_by("due_on", "id"))
        sent = 0
        for advice in due:
            line = (
                f"{advice.request.reference}  {advice.label}  {advice.adviser_name or 'no named adviser'}  "
                f"due {advice.due_on:%-d %B %Y}" + ("  (overdue)" if advice.due_on < on else "")
            )
            if dry_run:
                self.stdout.write(f"would chase  {line}")
                continue
            services.chase_advice(actor=ACTOR, advice=advice, on=on)
            sent += 1
            self.stdout.write(f"chased  {line}")
        if dry_run:
            self.stdout.write(f"{len(due)} {'reminder' if len(due) == 1 else 'reminders'} would be sent (dry run)")
        else:
            self.stdout.write(f"{sent} {'reminder' if sent == 1 else 'reminders'} sent")
