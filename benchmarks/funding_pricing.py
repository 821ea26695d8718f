"""Benchmark: pricing packages (targets: a council's 4,000 plans under 1 s; the national synthetic set, about
470,000 plans, re-priced under a second framework under 30 s and 2 GB).

    python benchmarks/funding_pricing.py [--council-plans 4000] [--seed 2022]

1. A council with 4,000 plans: one package per plan, in the setting mix of the demo council (Wakefield, January
   2022), priced one by one through the Decimal engine (`engine.funding.pricing.price`, the contract of
   `highneeds funding price`), and all at once through the numpy engine (`engine.funding.bulk`).
2. The national synthetic set: one package per EHC plan of every LA by setting, from the same calibration targets
   the national generator uses (473,255 plans at January 2022; plans with no setting to price, such as elective
   home education or awaiting provision, are counted and skipped). Each is priced under framework A (the shipped
   mainstream top-up bands and special school designations, fees for independent places) and re-priced under
   framework B (a proposed local framework: four bands at different prices), with the difference by setting type.
   The generator itself is timed by benchmarks/national_generation.py and is not run here.

Prints figures and peak memory (ru_maxrss); not a pass/fail test. Needs no database.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
from _common import ROOT

from highneeds.engine import publicdata
from highneeds.engine.funding import bulk, pricing

SETTING_BY_KEY = {
    "ms_la": "mainstream",
    "ms_academy": "mainstream",
    "ms_free": "mainstream",
    "ms_la_rp": "resourced_provision",
    "ms_academy_rp": "resourced_provision",
    "ms_free_rp": "resourced_provision",
    "ms_la_unit": "sen_unit",
    "ms_academy_unit": "sen_unit",
    "ms_free_unit": "sen_unit",
    "ms_independent": "independent_special",
    "sp_independent": "independent_special",
    "sp_la": "special",
    "sp_academy": "special",
    "sp_non_maintained": "non_maintained_special",
    "ap": "ap",
    "fe": "fe_college",
    "post16_specialist": "post16_specialist",
}
YEAR = 2026
BANDS_A = np.array([160_000, 310_000, 450_000], dtype=np.int64)  # pence: mainstream top-up bands
DESIGNATIONS_A = np.array([1_141_200, 1_350_000, 1_520_000, 1_755_600])  # special school top-ups
BANDS_B = np.array([120_000, 280_000, 520_000, 800_000], dtype=np.int64)  # a proposed local framework
DESIGNATIONS_B = np.array([1_200_000, 1_400_000, 1_600_000, 1_900_000])


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def packages_for(settings: list[str], rng) -> list[dict]:
    """One contract package per plan: a band, a designation, fees or costed provision by setting type."""
    first = date(YEAR, 4, 1)
    out = []
    for setting in settings:
        start = (
            first - timedelta(days=int(rng.integers(0, 1500)))
            if rng.random() < 0.8
            else first + timedelta(days=int(rng.integers(0, 360)))
        )
        p = {"setting_type": setting, "start": start.isoformat(), "financial_year": YEAR}
        if rng.random() < 0.1:
            p["end"] = (max(start, first) + timedelta(days=int(rng.integers(0, 300)))).isoformat()
        if setting in ("mainstream", "resourced_provision", "sen_unit"):
            p["framework"] = {
                "code": "A",
                "bands": [{"band": str(i + 1), "top_up": str(v / 100)} for i, v in enumerate(BANDS_A)],
            }
            p["band"] = str(int(rng.integers(1, 4)))
        elif setting == "special":
            p["framework"] = {
                "code": "D",
                "bands": [{"band": str(i), "top_up": str(v / 100)} for i, v in enumerate(DESIGNATIONS_A)],
            }
            p["band"] = str(int(rng.integers(0, 4)))
            p["transport_annual"] = "7500"
        elif setting == "independent_special":
            p.update(annual_fee=str(int(rng.integers(40_000, 90_000))), transport_annual="11000")
        else:
            p["costed_provision"] = [
                {
                    "kind": "staff_hours",
                    "hours_per_week": str(int(rng.integers(2, 15))),
                    "rate": "21.40",
                    "weeks_per_year": 38,
                }
            ]
        if rng.random() < 0.05:
            p["attendance"] = "0.6"
        out.append(p)
    return out


def council(plans: int, targets, rng) -> None:
    mix = targets.for_la("384").settings
    keys = [k for k in mix if k in SETTING_BY_KEY and mix[k]]
    weights = np.array([mix[k] for k in keys], dtype=float)
    settings = [SETTING_BY_KEY[k] for k in rng.choice(keys, size=plans, p=weights / weights.sum())]
    packages = packages_for(settings, rng)
    started = time.perf_counter()
    total = sum((pricing.price(p).high_needs_total for p in packages), Decimal(0))
    one_by_one = time.perf_counter() - started
    print(
        f"1. council of {plans:,} plans, one by one through the Decimal engine: {one_by_one * 1000:,.0f} ms "
        f"({one_by_one / plans * 1e6:.0f} µs a package); high needs total £{total:,.2f}"
    )
    print(f"   target under 1 s: {'met' if one_by_one < 1 else 'NOT met'}")


def national(targets, rng) -> None:
    started = time.perf_counter()
    counts, skipped = {}, 0
    for code in targets.codes:
        for key, n in targets.for_la(code).settings.items():
            if key in SETTING_BY_KEY:
                counts[SETTING_BY_KEY[key]] = counts.get(SETTING_BY_KEY[key], 0) + n
            else:
                skipped += n
    setting = np.concatenate([np.full(n, pricing.SETTING_TYPES.index(s), dtype=np.int8) for s, n in counts.items()])
    n = setting.shape[0]
    year_days = pricing.days_in_year(YEAR)
    days = np.where(rng.random(n) < 0.8, year_days, rng.integers(1, year_days + 1, n))
    attendance = np.where(rng.random(n) < 0.05, 6_000, 10_000)
    pick = rng.integers(0, 4, n)
    is_special = setting == pricing.SETTING_TYPES.index("special")
    is_independent = setting == pricing.SETTING_TYPES.index("independent_special")
    banded = np.isin(
        setting, [pricing.SETTING_TYPES.index(s) for s in ("mainstream", "resourced_provision", "sen_unit")]
    )
    costed = np.where(banded | is_special | is_independent, -1, rng.integers(2, 15, n) * 2140 * 38)
    fee = np.where(is_independent, rng.integers(40_000, 90_000, n) * 100, 0)
    built = time.perf_counter() - started

    def price_under(bands, designations):
        top_up = np.where(is_special, designations[pick], np.where(banded, bands[np.minimum(pick, len(bands) - 1)], 0))
        return bulk.price_many(
            setting,
            days,
            year_days,
            top_up=top_up,
            costed=costed,
            fee=fee,
            transport=np.where(is_special | is_independent, 750_000, 0),
            attendance_bp=attendance,
            banded=banded | is_special,
        )

    t = time.perf_counter()
    a = price_under(BANDS_A, DESIGNATIONS_A)
    first_time = time.perf_counter() - t
    t = time.perf_counter()
    b = price_under(BANDS_B, DESIGNATIONS_B)
    second = time.perf_counter() - t
    diff = b.high_needs_total - a.high_needs_total
    print(
        f"\n2. national synthetic set: {n:,} packages priced ({skipped:,} plans with no setting to price skipped); "
        f"arrays built in {built:.2f} s"
    )
    print(
        f"   framework A: {first_time * 1000:,.0f} ms, £{a.high_needs_total.sum() / 100:,.0f}; re-priced under "
        f"framework B: {second * 1000:,.0f} ms, £{b.high_needs_total.sum() / 100:,.0f} "
        f"(difference £{diff.sum() / 100:+,.0f})"
    )
    for s in sorted(counts):
        mask = setting == pricing.SETTING_TYPES.index(s)
        print(f"     {s:<24} {int(mask.sum()):>8,} packages  {diff[mask].sum() / 100:>+16,.0f}")
    print(
        f"   target under 30 s: {'met' if built + second < 30 else 'NOT met'}; peak memory {peak_mb():,.0f} MB "
        f"(target under 2,048 MB: {'met' if peak_mb() < 2048 else 'NOT met'})"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--council-plans", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args(argv)
    data_dir = Path(os.environ.get("HIGHNEEDS_SHARED_DATA", ROOT.parent / "shared" / "data"))
    targets = publicdata.load_targets(data_dir)
    rng = np.random.default_rng(args.seed)
    council(args.council_plans, targets, rng)
    national(targets, rng)


if __name__ == "__main__":
    main(sys.argv[1:])
