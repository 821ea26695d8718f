"""`highneeds forecast public|backtest`: EHC plan forecasts for every LA from public data."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from highneeds import spreadsheets


class Command(BaseCommand):
    help = "Forecast EHC plans for every LA in England from public data, or backtest the model."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        public = sub.add_parser("public", help="forecast every LA and England to a CSV")
        backtest = sub.add_parser("backtest", help="hold out the last Januaries and compare with baselines")
        for p in (public, backtest):
            p.add_argument("--data", type=Path, default=None,
                           help="folder laid out as the shared public data (default: settings.SHARED_DATA_DIR)")
            p.add_argument("--simulations", type=int, default=1000)
            p.add_argument("--seed", type=int, default=0)
        public.add_argument("--base-year", type=int, required=True,
                            help="January of the last caseload snapshot to use; later rows are ignored")
        public.add_argument("--years", type=int, default=10)
        public.add_argument("--out", type=Path, required=True)
        public.add_argument("--population-growth", type=float, default=0.0,
                            help="yearly growth of the 0-25 population relative to the calibration years")
        backtest.add_argument("--base-years", default="",
                              help="comma-separated base Januaries (default: 2016 to the year before the latest)")
        backtest.add_argument("--out", type=Path, default=None, help="write the per-LA detail to this CSV")

    def handle(self, *args, action, data, simulations, seed, **opts):
        from highneeds.engine.forecast import backtest, forecast_public
        from highneeds.engine.publicdata import PublicDataError

        data = data or getattr(settings, "SHARED_DATA_DIR", None)
        if not data or not Path(data).is_dir():
            raise CommandError("give --data, the folder of public data")
        try:
            if action == "public":
                started = time.perf_counter()
                frame = forecast_public(data, opts["base_year"], opts["years"], simulations=simulations, seed=seed,
                                        population_growth=opts["population_growth"])
                spreadsheets.write_frame_csv(frame, opts["out"])
                self.stdout.write(f"{frame.height} rows to {opts['out']} in {time.perf_counter() - started:.1f} s")
                return
            bases = [int(y) for y in opts["base_years"].split(",") if y.strip()] or None
            result = backtest(data, bases, simulations=simulations, seed=seed)
        except PublicDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(format_backtest(result))
        if opts.get("out"):
            spreadsheets.write_frame_csv(result["detail"], opts["out"])


def format_backtest(result) -> str:
    """The backtest as a Markdown table: MAPE and MASE by horizon for each method, and coverage."""
    by_h = result["by_horizon"]
    methods = ["model", "last value", "linear trend (3)", "damped ES"]
    horizons = sorted(set(by_h["horizon"].to_list()))
    lines = ["| horizon | LA-years | " + " | ".join(f"{m} MAPE % | {m} MASE" for m in methods)
             + " | model P10-P90 coverage |",
             "|---|---|" + "---|" * (2 * len(methods) + 1)]
    cov = dict(zip(result["coverage"]["horizon"].to_list(), result["coverage"]["coverage"].to_list()))
    for h in horizons:
        row = by_h.filter(by_h["horizon"] == h)
        cells = []
        n = 0
        for m in methods:
            r = row.filter(row["method"] == m)
            n = r["n"][0]
            cells += [f"{r['mape'][0]:.1f}", f"{r['mase'][0]:.2f}"]
        lines.append(f"| {h} | {n} | " + " | ".join(cells) + f" | {cov[h]:.1%} |")
    lines.append(f"\nBase years {', '.join(map(str, result['base_years']))}; actuals to January {result['latest']}; "
                 f"P10-P90 held the actual in {result['coverage_all']:.1%} of LA-years.")
    by_base = result["coverage_by_base_year"]
    lines.append("Coverage by base year: " + ", ".join(
        f"{b} {c:.1%}" for b, c in zip(by_base["base_year"].to_list(), by_base["coverage"].to_list())) + ".")
    from highneeds.engine.forecast import verdict

    beats = verdict(result)
    for measure in ("mape", "mase"):
        lost = [h for h, v in beats.items() if not v[measure]]
        lines.append(f"Model beats the best baseline on {measure.upper()} at "
                     + ("every horizon." if not lost else f"horizons other than {', '.join(map(str, lost))}."))
    return "\n".join(lines)
