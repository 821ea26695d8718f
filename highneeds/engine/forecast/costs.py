"""Unit costs of a plan by setting, from public high needs benchmarks, behind a small protocol.

A future tariff engine implements :class:`UnitCosts` (``annual_cost(setting, need, age)`` or the
faster ``array()``) and is passed to the council model instead of :class:`SettingUnitCosts`.

Public default (:func:`public_unit_costs`): the LA's S251 high needs outturn for 2021-22
(``high_needs_benchmarking_2021_22``) divided by its plans in each setting, averaged over January
2021 and January 2022 (the two Januaries either side of that financial year):

* mainstream + SEN units/resourced provision: place funding (early years, primary, secondary) and
  top-ups to maintained schools and academies for early years, primary and secondary; split
  between the two settings with a unit/RP pupil costing ``RP_WEIGHT`` times a mainstream pupil
  (an assumption: £6,000 place funding plus a higher top-up);
* maintained special (incl. special academies): special place funding + special top-ups. Academy
  place funding is recouped before the LA's allocation (so it is in neither the allocation after
  deductions nor the outturn), which keeps spend and allocation on the same footing;
* independent special (incl. non-maintained, mainstream independent and specialist post-16
  institutions): top-ups to non-maintained and independent schools and colleges;
* post16 (FE): post-school place funding + post-school top-ups;
* alternative provision and other (EOTAS, home education, NEET, awaiting provision): AP and PRU
  budgets mostly serve pupils without plans, and "other" has no line of its own, so these plans
  are costed at the LA's maintained special and mainstream unit cost respectively (assumptions);
* the rest of the outturn (SEN support and inclusion services, AP services, hospital education,
  therapies, AP/PRU spend beyond the plans costed there, less the "other" plans' cost, and the
  difference left by any unit cost replaced by England's) is ``central_spend``, a yearly sum that
  does not move with the caseload. So the LA's plans at these unit costs plus central spend give
  back its 2021-22 outturn.

An LA unit cost outside ``GUARD`` times the national one (usually a setting with a handful of
plans, or a misfiled line) is replaced by the national figure, and the replacement is noted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .inputs import N_AGES, NEEDS, SETTINGS, S, benchmarking, settings_at

RP_WEIGHT = 2.5
GUARD = (0.25, 4.0)
# Used when no benchmarking data can be read at all (illustrative round figures, £ a year).
FALLBACK_COSTS = {
    "mainstream": 8_000.0,
    "sen_unit_rp": 20_000.0,
    "maintained_special": 25_000.0,
    "independent_special": 60_000.0,
    "post16": 10_000.0,
    "alternative_provision": 25_000.0,
    "other": 8_000.0,
}


@runtime_checkable
class UnitCosts(Protocol):
    """What the model needs from a source of costs: £ a year for one plan."""

    def annual_cost(self, setting: str, need: str, age: int) -> float: ...


def cost_array(costs: UnitCosts) -> np.ndarray:
    """(26, needs, settings) £ a year, from ``costs.array()`` when it has one, else cell by cell."""
    array = getattr(costs, "array", None)
    if callable(array):
        out = np.asarray(array(), dtype=float)
        return np.broadcast_to(out, (N_AGES, len(NEEDS), len(SETTINGS))).copy()
    return np.array(
        [[[costs.annual_cost(s, n, a) for s in SETTINGS] for n in NEEDS] for a in range(N_AGES)], dtype=float
    )


@dataclass
class SettingUnitCosts:
    """Unit cost by setting only (£ a year), with the council's overrides on top."""

    per_setting: dict[str, float]
    overrides: dict[str, float] = field(default_factory=dict)
    source: str = ""

    def cost(self, setting: str) -> float:
        return float(self.overrides.get(setting, self.per_setting[setting]))

    def annual_cost(self, setting: str, need: str, age: int) -> float:
        return self.cost(setting)

    def array(self) -> np.ndarray:
        return np.array([self.cost(s) for s in SETTINGS])[None, None, :]

    def with_overrides(self, **costs: float) -> SettingUnitCosts:
        unknown = set(costs) - set(SETTINGS)
        if unknown:
            raise ValueError(f"unknown settings {sorted(unknown)}; expected some of {SETTINGS}")
        return SettingUnitCosts(dict(self.per_setting), {**self.overrides, **costs}, self.source)

    def to_dict(self) -> dict[str, float]:
        return {s: self.cost(s) for s in SETTINGS}


