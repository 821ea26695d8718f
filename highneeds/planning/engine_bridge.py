"""The Django side of the forecast engine (`highneeds.engine.forecast.council`, pure): calibrating a saved
scenario's base from casework or public figures, running projections, and caching both.

Caching: a calibrated base is kept under a key naming its source, LA, base year and, for casework, a
fingerprint of the tables counted (row counts, highest ids and the latest change), so new casework is picked
up without anyone clearing anything. A projection is kept under a hash of everything that goes into it: the
base key, the overrides, the levers and the run settings. Changing any lever is therefore a cache miss.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from functools import lru_cache

import numpy as np
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db.models import Count, Max

from highneeds.casework.models import AssessmentRequest
from highneeds.council.models import CouncilSettings
from highneeds.engine import publicdata
from highneeds.engine.forecast import council as engine
from highneeds.engine.forecast import inputs
from highneeds.engine.forecast import levers as engine_levers
from highneeds.engine.forecast import run as all_la
from highneeds.engine.publicdata import caseload
from highneeds.people.models import Child, ChildNeed, Placement, SenStatusPeriod

from . import flows
from .casework_counts import casework_counts, default_base_year
from .models import Scenario

SIMULATIONS = 500
# Goal seek runs the model a dozen times; fewer simulations and a quarter-point tolerance keep it to seconds.
GOAL_SEEK_SIMULATIONS = 200
GOAL_SEEK_TOLERANCE = {"new_places": 1.0}
SEED = 0
CACHE_SECONDS = 60 * 60 * 24
BASE_VERSION = "2"  # bump when calibration changes, so stale cached bases are not used

PHASE_LABELS = {
    "early_years": "Early years (2 to 4)",
    "primary": "Primary (4 to 10)",
    "secondary": "Secondary (11 to 15)",
    "all_through": "All-through (4 to 18)",
    "post16": "16 to 19",
    "post19": "19 to 24",
}
GOAL_SEEK_LEVERS = {
    "fewer_requests": "Fewer requests for an EHC needs assessment",
    "lower_conversion": "Fewer requests becoming plans",
    "more_step_down": "More plans ceasing at annual review",
    "tariff_change": "Change in unit costs",
    "new_places": "New in-area specialist places",
}
# The range goal seek searches for each lever (shares; places for new places).
# From "no action" towards the most that could be considered (a tariff cut is negative).
GOAL_SEEK_RANGES = {
    "fewer_requests": (0.0, 0.9),
    "lower_conversion": (0.0, 0.9),
    "more_step_down": (0.0, 0.5),
    "tariff_change": (0.0, -0.5),
    "new_places": (0, 3000),
}
RAMPS = ("fewer_requests", "lower_conversion", "more_step_down", "tariff_change")
# What a forecast assumes when no baseline is saved (each is shown beside every result and can be changed):
# the high needs block grows 3% a year in cash, unit costs 2% a year (the Bank of England's inflation
# target), and the 0-25 population as in the calibration years. Assumptions, not findings: docs/scenarios.md.
DEFAULT_ASSUMPTIONS = {"allocation_growth": 0.03, "cost_growth": 0.02, "population_growth": 0.0}
# Carried from the council's baseline into a new scenario, so its levers are measured on the same footing.
CARRIED = (
    "base",
    "la_code",
    "base_year",
    "years",
    "unit_costs",
    "hnb_allocation",
    "opening_balance",
    "allocation_growth",
    "population_growth",
)


def settings() -> tuple[str, ...]:
    return tuple(inputs.SETTINGS)


def needs() -> tuple[str, ...]:
    return tuple(inputs.NEEDS)


def phases() -> dict[str, str]:
    return {p: PHASE_LABELS.get(p, p.replace("_", " ").capitalize()) for p in engine_levers.PHASE_AGES}


def setting_label(setting: str) -> str:
    return inputs.SETTING_LABELS.get(setting, setting.replace("_", " ").capitalize())


def data_dir():
    return django_settings.SHARED_DATA_DIR


NOT_INSTALLED = "The public data files are not installed: ask your administrator (docs/forecast.md)"
logger = logging.getLogger(__name__)


def problem_text(exc: Exception) -> str:
    """What staff read about a calibration problem: never a server path (the detail goes to the log)."""
    if isinstance(exc, publicdata.PublicDataMissing | OSError):
        logger.warning("Public data not available: %s", exc)
        return NOT_INSTALLED
    return str(exc).replace(str(data_dir()), "the public data folder")


# ---------------------------------------------------------------------------------------------
# Levers


def levers_from_dict(data: dict):
    return engine_levers.Levers.from_dict(data or {})


def starting_point() -> dict:
    """A new scenario's inputs: the saved baseline's assumptions (cost inflation included, no levers), else the
    defaults. Without this a new scenario silently assumed 0% allocation growth and showed a worse deficit."""
    baseline = Scenario.objects.filter(is_baseline=True).first()
    if baseline is None:
        return {**DEFAULT_ASSUMPTIONS}
    return {**{k: getattr(baseline, k) for k in CARRIED}, "cost_growth": levers_from_dict(baseline.levers).cost_growth}


def council_baseline():
    """The council's one forecast: the saved baseline, else casework with no levers, ten years and the default
    assumptions (unsaved). The overview and the neighbours page both show this."""
    found = Scenario.objects.filter(is_baseline=True).first()
    if found is not None:
        return found
    d = DEFAULT_ASSUMPTIONS
    return Scenario(
        name="Baseline (not saved)",
        base="casework",
        base_year=default_base_year(),
        years=10,
        allocation_growth=d["allocation_growth"],
        population_growth=d["population_growth"],
        levers=engine_levers.Levers(cost_growth=d["cost_growth"]).to_dict(),
    )


def without_safety_valve(levers):
    """The same assumptions with every safety-valve lever off: what a scenario's cost avoided is measured against."""
    return dataclasses.replace(levers, **{k: None for k in RAMPS}, new_places=[])


