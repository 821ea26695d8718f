"""The council beside its statistical neighbours: EHC plans per 10,000 children and young people aged 0-25
(published January caseload over ONS mid-2023 population) and the forecast growth over five years, each LA
forecast from its own published figures with the same engine and no levers.

Neighbours are the DfE's statistical neighbours as listed in ../shared/data/stat_neighbours_d2i (the ten
closest, by rank). Everything is published data: no child is named.
"""

from __future__ import annotations

import polars as pl
from django.core.cache import cache

from highneeds.council.models import CouncilSettings
from highneeds.engine import publicdata

from . import engine_bridge as eb

NEIGHBOURS_FILE = "stat_neighbours_d2i/stat_neighbours_long.csv"
HORIZON = 5
SIMULATIONS = 200
LATEST_TRY = range(2025, 2018, -1)


def neighbour_names(la_name: str) -> list[str]:
    frame = pl.read_csv(eb.data_dir() / NEIGHBOURS_FILE, infer_schema_length=0)
    key = publicdata._normalise_name(la_name)
    rows = frame.filter(pl.col("la_name").map_elements(publicdata._normalise_name, return_dtype=pl.String) == key)
    return [r["neighbour_la_name"] for r in rows.sort(pl.col("rank").cast(pl.Int32)).iter_rows(named=True)]


def _latest_base(code: str):
    for year in LATEST_TRY:
        try:
            return eb.calibrated("public", code, year)
        except (KeyError, ValueError, LookupError):
            continue
    raise LookupError(f"no published caseload for LA {code}")


def _figures(code: str, name: str) -> dict:
    base = _latest_base(code)
    projection = eb.engine.project(base, eb.levers_from_dict({}), years=HORIZON, simulations=SIMULATIONS, seed=eb.SEED)
    population = eb.population_by_age(code)
    plans = float(base.counts.sum())
    _lo, mid, _hi = (list(map(float, row)) for row in projection.plans)
    return {
        "code": code,
        "name": name,
        "year": base.base_year,
        "plans": plans,
        "per_10000": plans / population.sum() * 10_000,
        "forecast": mid[-1],
        "forecast_year": int(projection.years[-1]),
        "growth": mid[-1] / plans - 1 if plans else 0.0,
    }


def _council_figures(name: str, forecast_year: int) -> dict:
    """The council's own row: its baseline forecast (the overview's), not a second forecast from published
    figures. Growth is to the same January as the neighbours' where the baseline reaches it."""
    scenario = eb.council_baseline()
    projection = eb.projection_for(scenario)
    base = eb.calibrated(scenario.base, scenario.la_code, scenario.base_year)
    ys = [int(y) for y in projection.years]
    at = ys.index(forecast_year) if forecast_year in ys else min(len(ys) - 1, HORIZON - 1)
    plans, mid = base.total, float(projection.plans[1, at])
    population = eb.population_by_age(CouncilSettings.current().old_la_code)
    return {
        "code": base.la_code,
        "name": name,
        "year": base.base_year,
        "plans": plans,
        "per_10000": plans / population.sum() * 10_000,
        "forecast": mid,
        "forecast_year": ys[at],
        "growth": mid / plans - 1 if plans else 0.0,
        "scenario": scenario.name,
    }


def comparison() -> dict:
    council = CouncilSettings.current()
    scenario = eb.council_baseline()
    # The council's row follows its baseline, so the cache key follows everything that baseline depends on.
    key = (
        f"planning:neighbours:{council.old_la_code}:{eb._key(eb.run_inputs(scenario))}:"
        f"{eb.base_key(scenario.base, scenario.la_code, scenario.base_year)}"
    )
    found = cache.get(key)
    if found is not None:
        return found
    las = publicdata.la_lookup(eb.data_dir())
    names = dict(zip(las["old_la_code"].to_list(), las["la_name"].to_list(), strict=True))
    codes_by_name = {publicdata._normalise_name(n): c for c, n in names.items()}
    own = council.old_la_code
    if own not in names:
        raise LookupError(f"the council's LA number {own} is not among the published local authorities")
    rows, missing = [], []
    for neighbour in neighbour_names(names[own]):
        code = codes_by_name.get(publicdata._normalise_name(neighbour))
        try:
            if code is None:
                raise LookupError(neighbour)
            rows.append({**_figures(code, names[code]), "is_council": False})
        except (KeyError, ValueError, LookupError):
            missing.append(neighbour)
    forecast_year = rows[0]["forecast_year"] if rows else _figures(own, names[own])["forecast_year"]
    rows.insert(0, {**_council_figures(names[own], forecast_year), "is_council": True})
    others = [r for r in rows if not r["is_council"]]
    found = {
        "council_name": names[own],
        "rows": rows,
        "missing": missing,
        "average_per_10000": sum(r["per_10000"] for r in others) / len(others) if others else None,
        "average_growth": sum(r["growth"] for r in others) / len(others) if others else None,
    }
    cache.set(key, found, eb.CACHE_SECONDS)
    return found