def _pools(f: dict[str, float]) -> tuple[dict[str, float], float]:
    """Outturn lines -> £ spent on plans in each setting pool, and central spend."""
    top_up = f["top_up_funding_maintained_schools_academies_free_schools_and_colleges"]
    phases = {
        k: f[k + "_1"]
        for k in (
            "early_years",
            "primary",
            "secondary",
            "special_schools_and_academies",
            "prus_and_ap_academies",
            "post_school",
        )
    }
    phase_sum = sum(phases.values())
    # The phase breakdown includes income; scale it to the (net) top-up total.
    scale = top_up / phase_sum if phase_sum > 0 else 0.0
    top = {k: v * scale for k, v in phases.items()}
    pools = {
        "mainstream_rp": f["early_years"]
        + f["primary"]
        + f["secondary"]
        + top["early_years"]
        + top["primary"]
        + top["secondary"],
        "maintained_special": f["special_schools_and_academies"] + top["special_schools_and_academies"],
        "independent_special": f["top_up_funding_non_maintained_and_independent_schools_and_colleges"],
        "post16": f["post_school"] + top["post_school"],
        "ap": f["prus_and_ap_academies"] + top["prus_and_ap_academies"],
    }
    central = (
        f["sen_support_and_inclusion_services"]
        + f["alternative_provision_services"]
        + f["hospital_education_services"]
        + f["therapies_and_other_health_related_services"]
    )
    return pools, central


def _unit_costs(pools: dict[str, float], counts: np.ndarray) -> tuple[dict[str, float], float]:
    """Unit costs from spend pools and average plans by setting; returns costs and the AP spend left over."""
    ms, rp = counts[S["mainstream"]], counts[S["sen_unit_rp"]]
    weighted = ms + RP_WEIGHT * rp
    ms_cost = pools["mainstream_rp"] / weighted if weighted > 0 else np.nan
    out = {"mainstream": ms_cost, "sen_unit_rp": RP_WEIGHT * ms_cost}
    for name in ("maintained_special", "independent_special", "post16"):
        n = counts[S[name]]
        out[name] = pools[name] / n if n > 0 else np.nan
    out["alternative_provision"] = out["maintained_special"]
    out["other"] = out["mainstream"]
    ap_plans = counts[S["alternative_provision"]] * (
        out["alternative_provision"] if np.isfinite(out["alternative_provision"]) else 0.0
    )
    return out, max(pools["ap"] - ap_plans, 0.0)


def _average_counts(data_dir: Path | str, code: str) -> np.ndarray | None:
    now, before = settings_at(data_dir, code, 2022), settings_at(data_dir, code, 2021)
    if now is None and before is None:
        return None
    if now is None or before is None:
        return now if now is not None else before
    return (now + before) / 2.0


def national_unit_costs(data_dir: Path | str) -> dict[str, float]:
    """England's unit costs: every LA's pools and plans summed."""
    rows = benchmarking(data_dir)
    pools_sum: dict[str, float] = {}
    counts_sum = np.zeros(len(SETTINGS))
    for code, lines in rows.items():
        counts = _average_counts(data_dir, code)
        if counts is None:
            continue
        pools, _ = _pools(lines)
        for k, v in pools.items():
            pools_sum[k] = pools_sum.get(k, 0.0) + v
        counts_sum += counts
    if not pools_sum:
        return dict(FALLBACK_COSTS)
    costs, _ = _unit_costs(pools_sum, counts_sum)
    return {k: (v if np.isfinite(v) and v > 0 else FALLBACK_COSTS[k]) for k, v in costs.items()}


_NATIONAL: dict[str, dict[str, float]] = {}


def public_unit_costs(data_dir: Path | str, la_code: str) -> tuple[SettingUnitCosts, float, list[str]]:
    """The LA's unit costs by setting, its central (non-placement) spend, and notes on substitutions."""
    key = str(Path(data_dir).resolve())
    if key not in _NATIONAL:
        _NATIONAL[key] = national_unit_costs(data_dir)
    national = _NATIONAL[key]
    notes: list[str] = []
    lines = benchmarking(data_dir).get(la_code)
    counts = _average_counts(data_dir, la_code)
    if lines is None or counts is None:
        notes.append(f"no 2021-22 outturn for LA {la_code}: national unit costs and no central spend")
        return SettingUnitCosts(dict(national), source="national (England) 2021-22 outturn"), 0.0, notes
    pools, central_lines = _pools(lines)
    costs, _ = _unit_costs(pools, counts)
    for name, value in costs.items():
        ref = national[name]
        if not np.isfinite(value) or not (GUARD[0] * ref <= value <= GUARD[1] * ref):
            shown = f"£{value:,.0f}" if np.isfinite(value) else "no figure"
            notes.append(
                f"{name}: LA unit cost {shown} outside {GUARD[0]}-{GUARD[1]}x England's; England's £{ref:,.0f} used"
            )
            costs[name] = ref
    # Central spend: whatever of the outturn the plans at these unit costs do not account for, so the
    # LA's 2021-22 outturn is reproduced (unless the plans alone cost more).
    outturn = sum(pools.values()) + central_lines
    placements = float(sum(counts[S[name]] * costs[name] for name in SETTINGS))
    central = max(outturn - placements, 0.0)
    if outturn - placements < 0:
        notes.append(
            f"plans at these unit costs exceed the 2021-22 outturn by £{placements - outturn:,.0f}: no central spend"
        )
    return (SettingUnitCosts(costs, source=f"LA {la_code} S251 outturn 2021-22 / plans Jan 2021-22"), central, notes)
