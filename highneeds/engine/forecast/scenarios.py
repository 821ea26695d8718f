"""Comparing and steering scenarios: cost avoided, the first-year anchor to the all-LA forecast, goal seek.

Pure numpy. docs/forecast.md "Goal seek".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .costs import cost_array
from .council_base import CouncilBase
from .inputs import (
    S,
    fy_label,
)
from .levers import Levers, NewPlaces, Ramp
from .projection import Projection, project


def cost_avoided(baseline: Projection, scenario: Projection) -> list[float]:
    """£ of spend avoided by the scenario each year (P50 of the paired difference; positive = saving)."""
    if baseline.years != scenario.years:
        raise ValueError("the two projections cover different years")
    if baseline.spend_draws.shape == scenario.spend_draws.shape and baseline.seed == scenario.seed:
        return [float(v) for v in np.median(baseline.spend_draws - scenario.spend_draws, axis=0)]
    return [float(v) for v in baseline.spend[1] - scenario.spend[1]]


# --------------------------------------------------------------------------------------------
# Goal seek
# --------------------------------------------------------------------------------------------


def anchor_first_year(
    base: CouncilBase, plans: float, *, simulations: int = 200, seed: int = 0, limits: tuple[float, float] = (0.25, 4.0)
) -> CouncilBase:
    """The same base with its joiners per head scaled so that the baseline's P50 plans in January
    ``base_year + 1`` equal ``plans`` (the all-LA model's year one for this LA).

    One forecast per council: the detailed model (settings, needs, money, levers) starts from the
    same first-year total as the public all-LA forecast, and keeps its own shape after that. Plans
    a year on are stayers plus joiners, so the scale is solved directly and refined once (noise
    makes the P50 not exactly linear); it is held within ``limits``. Noted in ``notes``.
    """
    scale = 1.0
    for _ in range(2):
        trial = replace(base, joiner_rate=base.joiner_rate * scale)
        proj = project(trial, Levers(), years=1, simulations=simulations, seed=seed)
        total, joiners = float(proj.plans[1, 0]), float(proj.new_plans[1, 0])
        if joiners <= 0:
            break
        scale *= max((plans - (total - joiners)) / joiners, 0.0)
        scale = float(np.clip(scale, *limits))
    note = (
        f"new plans scaled by {scale:.2f} so that January {base.base_year + 1} starts from the all-LA "
        f"forecast of {plans:,.0f} plans (docs/forecast.md)"
    )
    return replace(
        base,
        joiner_rate=base.joiner_rate * scale,
        notes=[*base.notes, note],
        sources={**base.sources, "first year": "all-LA forecast (highneeds forecast public)"},
    )


RAMP_LEVERS = ("fewer_requests", "lower_conversion", "more_step_down", "tariff_change")


@dataclass
class GoalSeek:
    lever: str
    target_year: int
    value: float
    reached: bool
    projection: Projection
    message: str = ""
    tried: list[tuple[float, float]] = field(default_factory=list)  # (value, P50 in-year balance)


def _with_lever(base: CouncilBase, levers: Levers, lever: str, value: float, template: NewPlaces | None) -> Levers:
    if lever in RAMP_LEVERS:
        current = getattr(levers, lever)
        ramp = Ramp(value, current.start_year, current.ramp_years) if current else Ramp(value, base.base_year + 1)
        return replace(levers, **{lever: ramp})
    if lever == "new_places":
        tpl = template or (levers.new_places[0] if levers.new_places else None)
        if tpl is None:
            tpl = NewPlaces(
                0,
                "any",
                "all_through",
                0.5 * float(np.mean(cost_array(base.unit_costs)[5:19, :, S["independent_special"]])),
                base.base_year + 1,
            )
        rest = levers.new_places[1:] if (template is None and levers.new_places) else list(levers.new_places)
        return replace(levers, new_places=[replace(tpl, places=int(round(value))), *rest])
    if lever in ("population_growth", "allocation_growth", "cost_growth"):
        return replace(levers, **{lever: float(value)})
    raise ValueError(f"unknown lever {lever!r}: one of {(*RAMP_LEVERS, 'new_places', 'allocation_growth')}")


def goal_seek(
    base: CouncilBase,
    levers: Levers | None,
    lever: str,
    target_year: int,
    lo: float,
    hi: float,
    *,
    years: int | None = None,
    simulations: int = 500,
    seed: int = 0,
    tolerance: float | None = None,
    template: NewPlaces | None = None,
    max_steps: int = 30,
) -> GoalSeek:
    """The value of ``lever`` nearest ``lo`` (no action) towards ``hi`` (the most considered) giving a
    P50 in-year balance >= 0 in ``target_year``, by bisection (the effect is monotonic).

    For ``tariff_change`` a cut is negative: pass ``lo=0, hi=-0.3``. For ``new_places`` the value is
    the number of places (of ``template``, else of the first NewPlaces in ``levers``, else any need,
    all-through, costed at half the independent unit cost, opening the year after the base year).
    ``reached`` is False when even ``hi`` falls short; the projection is then at ``hi``.
    """
    levers = levers or Levers()
    years = years or max(target_year - base.base_year, 1)
    if not base.base_year < target_year <= base.base_year + years:
        raise ValueError(f"target_year must be within {base.base_year + 1}-{base.base_year + years}")
    index = target_year - base.base_year - 1
    integer = lever == "new_places"
    tolerance = tolerance if tolerance is not None else (1.0 if integer else 1e-3 * max(abs(hi - lo), 1e-9))
    tried: list[tuple[float, float]] = []

    def run(value: float) -> tuple[Projection, float]:
        proj = project(base, _with_lever(base, levers, lever, value, template), years, simulations, seed)
        balance = float(proj.in_year[1, index])
        tried.append((value, balance))
        return proj, balance

    proj_lo, bal_lo = run(lo)
    if bal_lo >= 0:
        return GoalSeek(lever, target_year, lo, True, proj_lo, "balanced without this lever", tried)
    proj_hi, bal_hi = run(hi)
    if bal_hi < 0:
        return GoalSeek(
            lever,
            target_year,
            hi,
            False,
            proj_hi,
            f"not reachable: at {hi:g} the P50 in-year position in {fy_label(target_year)} is £{bal_hi:,.0f}",
            tried,
        )
    a, b, best = lo, hi, proj_hi
    for _ in range(max_steps):
        if abs(b - a) <= tolerance:
            break
        mid = (a + b) / 2.0
        if integer:
            mid = float(int(np.floor(mid)) if b > a else int(np.ceil(mid)))
            if mid in (a, b):
                break
        proj_mid, bal_mid = run(mid)
        if bal_mid >= 0:
            b, best = mid, proj_mid
        else:
            a = mid
    return GoalSeek(lever, target_year, b, True, best, f"reached at {b:g}", tried)