# ---------------------------------------------------------------------------------------------
# Calibration


def check_base(base: str, la_code: str, base_year: int) -> tuple[str, str] | None:
    """(field, message) when the base cannot be calibrated, else None."""
    try:
        calibrated(base, la_code, base_year)
    except (KeyError, ValueError, LookupError, OSError) as exc:
        field = "la_code" if base == "public" and "year" not in str(exc).lower() else "base_year"
        return field, f"The forecast cannot be calibrated from this: {problem_text(exc)}"
    return None


def _fingerprint() -> str:
    parts = []
    for model in (SenStatusPeriod, Placement, ChildNeed, AssessmentRequest):
        agg = model.objects.aggregate(n=Count("id"), top=Max("id"))
        parts.append(f"{agg['n']}:{agg['top']}")
    parts.append(str(Child.objects.aggregate(t=Max("updated_at"))["t"]))
    return "|".join(parts)


def base_key(base: str, la_code: str, base_year: int) -> str:
    if base == "casework":
        council = CouncilSettings.current()
        digest = hashlib.sha256(_fingerprint().encode()).hexdigest()[:24]
        return f"planning:base:{BASE_VERSION}:casework:{council.old_la_code}:{base_year}:{digest}"
    return f"planning:base:{BASE_VERSION}:public:{la_code}:{base_year}"


def calibrated(base: str, la_code: str, base_year: int):
    """The engine's CouncilBase for a scenario's base, from the cache when it can."""
    key = base_key(base, la_code, base_year)
    found = cache.get(key)
    if found is None:
        found = _calibrate(base, la_code, base_year)
        cache.set(key, found, CACHE_SECONDS)
    return found


def year_one_growth(la_code: str, base_year: int) -> tuple[int, float] | None:
    """(January, growth) of the all-LA forecast's first year for an LA: from its latest published January up
    to ``base_year``; None when the LA publishes no caseload then."""
    latest = max(int(p[:4]) + 1 for p in caseload(data_dir())["time_period"].unique().to_list())
    start = min(base_year, latest)  # no January after the latest published is worth trying
    for year in range(start, start - 8, -1):
        try:
            found = all_la.year_one(str(data_dir()), year).get(la_code)
        except (KeyError, ValueError, LookupError):
            continue
        if found and found[0] > 0:
            return year, found[1] / found[0]
    return None


def _anchored(found, la_code: str):
    """One forecast per council: the detailed model starts from the all-LA model's first year for the LA."""
    growth = year_one_growth(la_code, found.base_year)
    if growth is None:
        found.notes.append("first year not anchored: no published caseload for this LA to forecast from")
        return found
    year, ratio = growth
    anchored = engine.anchor_first_year(found, found.total * ratio, seed=SEED)
    if year != found.base_year:
        anchored.notes.append(
            f"first-year growth ({(ratio - 1) * 100:.1f}%) from the all-LA forecast made at "
            f"January {year}, the latest published"
        )
    return anchored


