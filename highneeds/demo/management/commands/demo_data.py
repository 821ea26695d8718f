"""`highneeds demo-data`: a synthetic council calibrated to a real LA's published January 2022 figures.

    highneeds demo-data                       # Wakefield (384) at scale 1: about 10,000 children
    highneeds demo-data --la Leeds --scale 0.5 --seed 7
    highneeds demo-data --national            # all 152 LAs of January 2022 (for benchmarks)
    highneeds demo-data --flush               # replace the demo data already loaded
    highneeds demo-data --logins-only         # print the demo sign-ins and stop
    highneeds demo-data --shift-years 4       # the same council four years on: census day 20 January 2026
    highneeds demo-data --as-of-today         # every date moved so census day is today (what scripts/demo uses)

The default LA is Wakefield: at scale 1 it has 2,704 EHC plans and 7,350 pupils on SEN support
(10,054 children, the "about 10,000" a demo wants), every figure the generator calibrates to is
published for it without suppression, its boundaries did not change, and it has 14 neighbours in
its region for out-of-area placements.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from highneeds.accounts.roles import SYSTEM, Role
from highneeds.demo import extras, synthetic
from highneeds.demo.loader import DEMO_PASSWORD, DEMO_URL, DEMO_USERS, DemoDataError, load_demo
from highneeds.demo.synthetic import render
from highneeds.engine import publicdata

DEFAULT_LA = "384"


class Command(BaseCommand):
    help = "Generate a synthetic council calibrated to a real LA's published figures, with demo users."

    def add_arguments(self, parser):
        parser.add_argument(
            "--la", default=DEFAULT_LA, help="3-digit LA number or LA name to calibrate to (default 384, Wakefield)"
        )
        parser.add_argument("--scale", type=float, default=1.0, help="multiply every count by this (default 1.0)")
        parser.add_argument("--seed", type=int, default=2022, help="random seed; the same seed gives the same data")
        parser.add_argument(
            "--national", action="store_true", help="generate every LA in England (152 in January 2022)"
        )
        parser.add_argument("--flush", action="store_true", help="replace demo data already in the database")
        parser.add_argument("--logins-only", action="store_true", help="print the demo sign-ins and stop")
        parser.add_argument(
            "--shift-years",
            type=int,
            default=0,
            help="move every date forward this many years (a multiple of 4) so census day is a later "
            "January, e.g. 4 for 20 January 2026; default 0: the January 2022 census",
        )
        parser.add_argument(
            "--as-of-today",
            action="store_true",
            help="move every date so census day is today: open cases were received in the last weeks, "
            "as in a real council (instead of --shift-years)",
        )
        parser.add_argument("--data-dir", default=None, help="the shared public data folder (default SHARED_DATA_DIR)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        out = Console(file=self.stdout, highlight=False, soft_wrap=True, width=110)
        if options["logins_only"]:
            self._print_logins(out, {})
            return
        if options["scale"] <= 0:
            raise CommandError("--scale must be more than 0")
        if options["as_of_today"] and options["shift_years"]:
            raise CommandError("--as-of-today and --shift-years cannot be used together")
        if options["shift_years"] % 4 or options["shift_years"] < 0:
            raise CommandError("--shift-years must be 0 or a positive multiple of 4 (dates keep their calendar day)")

        shift_days = render.shift_days_to(date.today()) if options["as_of_today"] else None

        data_dir = Path(options["data_dir"] or settings.SHARED_DATA_DIR)
        err = Console(file=sys.stderr, stderr=True)
        started = time.perf_counter()
        try:
            targets = publicdata.load_targets(data_dir)
            shared = synthetic.shared_for(targets, data_dir, seed=options["seed"])
            if options["national"]:
                codes = targets.codes
                councils = synthetic.generate_national(targets, shared, scale=options["scale"], seed=options["seed"])
                name, la_code, new_code = f"England (synthetic, {len(codes)} LAs)", "999", ""
            else:
                la = targets.for_la(options["la"])
                codes = [la.old_la_code]
                councils = iter(
                    [synthetic.generate_council(la, scale=options["scale"], seed=options["seed"], shared=shared)]
                )
                name, la_code, new_code = f"{la.la_name} (synthetic)", la.old_la_code, la.new_la_code
        except publicdata.PublicDataError as exc:
            raise CommandError(f"Cannot read the public data in {data_dir}: {exc}") from exc

        progress_bar = None
        if not options["no_progress"]:
            progress_bar = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            )
        try:
            if progress_bar is not None:
                with progress_bar:
                    unit = "LAs" if len(codes) > 1 else "rows"
                    task = progress_bar.add_task(f"Loading {name}", total=None)

                    def tell(label, done, total, _unit=unit):
                        progress_bar.update(task, description=f"{label} ({_unit})", completed=done, total=total)

                    result = load_demo(
                        actor=SYSTEM,
                        councils=councils,
                        shared=shared,
                        council_name=name,
                        la_code=la_code,
                        new_la_code=new_code,
                        flush=options["flush"],
                        expected_councils=len(codes),
                        progress=tell,
                        shift_years=options["shift_years"],
                        shift_days=shift_days,
                    )
            else:
                result = load_demo(
                    actor=SYSTEM,
                    councils=councils,
                    shared=shared,
                    council_name=name,
                    la_code=la_code,
                    new_la_code=new_code,
                    flush=options["flush"],
                    expected_councils=len(codes),
                    shift_years=options["shift_years"],
                    shift_days=shift_days,
                )
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc

        if not options["national"]:
            prepared = extras.prepare(SYSTEM)
            out.print(
                f"Statutory clocks brought up to date for {prepared['recalculated']:,} requests (open ones, "
                f"and closed ones the timeliness measures read)"
                + (f"; {prepared['agenda']} cases on next week's panel agenda" if "agenda" in prepared else "")
            )
        elapsed = time.perf_counter() - started
        out.print(
            f"\n[bold]{result.council_name}[/bold]: generated and loaded in {elapsed:.1f} s "
            f"(seed {options['seed']}, scale {options['scale']:g})"
        )
        if shift_days is not None:
            out.print(f"Every date moved forward {shift_days:,} days: census day is today, {date.today():%-d %B %Y}.")
        elif options["shift_years"]:
            out.print(
                f"Every date moved forward {options['shift_years']} years: census day is 20 January "
                f"{2022 + options['shift_years']}."
            )
        self._print_counts(out, result)
        self._print_logins(out, result.users)
        self._print_checks(out, result, 2022 + options["shift_years"])

    def _print_counts(self, out, result):
        table = Table(title="Records loaded", title_justify="left")
        table.add_column("table")
        table.add_column("rows", justify="right")
        for name, count in result.counts.items():
            table.add_row(name.replace("_", " "), f"{count:,}")
        out.print(table)

    def _print_logins(self, out, links):
        table = Table(title=f"Demo sign-ins at {DEMO_URL} (password for all: {DEMO_PASSWORD})", title_justify="left")
        table.add_column("username")
        table.add_column("role")
        table.add_column("sees")
        for user in DEMO_USERS:
            table.add_row(user.username, Role.LABELS[user.role], links.get(user.username, user.note))
        out.print(table)
        out.print(f"Open {DEMO_URL} (scripts/demo serves it) and sign in with a username above.")

    def _print_checks(self, out, result, census_year: int = 2022):
        title = f"Calibration at census day (20 January {census_year}): January 2022 figures x scale vs generated"
        table = Table(title=title, title_justify="left")
        for column, justify in (
            ("", "left"),
            ("measure", "left"),
            ("target", "right"),
            ("generated", "right"),
            ("difference", "right"),
            ("", "left"),
        ):
            table.add_column(column, justify=justify)
        for check in result.checks:
            pct = check.difference_pct
            table.add_row(
                check.section,
                check.measure,
                f"{check.target:,.1f}",
                f"{check.generated:,}",
                "" if pct is None else f"{pct:+.2f}%",
                "ok" if check.ok else "[red]OFF[/red]",
            )
        out.print(table)
        off = [c for c in result.checks if not c.ok]
        out.print(
            "All figures within 2% (or one child) of their targets."
            if not off
            else f"[red]{len(off)} figures are more than 2% from their targets.[/red]"
        )
        labels = {
            "ehcp": "EHC plans",
            "settings": "settings",
            "ages": "age shares (applied to the January 2022 total)",
            "sen_support": "SEN support",
            "needs": "primary needs",
            "activity": "requests and timeliness",
        }
        for key, label in labels.items():
            if key in result.sources:
                out.print(f"  {label}: {result.sources[key]}", markup=False, highlight=False)
