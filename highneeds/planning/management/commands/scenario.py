"""`highneeds scenario`: list saved forecast scenarios, or run one and write its DSG management plan
workbook (xlsx) or CSV.

    highneeds scenario list
    highneeds scenario run "Safety valve" --out plan.xlsx     (name, or id; --out .xlsx or .csv)
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from highneeds.planning import engine_bridge as eb
from highneeds.planning import exports, presenting
from highneeds.planning.charts import money
from highneeds.planning.models import Scenario


class Command(BaseCommand):
    help = "List saved forecast scenarios, or run one and write it as a workbook (xlsx) or CSV."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="list saved scenarios")
        run = sub.add_parser("run", help="run a scenario and write its results")
        run.add_argument("scenario", help="the scenario's id or name")
        run.add_argument("--out", required=True, help="file to write: .xlsx (workbook) or .csv")

    def handle(self, *args, action, **options):
        if action == "list":
            for s in Scenario.objects.all():
                mark = " (baseline)" if s.is_baseline else ""
                self.stdout.write(
                    f"{s.pk}\t{s.name}{mark}\t{s.base} {s.la_code or ''} January {s.base_year}, {s.years} years"
                )
            return
        scenario = self._find(options["scenario"])
        out = Path(options["out"])
        if out.suffix not in (".xlsx", ".csv"):
            raise CommandError("--out must end in .xlsx or .csv")
        started = time.perf_counter()
        self.stdout.write(f"Calibrating from {scenario.get_base_display().lower()}, January {scenario.base_year}...")
        eb.calibrated(scenario.base, scenario.la_code, scenario.base_year)
        self.stdout.write(
            f"Projecting {scenario.years} years, {eb.SIMULATIONS} simulations, with and without the levers..."
        )
        named = [(scenario, eb.projection_for(scenario), eb.baseline_for(scenario))]
        self.stdout.write(f"Writing {out}...")
        if out.suffix == ".xlsx":
            out.write_bytes(exports.workbook_bytes(named))
        else:
            out.write_text(exports.csv_text(named), encoding="utf-8")
        h = presenting.headline(named[0][1], named[0][2])
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {time.perf_counter() - started:.1f} s: {h['plans_last']:,.0f} plans in {h['last_year']}, "
                f"cumulative position {money(h['cumulative_last'])}, cost avoided "
                f"{money(h['avoided_total'])}"
            )
        )

    def _find(self, wanted: str) -> Scenario:
        found = Scenario.objects.filter(pk=int(wanted)).first() if wanted.isdecimal() else None
        found = found or Scenario.objects.filter(name__iexact=wanted).first()
        found = found or (
            Scenario.objects.filter(name__icontains=wanted).first()
            if Scenario.objects.filter(name__icontains=wanted).count() == 1
            else None
        )
        if found is None:
            raise CommandError(f"No single scenario matches {wanted!r}: see `highneeds scenario list`")
        return found