def _calibrate(base: str, la_code: str, base_year: int):
    if base == "public":
        found = engine.calibrate_public(data_dir(), la_code, base_year)
        return _anchored(found, found.la_code)
    council = CouncilSettings.current()
    counts = casework_counts(base_year)
    snapshot = casework_snapshot(counts)
    population = population_by_age(council.new_la_code or council.old_la_code)
    public = _latest_public(council.old_la_code, base_year)
    found = engine.calibrate_casework(snapshot, population, base_year, council.old_la_code, council.name, public=public)
    found = _anchored(found, council.old_la_code)
    found.notes = counts.notes + found.notes
    if public is not None:
        found = _latest_allocation(found, council.old_la_code, public.base_year)
        found.notes.append(
            f"Unit costs and the balance brought forward: published figures for LA "
            f"{council.old_la_code} at January {public.base_year} (enter the council's own to replace them)"
        )
    return found


def _latest_allocation(found, la_code: str, public_year: int):
    """The latest published high needs block up to the base year (allocations are published further ahead
    than caseloads), rather than the one of the public calibration's year."""
    allocations = inputs.load_public(data_dir(), la_code, public_year).allocations
    known = [y for y in allocations if y <= found.base_year]
    if not known:
        return found
    year = max(known)
    if year != found.base_year:
        found.notes.append(
            f"High needs block: the latest published ({inputs.fy_label(year)}) is used for "
            f"{inputs.fy_label(found.base_year)} and grown from there (enter the council's own)"
        )
    return dataclasses.replace(
        found, hnb_allocation=float(allocations[year]), next_allocation=allocations.get(found.base_year + 1)
    )


def casework_snapshot(counts):
    """The engine's CaseworkSnapshot from what casework_counts found."""
    years = counts.history_years
    return engine.CaseworkSnapshot(
        counts=counts.counts,
        new_plans={y: counts.new_plans[i] for i, y in enumerate(years)},
        ceased={y: counts.ceased[i] for i, y in enumerate(years)},
        requests={y: float(counts.requests[i]) for i, y in enumerate(years)},
        conversions={y: float(counts.conversions[i]) for i, y in enumerate(years)},
        history={y: float(v) for y, v in counts.history_totals.items()},
    )


def _latest_public(la_code: str, base_year: int):
    """The published calibration of the council's own LA nearest before the base year, for its money
    (unit costs, central spend, allocation, balance); None when the LA publishes nothing."""
    for year in range(base_year, base_year - 8, -1):
        try:
            return calibrated("public", la_code, year)
        except (KeyError, ValueError, LookupError):
            continue
    return None


@lru_cache(maxsize=8)
def population_by_age(la_code: str) -> np.ndarray:
    """ONS mid-2023 population by single year of age 0-25 for an LA (3-digit or 9-character code)."""
    import polars as pl

    code = la_code
    if len(code) == 3:
        old_to_new = {old: new for new, old in publicdata.new_to_old_codes(data_dir()).items()}
        code = old_to_new.get(code, code)
    frame = pl.read_csv(
        data_dir() / "population_ons_mye2023/ons_mye2_persons_mid2023_upper_tier_la_age0_25.csv", infer_schema_length=0
    )
    row = frame.filter(pl.col("area_code") == code)
    if row.is_empty():
        raise LookupError(f"no ONS population for LA {la_code}")
    return np.array([float(row[f"age_{a}"][0]) for a in range(26)])


# ---------------------------------------------------------------------------------------------
# Projections


def run_inputs(scenario, levers=None) -> dict:
    """Everything a scenario's projection depends on, as plain JSON."""
    levers = levers if levers is not None else levers_from_dict(scenario.levers)
    lever_dict = levers.to_dict()
    lever_dict.update(
        population_growth=float(scenario.population_growth or 0.0),
        allocation_growth=float(scenario.allocation_growth or 0.0),
    )
    return {
        "base": scenario.base,
        "la_code": scenario.la_code,
        "base_year": int(scenario.base_year),
        "years": int(scenario.years),
        "levers": lever_dict,
        "unit_costs": {k: float(v) for k, v in sorted((scenario.unit_costs or {}).items()) if v not in (None, "")},
        # Part of the cache key, so a new or changed commitment is a new projection.
        "committed_costs": {k: v["cost"] for k, v in sorted(committed_costs(scenario).items())},
        "hnb_allocation": None if scenario.hnb_allocation is None else float(scenario.hnb_allocation),
        "opening_balance": None if scenario.opening_balance is None else float(scenario.opening_balance),
        "simulations": SIMULATIONS,
        "seed": SEED,
    }


