"""`highneeds forecast public|backtest`: EHC plan forecasts for every LA from public data."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from highneeds import spreadsheets
from highneeds.engine.forecast import backtest, forecast_public
from highneeds.engine.forecast.run import BASELINES, POOLED, verdict
from highneeds.engine.publicdata import PublicDataError


class Command(BaseCommand):
    help = "Forecast EHC plans for every LA in England from public data, or backtest the model."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        public = sub.add_parser("public", help="forecast every LA and England to a CSV")
        held_out = sub.add_parser("backtest", help="hold out the last Januaries and compare with baselines")
        for p in (public, held_out):
            p.add_argument(
                "--data",
                type=Path,
                default=None,
                help="folder laid out as the shared public data (default: settings.SHARED_DATA_DIR)",
            )
            p.add_argument("--simulations", type=int, default=1000)
            p.add_argument("--seed", type=int, default=0)
        public.add_argument(
            "--base-year",
            type=int,
            required=True,
            help="January of the last caseload snapshot to use; later rows are ignored",
        )
        public.add_argument("--years", type=int, default=10)
        public.add_argument("--out", type=Path, required=True)
        public.add_argument(
            "--population-growth",
            type=float,
            default=0.0,
            help="yearly growth of the 0-25 population relative to the calibration years",
        )
        held_out.add_argument(
            "--base-years",
            default="",
            help="comma-separated base Januaries (default: the post-transfer ones, 2018 to the year before the latest)",
        )
        held_out.add_argument("--out", type=Path, default=None, help="write the per-LA detail to this CSV")

    def handle(self, *args, action, data, simulations, seed, **opts):
        data = data or getattr(settings, "SHARED_DATA_DIR", None)
        if not data or not Path(data).is_dir():
            raise CommandError("give --data, the folder of public data")
        if simulations < 1:
            raise CommandError(f"--simulations must be 1 or more, not {simulations}")
        if action == "public" and opts["years"] < 1:
            raise CommandError(f"--years must be 1 or more, not {opts['years']}")
        try:
            if action == "public":
                started = time.perf_counter()
                frame = forecast_public(
                    data,
                    opts["base_year"],
                    opts["years"],
                    simulations=simulations,
                    seed=seed,
                    population_growth=opts["population_growth"],
                )
                spreadsheets.write_frame_csv(frame, opts["out"])
                self.stdout.write(f"{frame.height} rows to {opts['out']} in {time.perf_counter() - started:.1f} s")
                return
            try:
                bases = [int(y) for y in opts["base_years"].split(",") if y.strip()] or None
            except ValueError:
                raise CommandError(
                    f"--base-years must be years separated by commas, not {opts['base_years']!r}"
                ) from None
            result = backtest(data, bases, simulations=simulations, seed=seed)
        except (PublicDataError, ValueError) as exc:  # PublicDataError names the file and row
            raise CommandError(str(exc)) from exc
        self.stdout.write(format_backtest(result))
        if opts.get("out"):
            spreadsheets.write_frame_csv(result["detail"], opts["out"])


def format_backtest(result) -> str:
    """The backtest as Markdown: accuracy per base year and pooled, coverage with the misses on each side,
    the paired bootstrap against the best baseline, and the issue's bar checked line by line."""
    methods = ["model", *BASELINES]
    metrics, coverage = result["metrics"], result["coverage"]
    scopes = [str(b) for b in result["base_years"]] + [POOLED]
    lines = [
        f"Base years {', '.join(map(str, result['base_years']))}; actuals to January {result['latest']}. "
        "Errors are forecast minus actual, as a % of actual; bias is their mean (positive: too high).",
        "",
    ]
    for scope in scopes:
        rows = metrics.filter(metrics["scope"] == scope)
        if rows.is_empty():
            continue
        title = "Pooled over the base years" if scope == POOLED else f"Base year {scope}"
        lines += [
            f"#### {title}",
            "",
            "| horizon | method | LA-years | MAPE % | median APE % | MASE | bias % |",
            "|---|---|---|---|---|---|---|",
        ]
        for h in sorted(set(rows["horizon"].to_list())):
            for m in methods:
                r = rows.filter((rows["horizon"] == h) & (rows["method"] == m))
                if r.is_empty():
                    continue
                r = r.row(0, named=True)
                lines.append(
                    f"| {h} | {m} | {r['n']} | {r['mape']:.2f} | {r['mdape']:.2f} | {r['mase']:.2f} | "
                    f"{r['bias']:+.2f} |"
                )
        lines.append("")
    lines += [
        "#### Model P10-P90 coverage",
        "",
        "| base year | horizon | LA-years | coverage | above P90 | below P10 |",
        "|---|---|---|---|---|---|",
    ]
    for scope in scopes:
        for r in coverage.filter(coverage["scope"] == scope).iter_rows(named=True):
            lines.append(
                f"| {scope} | {r['horizon']} | {r['n']} | {r['coverage']:.1%} | {r['above']:.1%} | {r['below']:.1%} |"
            )
    lines += [
        "",
        "#### Model MAPE minus the best baseline's (pooled; paired bootstrap over LAs, 95% interval)",
        "",
        "| horizon | best baseline | LA-years | difference (points) | 95% interval |",
        "|---|---|---|---|---|",
    ]
    for r in result["bootstrap"].iter_rows(named=True):
        lines.append(
            f"| {r['horizon']} | {r['best_baseline']} | {r['n']} | {r['difference']:+.2f} | "
            f"{r['low']:+.2f} to {r['high']:+.2f} |"
        )
    lines += ["", "#### The bar (pooled)", ""]
    beats = verdict(result)
    pooled = metrics.filter((metrics["scope"] == POOLED) & (metrics["method"] == "model"))
    cov = coverage.filter(coverage["scope"] == POOLED)
    for h in (1, 2, 3):
        if h in beats:
            lines.append(f"- horizon {h}: MAPE {'beats' if beats[h]['mape'] else 'LOSES TO'} the best baseline")
    bias1 = pooled.filter(pooled["horizon"] == 1)
    if not bias1.is_empty():
        b = bias1["bias"][0]
        lines.append(f"- horizon 1 bias {b:+.2f} points: {'within' if abs(b) <= 1 else 'OUTSIDE'} ±1")
    for r in cov.iter_rows(named=True):
        ok = 0.75 <= r["coverage"] <= 0.85
        lines.append(f"- horizon {r['horizon']} coverage {r['coverage']:.1%}: {'within' if ok else 'OUTSIDE'} 75-85%")
    return "\n".join(lines)
