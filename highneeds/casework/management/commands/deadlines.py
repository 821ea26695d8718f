"""`highneeds deadlines`: a case's events as JSON on standard input, its statutory due dates as JSON out.

    echo '{"request_received": "2024-01-10", "events": [...], "exceptions": [...]}' \
        | highneeds deadlines --today 2024-06-01

All the logic is in `highneeds.engine.clock`; this only reads, calls and writes. It covers the
assessment and the plan's life (reviews, phase transfer, reassessment, mediation, appeals). A JSON list of
cases gives {"cases": [...]}. Bad input: every problem on standard error, one a line, naming where
it is (``events[3]: ...``), and exit status 1. The format is in docs/statutory-clock.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from highneeds.casework.management.arguments import today_argument
from highneeds.council.models import CouncilSettings
from highneeds.engine.calendar import ENGLAND_AND_WALES, HolidayCalendar
from highneeds.engine.clock import ClockInputError, ClockRules, compute_case, compute_many


class Command(BaseCommand):
    help = "Read a case's events as JSON on standard input and print its statutory due dates as JSON."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="date to judge pending steps against (YYYY-MM-DD): past due becomes "
            "'overdue'; events after it are errors",
        )
        parser.add_argument("--input", default="-", help="read from this file instead of standard input")
        parser.add_argument(
            "--receipt-is-day-one",
            action="store_true",
            help="count the day a request is received as day 1 of 'within N weeks' limits "
            "(the limit falls a day earlier); default: receipt + 7N days",
        )
        parser.add_argument(
            "--rules", metavar="FILE", help="JSON object of clock settings (see ClockRules in docs/statutory-clock.md)"
        )
        parser.add_argument(
            "--bank-holidays", metavar="FILE", help="extra bank holidays (gov.uk bank-holidays.json or a list of dates)"
        )
        parser.add_argument(
            "--council",
            action="store_true",
            help="start from the council's clock settings and stored bank holidays (reads the "
            "database); --rules and --bank-holidays apply on top",
        )
        parser.add_argument("--compact", action="store_true", help="one line of JSON instead of indented")

    def handle(
        self,
        *args,
        today=None,
        input="-",
        receipt_is_day_one=False,
        rules=None,
        bank_holidays=None,
        compact=False,
        council=False,
        **options,
    ):
        today_date = today_argument(today) if today else None
        settings = {}
        calendar: HolidayCalendar = ENGLAND_AND_WALES
        if council:
            current = CouncilSettings.current()
            settings, calendar = dict(current.clock_rules or {}), current.calendar()
        if rules:
            try:
                given = json.loads(Path(rules).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"--rules: cannot read {rules}: {exc}") from None
            if not isinstance(given, dict):
                raise CommandError("--rules: expected a JSON object of settings")
            settings.update(given)
        if receipt_is_day_one:
            settings["receipt_is_day_one"] = True
        try:
            clock_rules = ClockRules.from_mapping(settings)
        except (TypeError, ValueError) as exc:
            raise CommandError(f"--rules: {exc}") from None
        if bank_holidays:
            try:
                calendar = calendar.extended_from_json(Path(bank_holidays))
            except (OSError, ValueError) as exc:
                raise CommandError(f"--bank-holidays: {exc}") from None

        try:
            text = sys.stdin.read() if input == "-" else Path(input).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"--input: {exc}") from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            self._fail([f"input is not valid JSON: {exc}"])

        if isinstance(data, list):
            results = compute_many(data, rules=clock_rules, calendar=calendar, today=today_date)
            problems = [
                f"cases[{n}].{e}" if e.startswith(("events[", "exceptions[")) else f"cases[{n}]: {e}"
                for n, r in enumerate(results)
                for e in r.errors
            ]
            self._write({"cases": [r.as_json() for r in results]}, compact)
            if problems:
                self._fail(problems)
            return
        try:
            result = compute_case(data, rules=clock_rules, calendar=calendar, today=today_date)
        except ClockInputError as exc:
            self._fail(exc.errors)
        except ValueError as exc:  # a calendar without the years a working-day limit needs
            self._fail([str(exc)])
        self._write(result.as_json(), compact)

    def _write(self, payload, compact: bool) -> None:
        text = json.dumps(
            payload, ensure_ascii=False, separators=(",", ":") if compact else None, indent=None if compact else 2
        )
        self.stdout.write(text)

    def _fail(self, messages: list[str]) -> None:
        for message in messages:
            self.stderr.write(message, style_func=lambda s: s)
        raise SystemExit(1)
