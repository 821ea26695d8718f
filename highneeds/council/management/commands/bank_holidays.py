"""`highneeds bank-holidays`: keep the England and Wales bank holidays used for working days.

    highneeds bank-holidays import bank-holidays.json   # gov.uk's file: https://www.gov.uk/bank-holidays.json
    highneeds bank-holidays list [--year 2031]

The built-in list covers 2012 to 2030 (2027 onwards projected from the standing rules). Importing
gov.uk's file stores every year in it (each replaces that year of the built-in list) in the
council's settings; the casework clock uses them for the mediation certificate's 3 working days.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from highneeds.accounts.roles import SYSTEM
from highneeds.council.models import CouncilSettings
from highneeds.council.services import import_bank_holidays
from highneeds.engine.calendar import PROJECTED_YEARS


class Command(BaseCommand):
    help = "Import gov.uk's bank-holidays.json (England and Wales) or list the bank holidays in use."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="store the years in gov.uk's bank-holidays.json")
        imp.add_argument("file", help="gov.uk's bank-holidays.json (or a file in the same format)")
        imp.add_argument(
            "--division", default="england-and-wales", help="the division to read (default england-and-wales)"
        )
        lst = sub.add_parser("list", help="list the bank holidays in use")
        lst.add_argument("--year", type=int, help="only this year")

    def handle(self, *args, action, **options):
        if action == "import":
            self._import(options["file"], options["division"])
        else:
            self._list(options.get("year"))

    def _import(self, file: str, division: str) -> None:
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise CommandError(f"{file} is not valid JSON: {exc}") from None
        try:
            years = import_bank_holidays(actor=SYSTEM, data=data, division=division, source=Path(file).name)
        except ValidationError as exc:
            messages = exc.message_dict.get("bank_holidays", exc.messages)
            raise CommandError(f"{file}: " + "; ".join(messages)) from None
        shown = ", ".join(f"{year} ({count})" for year, count in sorted(years.items()))
        self.stdout.write(f"Imported {sum(years.values())} bank holidays for {len(years)} year(s): {shown}")

    def _list(self, year: int | None) -> None:
        council = CouncilSettings.objects.filter(pk=1).first() or CouncilSettings(pk=1)
        calendar = council.calendar()
        imported = {int(y) for y in (council.bank_holidays or {})}
        years = [year] if year else sorted(calendar.covered_years)
        if year and not calendar.covers(year):
            raise CommandError(
                f"no bank holidays are known for {year}: import gov.uk's file with "
                f"`highneeds bank-holidays import FILE`"
            )
        for y in years:
            source = "imported" if y in imported else "projected" if y in PROJECTED_YEARS else "built in"
            self.stdout.write(f"{y} ({source})")
            for d in calendar.holidays_in(y):
                self.stdout.write(f"  {d.isoformat()} {d.strftime('%a')}  {calendar.titles[d]}")
