"""Target versus generated, recomputed from the generated records themselves.

Status on census day comes from the dated SEN status periods, age from the date of birth (age on
31 August 2021, as the school census counts it), primary need from the rank-1 need, and setting
from each child's census-day setting. A figure passes when it is within 2% of its target, or
within one child (a target of 13.5 children cannot be met closer than half a child).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from highneeds.engine import publicdata

from .helpers import EPOCH, NONE
from .tables import Council
from .vocabulary import AGE_GROUPS, ALL_SETTINGS, E_KEYS, K_KEYS, K_PHASES, NEEDS, R

TOLERANCE = 0.02


@dataclass(frozen=True)
class Check:
    section: str
    measure: str
    target: float
    generated: int

    @property
    def difference(self) -> float:
        return self.generated - self.target

    @property
    def difference_pct(self) -> float | None:
        return 100.0 * self.difference / self.target if self.target else None

    @property
    def ok(self) -> bool:
        return abs(self.difference) <= max(TOLERANCE * abs(self.target), 1.0)


def age_on_31_august(dob_days: np.ndarray, year: int = 2021) -> np.ndarray:
    dates = EPOCH + np.asarray(dob_days, dtype=np.int64).astype("timedelta64[D]")
    born_year = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    month = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    return year - born_year - (month >= 9)


def status_on(council: Council, on: int = R) -> np.ndarray:
    """0 none, 1 SEN support, 2 EHC plan, per child, from the dated periods."""
    p = council.sen_periods
    covering = (p["start"] <= on) & ((p["end"] == NONE) | (p["end"] > on))
    out = np.zeros(len(council.children), dtype=np.int8)
    out[p["child"][covering]] = p["status"][covering]
    return out


def primary_needs(council: Council) -> np.ndarray:
    n = council.needs
    out = np.full(len(council.children), -1, dtype=np.int64)
    first = n["rank"] == 1
    out[n["child"][first]] = n["code"][first]
    return out


def measured(council: Council) -> dict:
    status = status_on(council)
    e, k = status == 2, status == 1
    setting = np.array(ALL_SETTINGS)[council.children["setting"]]
    age = age_on_31_august(council.children["dob"])
    need = primary_needs(council)
    groups = {g: 0 for g in publicdata.SETTING_GROUPS}
    for key in E_KEYS:
        groups[publicdata.SETTINGS_BY_KEY[key].group] += int((e & (setting == key)).sum())
    return {
        "ehcp_total": int(e.sum()),
        "sen_support_total": int(k.sum()),
        "settings": {key: int((e & (setting == key)).sum()) for key in E_KEYS},
        "groups": groups,
        "ages": {g: int((e & (age >= lo) & (age <= hi)).sum()) for g, (lo, hi) in publicdata.AGE_GROUPS.items()},
        "needs_e": {n: int((e & (need == i)).sum()) for i, n in enumerate(NEEDS)},
        "phases_k": {p: int((k & (setting == kk)).sum()) for p, kk in zip(K_PHASES, K_KEYS, strict=True)},
        "needs_k": {n: int((k & (need == i)).sum()) for i, n in enumerate(NEEDS)},
    }


def checks(council: Council, *, detail: bool = False) -> list[Check]:
    """Headline checks (or every setting too, with `detail`) against published figures x scale."""
    exact = council.targets["exact"]
    got = measured(council)
    rows = [
        Check("Total", "EHC plans", exact["ehcp_total"], got["ehcp_total"]),
        Check("Total", "SEN support (derived)", exact["sen_support_total"], got["sen_support_total"]),
    ]
    rows += [Check("EHCP age", g, exact["ages"][g], got["ages"][g]) for g in AGE_GROUPS]
    rows += [
        Check("EHCP setting", publicdata.GROUP_LABELS[g], exact["groups"][g], got["groups"][g])
        for g in publicdata.SETTING_GROUPS
    ]
    if detail:
        rows += [
            Check("EHCP setting detail", publicdata.SETTINGS_BY_KEY[k].label, exact["settings"][k], got["settings"][k])
            for k in E_KEYS
        ]
    rows += [
        Check("EHCP primary need", n, exact["needs_e"][n], got["needs_e"][n])
        for n in NEEDS
        if exact["needs_e"][n] or got["needs_e"][n]
    ]
    rows += [
        Check("SEN support phase", p.replace("_", " "), exact["phases_k"][p], got["phases_k"][p])
        for p in K_PHASES
        if exact["phases_k"][p] or got["phases_k"][p]
    ]
    rows += [
        Check("SEN support primary need", n, exact["needs_k"][n], got["needs_k"][n])
        for n in NEEDS
        if exact["needs_k"][n] or got["needs_k"][n]
    ]
    return rows


def combine(councils_checks: list[list[Check]]) -> list[Check]:
    """Sum the same checks over several councils (a national run)."""
    out: dict[tuple[str, str], list[float]] = {}
    for rows in councils_checks:
        for row in rows:
            acc = out.setdefault((row.section, row.measure), [0.0, 0])
            acc[0] += row.target
            acc[1] += row.generated
    return [Check(section, measure, target, int(generated)) for (section, measure), (target, generated) in out.items()]