def _key(spec: dict) -> str:
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
    return f"planning:projection:{digest}"


def _prepared(spec: dict):
    base = calibrated(spec["base"], spec["la_code"], spec["base_year"])
    changes = {}
    # The council's own commitments replace public unit costs where they exist; figures entered on the scenario
    # replace both.
    if spec["committed_costs"] or spec["unit_costs"]:
        changes["unit_costs"] = _override_costs(
            _override_costs(base.unit_costs, spec["committed_costs"]), spec["unit_costs"]
        )
    if spec["hnb_allocation"] is not None:
        # An entered allocation replaces the published ones, the next year's included.
        changes.update(hnb_allocation=spec["hnb_allocation"], next_allocation=None)
    if spec["opening_balance"] is not None:
        changes["opening_balance"] = spec["opening_balance"]
    return dataclasses.replace(base, **changes) if changes else base


def _override_costs(unit_costs, overrides: dict):
    return unit_costs.with_overrides(**overrides) if overrides else unit_costs


def committed_costs(scenario) -> dict[str, dict]:
    """The council's committed cost of a plan by forecast setting (planning/flows.py), for a forecast of its own
    casework only: another LA's published base is not costed with this council's packages."""
    if scenario.base != "casework":
        return {}
    return flows.committed_unit_costs(int(scenario.base_year))


def cost_sources(scenario, base) -> list[dict]:
    """Each forecast setting's cost of a plan a year and where it comes from: entered on the scenario, the
    council's commitments, or the published figure the calibration used."""
    entered = {k: float(v) for k, v in (scenario.unit_costs or {}).items() if v not in (None, "")}
    committed = committed_costs(scenario)
    published = getattr(base.unit_costs, "cost", None)
    out = []
    for setting in settings():
        if setting in entered:
            out.append({"setting": setting, "cost": entered[setting], "source": "entered"})
        elif setting in committed:
            c = committed[setting]
            out.append(
                {
                    "setting": setting,
                    "cost": c["cost"],
                    "source": "commitments",
                    "children": c["children"],
                    "year": c["year"],
                }
            )
        elif published is not None:
            out.append(
                {
                    "setting": setting,
                    "cost": float(published(setting)),
                    "source": "published",
                    "about": getattr(base.unit_costs, "source", ""),
                }
            )
    return out


def projection_for(scenario, levers=None):
    """The scenario's projection (cached). `levers` replaces the saved levers (goal seek, baselines)."""
    spec = run_inputs(scenario, levers)
    # The base fingerprint is part of the key, so the projection follows the casework it was counted from.
    key = _key({**spec, "base_key": base_key(spec["base"], spec["la_code"], spec["base_year"])})
    found = cache.get(key)
    if found is None:
        levers_obj = levers_from_dict(spec["levers"])
        found = engine.project(_prepared(spec), levers_obj, years=spec["years"], simulations=SIMULATIONS, seed=SEED)
        cache.set(key, found, CACHE_SECONDS)
    return found


def baseline_for(scenario):
    """The same scenario with its safety-valve levers off."""
    return projection_for(scenario, without_safety_valve(levers_from_dict(scenario.levers)))


def goal_seek(scenario, lever: str, target_year: int):
    """The engine's goal seek on the scenario's prepared base. New places with no row in the scenario use the
    engine's template (any need, all-through, half the independent unit cost, opening the year after the base)."""
    spec = run_inputs(scenario)
    lo, hi = GOAL_SEEK_RANGES[lever]
    return engine.goal_seek(
        _prepared(spec),
        levers_from_dict(spec["levers"]),
        lever,
        target_year,
        lo,
        hi,
        years=spec["years"],
        simulations=GOAL_SEEK_SIMULATIONS,
        seed=SEED,
        tolerance=GOAL_SEEK_TOLERANCE.get(lever, 0.0025),
    )


def cost_avoided(baseline, projection) -> list[float]:
    return [float(v) for v in engine.cost_avoided(baseline, projection)]
