"""One synthetic council, calibrated to an LA's January 2022 figures, as columnar numpy arrays.

Exact marginals, random joint detail: every published figure (EHC plans by setting, by age
group and by primary need; pupils on SEN support by phase and need) is first turned into whole
numbers summing to the scaled total (largest remainders), the joints (age x setting,
setting x need) are fitted with integer IPF on plausible seed patterns, and only then are
individual children drawn. So the January 2022 status matches the targets to the child, at any
scale, and two runs with the same seed are identical.

Histories run back to 2015: SEN support before a plan, the request and assessment of each plan
(about `within_20_weeks` of them issued within 20 weeks, the LA's own published rate),
transfers from statements for older plans, annual reviews, placements changing at each phase
transfer (and on moving to a special school or AP), refused, withdrawn and in-flight requests,
a few ceased plans, and cohort flags at the LA's published rates where there are any.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from highneeds.engine import publicdata

from . import names
from .helpers import (NONE, apportion, choose_per_group, day, expand, integer_ipf, sep1, weighted_choice)
from .ids import NhsPool, upn_bodies

REFERENCE_DATE = publicdata.CENSUS_DATE
R = day(REFERENCE_DATE)
ACADEMIC_YEAR = 2021  # the census falls in 2021/22; ages are taken at 31 August 2021
REFORM = day(date(2014, 9, 1))
HISTORY_START = day(date(2015, 9, 1))
STATEMENT_TRANSFERS_END = day(date(2018, 3, 31))

E_KEYS = publicdata.SETTING_KEYS
K_KEYS = ("k_nursery", "k_primary", "k_secondary", "k_special", "k_ap", "k_independent", "k_nmss")
ALL_SETTINGS = (*E_KEYS, *K_KEYS)
SETTING_INDEX = {k: i for i, k in enumerate(ALL_SETTINGS)}
K_PHASES = ("nursery", "primary", "secondary", "special", "ap", "independent", "non_maintained_special")
AGE_GROUPS = tuple(publicdata.AGE_GROUPS)
NEEDS = publicdata.NEED_CODES_SEN_SUPPORT  # 12 EHCP codes then NSA
NEED_INDEX = {n: i for i, n in enumerate(NEEDS)}
FLAGS = ("LAC", "CIN", "CPP", "YJ", "SUSPENDED", "PERM_EXCLUDED", "CME", "EHE", "YOUNG_CARER")
PLACEMENT_TYPES = ("ON_ROLL", "DUAL", "UNIT", "RES_38_51", "RES_52", "EOTAS")
REQUEST_SOURCES = ("1", "2", "3", "4", "5")
REQUEST_STATUSES = ("pending", "assess", "draft", "not_assess", "plan_issued", "not_issued", "withdrawn")
EVENT_TYPES = ("request_received", "decision_to_assess", "advice_requested", "advice_received",
               "decision_not_to_issue", "draft_plan_sent", "final_plan_issued", "annual_review_meeting",
               "review_decision", "plan_ceased", "request_withdrawn")
EV = {e: i for i, e in enumerate(EVENT_TYPES)}
DETAILS = ({}, {"outcome": "assess"}, {"outcome": "not_assess"}, {"outcome": "maintain"}, {"outcome": "amend"},
           {"outcome": "cease"}, {"route": "transfer_from_statement"}, {"adviser": "educational_psychology"},
           {"adviser": "health"}, {"adviser": "social_care"}, {"reason": "2", "reason_label": "Needs met without a plan"})
D_NONE, D_ASSESS, D_NOT_ASSESS, D_MAINTAIN, D_AMEND, D_CEASE, D_TRANSFER, D_EP, D_HEALTH, D_SOCIAL, D_NEEDS_MET = range(11)
CONTACTS = ("EMAIL", "PHONE", "POST", "TEXT")
LEADS = (None, "caseworker", "manager")

# ---- seeds for the joint distributions (relative propensities; the margins are exact) ----

_MS = ("ms_la", "ms_la_rp", "ms_la_unit", "ms_academy", "ms_academy_rp", "ms_academy_unit", "ms_free", "ms_free_rp",
       "ms_free_unit")
_SPECIAL = ("sp_la", "sp_academy", "sp_non_maintained")
# EHC plans: propensity of each age group (Under 5, 5-10, 11-15, 16-19, 20-25) for each setting.
AGE_SEED = {
    **{k: (0.3, 1, 1, 0.3, 0) for k in _MS},
    "ms_independent": (0.1, 1, 1, 0.3, 0),
    **{k: (0.25, 1, 1, 0.5, 0) for k in _SPECIAL},
    "sp_independent": (0.02, 0.6, 1, 0.6, 0),
    "ap": (0, 0.25, 1, 0.05, 0),
    "fe": (0, 0, 0.005, 1, 1),
    "post16_specialist": (0, 0, 0, 1, 1.5),
    "ehe": (0, 1, 1.5, 0.3, 0),
    "ola": (0.05, 0.6, 1, 1, 0.6),
    "opa": (0.05, 0.6, 1, 1, 0.6),
    "neet": (0, 0, 0, 1, 2.5),
    "early_years": (1, 0, 0, 0, 0),
    "other": (0.5, 1, 1, 1, 1),
    "awaiting": (0.5, 1, 1, 1, 1),
    "perm_excluded": (0, 0.3, 1, 0, 0),
}


def _ages(spec: dict) -> np.ndarray:
    out = np.zeros(26)
    for key, weight in spec.items():
        lo, hi = key if isinstance(key, tuple) else (key, key)
        out[lo : hi + 1] = weight
    return out


# Single year of age (at 31 August 2021) within an age group, by setting.
AGE_WEIGHTS = {
    **{k: _ages({3: 0.15, 4: 1, (5, 15): 1, 16: 0.55, 17: 0.45, 18: 0.05}) for k in _MS},
    "ms_independent": _ages({4: 0.5, (5, 15): 1, 16: 0.6, 17: 0.5, 18: 0.1}),
    **{k: _ages({2: 0.05, 3: 0.2, 4: 0.6, (5, 15): 1, 16: 0.85, 17: 0.8, 18: 0.6}) for k in _SPECIAL},
    "sp_independent": _ages({4: 0.1, (5, 10): 0.6, (11, 15): 1, 16: 0.8, 17: 0.7, 18: 0.5}),
    "ap": _ages({5: 0.1, 6: 0.15, 7: 0.2, 8: 0.3, 9: 0.4, 10: 0.5, 11: 0.7, 12: 0.9, 13: 1.1, 14: 1.3, 15: 1.4, 16: 0.1}),
    "fe": _ages({(14, 15): 0.01, 16: 1, 17: 1, 18: 0.9, 19: 0.7, 20: 0.45, 21: 0.3, 22: 0.2, 23: 0.12, 24: 0.07, 25: 0.03}),
    "post16_specialist": _ages({16: 0.5, 17: 0.8, 18: 1, 19: 1, 20: 0.8, 21: 0.6, 22: 0.4, 23: 0.25, 24: 0.12, 25: 0.05}),
    "ehe": _ages({5: 0.3, 6: 0.35, 7: 0.4, 8: 0.45, 9: 0.5, 10: 0.6, 11: 0.7, 12: 0.8, 13: 0.9, 14: 1, 15: 1, 16: 0.3}),
    "ola": _ages({3: 0.05, 4: 0.3, (5, 15): 1, (16, 19): 0.8, (20, 25): 0.3}),
    "opa": _ages({3: 0.05, 4: 0.3, (5, 15): 1, (16, 19): 0.8, (20, 25): 0.3}),
    "neet": _ages({16: 0.5, 17: 0.8, 18: 1, 19: 1, 20: 0.9, 21: 0.8, 22: 0.7, 23: 0.6, 24: 0.5, 25: 0.4}),
    "early_years": _ages({0: 0.03, 1: 0.1, 2: 0.35, 3: 0.5, 4: 0.1}),
    "other": _ages({0: 0.1, 1: 0.2, 2: 0.4, 3: 0.5, 4: 0.7, (5, 19): 1, (20, 25): 0.5}),
    "awaiting": _ages({0: 0.1, 1: 0.2, 2: 0.4, 3: 0.5, 4: 0.7, (5, 19): 1, (20, 25): 0.5}),
    "perm_excluded": _ages({8: 0.2, 9: 0.3, 10: 0.4, 11: 0.8, 12: 1, 13: 1.2, 14: 1.4, 15: 1.2}),
}
K_AGE_WEIGHTS = {
    "nursery": _ages({2: 0.3, 3: 0.7}),
    "primary": _ages({4: 0.5, 5: 0.8, 6: 0.9, 7: 1, 8: 1.05, 9: 1.1, 10: 1.1}),
    "secondary": _ages({11: 1.1, 12: 1.05, 13: 1.0, 14: 0.95, 15: 0.9, 16: 0.2, 17: 0.15}),
    "special": _ages({(4, 18): 1}),
    "ap": _ages({10: 0.3, 11: 0.6, 12: 0.8, 13: 1, 14: 1.2, 15: 1.2}),
    "independent": _ages({(4, 17): 1}),
    "non_maintained_special": _ages({(5, 18): 1}),
}


def _needs(default: float = 1.0, **weights) -> np.ndarray:
    out = np.full(len(NEEDS), default)
    for need, weight in weights.items():
        out[NEED_INDEX[need]] = weight
    return out


_NEED_MS = _needs(ASD=1.0, SLCN=1.7, SEMH=1.2, SLD=0.12, MLD=1.2, SPLD=2.0, PD=1.0, PMLD=0.04, OTH=1.2, HI=1.4, VI=1.3,
                  MSI=0.6)
_NEED_RP = _needs(ASD=2.0, SLCN=1.8, SEMH=0.6, SLD=0.3, MLD=1.0, SPLD=0.8, PD=0.8, PMLD=0.1, OTH=0.8, HI=2.0, VI=1.2,
                  MSI=0.8)
_NEED_SPECIAL = _needs(ASD=1.2, SLCN=0.4, SEMH=0.6, SLD=2.3, MLD=1.0, SPLD=0.15, PD=1.0, PMLD=2.6, OTH=0.5, HI=0.7,
                       VI=0.7, MSI=1.6)
_NEED_ELSEWHERE = _needs(ASD=1.3, SLCN=0.6, SEMH=2.0, SLD=0.5, MLD=0.9, SPLD=0.6, PD=0.6, PMLD=0.3, OTH=1.0, HI=0.6,
                         VI=0.6, MSI=0.5)
NEED_SEED_E = {
    **{k: (_NEED_RP if k.endswith(("_rp", "_unit")) else _NEED_MS) for k in _MS},
    "ms_independent": _NEED_MS,
    "sp_la": _NEED_SPECIAL, "sp_academy": _NEED_SPECIAL,
    "sp_non_maintained": _needs(ASD=1.2, SLCN=0.8, SEMH=0.8, SLD=0.8, MLD=0.5, PD=1.8, PMLD=1.5, HI=4, VI=4, MSI=4,
                                OTH=0.8, SPLD=0.5),
    "sp_independent": _needs(ASD=2.2, SLCN=0.4, SEMH=2.2, SLD=0.6, MLD=0.4, SPLD=0.5, PD=0.3, PMLD=0.3, OTH=0.4, HI=0.6,
                             VI=0.5, MSI=0.8),
    "ap": _needs(0.1, SEMH=6.0, ASD=0.7, MLD=0.7, SLCN=0.4, SPLD=0.6, OTH=0.8),
    "fe": _needs(ASD=1.1, SLCN=0.7, SEMH=0.9, SLD=0.8, MLD=2.2, SPLD=1.6, PD=0.9, PMLD=0.2, OTH=1.0, HI=1.1, VI=1.1,
                 MSI=0.5),
    "post16_specialist": _needs(ASD=1.6, SLCN=0.4, SEMH=0.7, SLD=1.6, MLD=0.6, SPLD=0.2, PD=1.2, PMLD=1.6, OTH=0.6, HI=1,
                                VI=1, MSI=1.5),
    "early_years": _needs(ASD=1.1, SLCN=2.5, SEMH=0.15, SLD=1.0, MLD=0.2, SPLD=0.02, PD=2.2, PMLD=1.5, OTH=1.6, HI=1.6,
                          VI=1.6, MSI=2.0),
    **{k: _NEED_ELSEWHERE for k in ("ehe", "ola", "opa", "neet", "other", "awaiting", "perm_excluded")},
}
for _seed in NEED_SEED_E.values():
    _seed[NEED_INDEX["NSA"]] = 0.0  # NSA is for SEN support only
NEED_SEED_K = {
    "nursery": _needs(SLCN=3, PD=1.5, ASD=1, SEMH=0.5, MLD=0.3, SPLD=0.05, NSA=1.5, OTH=1.5, HI=1.5, VI=1.5, MSI=1.5),
    "primary": _needs(SLCN=1.6, MLD=1.0, SEMH=0.8, SPLD=0.6, ASD=0.9, NSA=1.1),
    "secondary": _needs(SLCN=0.5, MLD=1.0, SEMH=1.3, SPLD=1.6, ASD=1.1, NSA=0.9, SLD=0.8, PMLD=0.5),
    "special": _needs(ASD=1.5, SLD=2, MLD=1.5, SEMH=1.5, NSA=0.3, SPLD=0.3),
    "ap": _needs(0.5, SEMH=6),
    "independent": _needs(SPLD=2, SLCN=1, ASD=1.2, SEMH=0.9, MLD=0.6, NSA=0.8),
    "non_maintained_special": _needs(HI=3, VI=3, MSI=3, PD=2),
}

# Establishments: (type, phase, age_low, age_high, name kinds) and children per establishment.
EST_SHAPE = {
    ("MS", "PRIMARY"): ("PRIMARY", 4, 11, names.PRIMARY_KINDS),
    ("MS", "SECONDARY"): ("SECONDARY", 11, 18, names.SECONDARY_KINDS),
    ("MS_INDEPENDENT", "ALL_THROUGH"): ("ALL_THROUGH", 3, 18, names.INDEPENDENT_KINDS),
    ("SP", "ALL_THROUGH"): ("ALL_THROUGH", 2, 19, names.SPECIAL_KINDS),
    ("AP_PRU", "SECONDARY"): ("SECONDARY", 5, 16, names.AP_KINDS),
    ("FE", "POST16"): ("POST16", 16, 25, names.FE_KINDS),
    ("EARLY_YEARS", "EY"): ("EY", 0, 5, names.EY_KINDS),
    ("OTHER", "NA"): ("NA", 4, 25, ("Education Otherwise Than at School Service",)),
}
CAPACITY = {"rp": 12, "unit": 12, "SP": 110, "AP_PRU": 30, "FE": 200, "EARLY_YEARS": 3, "MS_INDEPENDENT": 25,
            "OTHER": 100000, "out_MS": 20, "out_SP": 25, "out_FE": 40}
OUT_OF_AREA = {"MS": 0.04, "SP": 0.12, "FE": 0.15}  # share of placements in a neighbouring LA's setting


@dataclass
class Table:
    """Named equal-length columns (numpy arrays, or lists for a few text columns of small tables)."""

    columns: dict

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def __getitem__(self, name):
        return self.columns[name]


def _concat(parts: list[dict]) -> dict:
    keys = parts[0].keys()
    return {k: np.concatenate([np.asarray(p[k]) for p in parts]) for k in keys}


@dataclass
class Council:
    la_code: str
    la_name: str
    new_la_code: str
    region_name: str
    scale: float
    seed: int
    targets: dict  # scaled targets, for the calibration check
    establishments: Table  # this LA's own (in area and in neighbouring LAs)
    children: Table
    parents: Table
    sen_periods: Table
    needs: Table
    flags: Table
    placements: Table
    requests: Table
    events: Table
    sources: dict = field(default_factory=dict)

    TABLES = ("establishments", "children", "parents", "sen_periods", "needs", "flags", "placements", "requests",
              "events")

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in self.TABLES}


# ------------------------------------------------------------------------------------------
# Establishments shared by every LA: section 41 independent special schools and specialist
# post-16 institutions (real organisations), and invented non-maintained special schools.
# ------------------------------------------------------------------------------------------


@dataclass
class SharedEstablishments:
    table: Table
    region: np.ndarray  # region name per row, for choosing nearer settings

    def pool(self, est_type: str) -> np.ndarray:
        return np.flatnonzero(np.asarray(self.table["establishment_type"]) == est_type)


def shared_establishments(s41: list[tuple], las: list[tuple[str, str, str]], seed: int) -> SharedEstablishments:
    """`s41`: (name, la_name, establishment_type, approved_on date|None); `las`: (code, name, region)."""
    rng = np.random.default_rng([seed, 41])
    by_name = {publicdata._normalise_name(name): (code, name, region) for code, name, region in las}
    rows = []
    for name, la_name, est_type, approved in s41:
        code, real_name, region = by_name.get(publicdata._normalise_name(la_name), ("", la_name, ""))
        post16 = est_type == "SPECIALIST_POST16"
        rows.append(dict(name=name, establishment_type=est_type, phase="POST16" if post16 else "ALL_THROUGH",
                         age_low=16 if post16 else 5, age_high=25 if post16 else 19, la_code=code, la_name=real_name,
                         urn=NONE, ukprn=NONE, s41_approved=True, s41_approved_on=day(approved) if approved else NONE,
                         region=region))
    places = rng.permutation(names.PLACES)
    for i in range(60):
        code, la_name, region = las[int(rng.integers(0, len(las)))]
        kind = names.NMSS_KINDS[i % len(names.NMSS_KINDS)]
        rows.append(dict(name=f"{places[i % len(places)]} {kind}", establishment_type="SP_NON_MAINTAINED",
                         phase="ALL_THROUGH", age_low=5, age_high=19, la_code=code, la_name=la_name,
                         urn=int(f"870{i:05d}"), ukprn=NONE, s41_approved=False, s41_approved_on=NONE, region=region))
    n = len(rows)
    pc_rng = np.random.default_rng([seed, 42])
    designated = [sorted({"ASD", "SEMH", "SLD", "PMLD", "HI", "VI", "MSI", "PD"}
                         & set(pc_rng.choice(["ASD", "SEMH", "SLD", "PMLD", "HI", "VI", "MSI", "PD"], 2)))
                  for _ in range(n)]
    columns = {k: [r[k] for r in rows] for k in rows[0] if k != "region"}
    columns.update(_addresses(pc_rng, n))
    columns.update(has_sen_unit=[False] * n, sen_unit_places=[None] * n, has_resourced_provision=[False] * n,
                   resourced_provision_places=[None] * n, designated_needs=designated)
    return SharedEstablishments(Table(columns), np.array([r["region"] for r in rows]))


def _addresses(rng: np.random.Generator, n: int) -> dict:
    from .ids import postcodes

    district = rng.integers(1, 99, n)
    return {
        "street": [f"{h} {names.STREET_STEMS[s]} {names.STREET_TYPES[t]}" for h, s, t in
                   zip(rng.integers(1, 200, n), rng.integers(0, len(names.STREET_STEMS), n),
                       rng.integers(0, len(names.STREET_TYPES), n), strict=True)],
        "town": [names.PLACES[i] for i in rng.integers(0, len(names.PLACES), n)],
        "postcode": postcodes(district, rng.integers(1, 10, n), rng.integers(0, 400, n)).tolist(),
    }


# ------------------------------------------------------------------------------------------
# The generator
# ------------------------------------------------------------------------------------------


def scaled_targets(t: publicdata.LaTargets, scale: float) -> dict:
    """Whole-number targets at `scale` (the EHCP margins all sum to the same total)."""
    n_e = int(round(t.ehcp_total * scale))
    n_k = int(round(t.sen_support_total * scale))
    # groups first, then the settings within each group, so group totals stay within one child
    groups = list(publicdata.SETTING_GROUPS)
    group_of = np.array([groups.index(publicdata.SETTINGS_BY_KEY[k].group) for k in E_KEYS])
    raw = np.array([t.settings[k] for k in E_KEYS], dtype=float)
    group_counts = apportion(np.bincount(group_of, weights=raw, minlength=len(groups)), n_e)
    settings = np.zeros(len(E_KEYS), dtype=np.int64)
    for g, count in enumerate(group_counts):
        members = np.flatnonzero(group_of == g)
        settings[members] = apportion(raw[members] if raw[members].sum() else np.ones(len(members)), int(count))
    ages = apportion([t.age_shares[g] for g in AGE_GROUPS], n_e)
    needs_e = apportion([t.need_mix["E"].get(n, 0.0) for n in NEEDS], n_e)
    phases = apportion([t.sen_support_phases.get(p, 0.0) for p in K_PHASES], n_k)
    needs_k = apportion([t.need_mix["K"].get(n, 0.0) for n in NEEDS], n_k)
    return {
        "ehcp_total": n_e, "sen_support_total": n_k,
        "settings": dict(zip(E_KEYS, settings.tolist(), strict=True)),
        "ages": dict(zip(AGE_GROUPS, ages.tolist(), strict=True)),
        "needs_e": dict(zip(NEEDS, needs_e.tolist(), strict=True)),
        "phases_k": dict(zip(K_PHASES, phases.tolist(), strict=True)),
        "needs_k": dict(zip(NEEDS, needs_k.tolist(), strict=True)),
        # Unrounded published figures x scale, which the calibration table compares against.
        "exact": {
            "ehcp_total": t.ehcp_total * scale, "sen_support_total": t.sen_support_total * scale,
            "settings": {k: t.settings[k] * scale for k in E_KEYS},
            "groups": {g: v * scale for g, v in t.group_targets.items()},
            "ages": {g: t.age_shares[g] * t.ehcp_total * scale for g in AGE_GROUPS},
            "needs_e": {n: t.need_mix["E"].get(n, 0.0) * t.ehcp_total * scale for n in NEEDS},
            "phases_k": {p: t.sen_support_phases.get(p, 0.0) * t.sen_support_total * scale for p in K_PHASES},
            "needs_k": {n: t.need_mix["K"].get(n, 0.0) * t.sen_support_total * scale for n in NEEDS},
        },
    }


class _Builder:
    """Accumulates rows for the child-level tables."""

    def __init__(self):
        self.parts: dict[str, list[dict]] = {k: [] for k in ("sen_periods", "needs", "flags", "placements", "requests",
                                                              "events")}

    def add(self, table: str, **columns):
        n = len(next(iter(columns.values())))
        if n:
            self.parts[table].append({k: np.broadcast_to(np.asarray(v), (n,)).copy() for k, v in columns.items()})

    def table(self, name: str, schema: dict) -> Table:
        parts = self.parts[name]
        if not parts:
            return Table({k: np.zeros(0, dtype=dt) for k, dt in schema.items()})
        merged = _concat(parts)
        return Table({k: merged[k].astype(dt) for k, dt in schema.items()})


SCHEMAS = {
    "sen_periods": {"child": np.int32, "status": np.int8, "start": np.int32, "end": np.int32},
    "needs": {"child": np.int32, "code": np.int8, "rank": np.int8, "recorded_on": np.int32},
    "flags": {"child": np.int32, "flag": np.int8, "start": np.int32, "end": np.int32},
    "placements": {"child": np.int32, "pool": np.int32, "placement_type": np.int8, "start": np.int32, "end": np.int32},
    "requests": {"child": np.int32, "received_on": np.int32, "source": np.int8, "status": np.int8, "caseworker": np.int8,
                 "closed_on": np.int32},
    "events": {"child": np.int32, "request": np.int32, "event_type": np.int8, "occurred_on": np.int32, "detail": np.int8},
}


def generate_council(targets: publicdata.LaTargets, *, scale: float = 1.0, seed: int = 2022,
                     shared: SharedEstablishments, nhs: NhsPool | None = None) -> Council:
    """A council for `targets` at `scale`; deterministic for (LA, scale, seed) and the NHS pool's position."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    rng = np.random.default_rng([seed, int(targets.old_la_code)])
    nhs = nhs or NhsPool(seed)
    st = scaled_targets(targets, scale)
    g = _Generation(targets, st, rng, scale)
    g.statuses_and_settings()
    g.people(nhs)
    g.plans_and_periods()
    g.needs()
    g.placements()
    g.requests_and_events()
    g.flags()
    establishments = g.establishments(shared)
    g.reorder()
    placements = g.b.table("placements", SCHEMAS["placements"])
    placements.columns["establishment"] = placements.columns.pop("pool")  # now the chosen establishment
    return Council(
        la_code=targets.old_la_code, la_name=targets.la_name, new_la_code=targets.new_la_code,
        region_name=targets.region_name, scale=scale, seed=seed, targets=st, establishments=establishments,
        children=Table(g.c), parents=g.parents_table(), sen_periods=g.b.table("sen_periods", SCHEMAS["sen_periods"]),
        needs=g.b.table("needs", SCHEMAS["needs"]), flags=g.b.table("flags", SCHEMAS["flags"]),
        placements=placements, requests=g.b.table("requests", SCHEMAS["requests"]),
        events=g.b.table("events", SCHEMAS["events"]), sources=dict(targets.sources),
    )


class _Generation:
    def __init__(self, t: publicdata.LaTargets, st: dict, rng: np.random.Generator, scale: float):
        self.t, self.st, self.rng, self.scale = t, st, rng, scale
        self.b = _Builder()
        self._next_request = 0  # requests are numbered as they are made; events refer to them
        self.c: dict[str, np.ndarray] = {}
        self.pools: dict[tuple, int] = {}
        # mainstream type mix: this LA's EHC plans in each kind of mainstream school
        mix = np.array([sum(t.settings[k] for k in _MS if k.startswith(p)) for p in ("ms_la", "ms_academy", "ms_free")],
                       dtype=float)
        self.ms_mix = mix / mix.sum() if mix.sum() else np.array([0.45, 0.5, 0.05])
        sp = np.array([t.settings["sp_la"], t.settings["sp_academy"]], dtype=float)
        self.sp_mix = sp / sp.sum() if sp.sum() else np.array([0.6, 0.4])

    # ---------------- who is there on census day ----------------

    def statuses_and_settings(self):
        st, rng = self.st, self.rng
        settings = np.array([st["settings"][k] for k in E_KEYS])
        ages = np.array([st["ages"][g] for g in AGE_GROUPS])
        seed = np.array([AGE_SEED[k] for k in E_KEYS], dtype=float).T  # age group x setting
        joint = integer_ipf(seed, ages, settings)
        band, setting = expand(joint)
        age = np.empty(len(band), dtype=np.int64)
        for b, (lo, hi) in enumerate(publicdata.AGE_GROUPS.values()):
            for s in range(len(E_KEYS)):
                rows = np.flatnonzero((band == b) & (setting == s))
                if len(rows):
                    w = AGE_WEIGHTS[E_KEYS[s]][lo : hi + 1]
                    w = w if w.sum() > 0 else np.ones(hi - lo + 1)
                    age[rows] = lo + weighted_choice(rng, w, len(rows))
        need_seed = np.array([NEED_SEED_E[k] for k in E_KEYS])
        needs_e = integer_ipf(need_seed, settings, np.array([st["needs_e"][n] for n in NEEDS]))
        e_need = np.empty(len(band), dtype=np.int64)
        for s in range(len(E_KEYS)):  # the children of each setting get that setting's needs, shuffled
            rows = np.flatnonzero(setting == s)
            e_need[rows] = rng.permutation(np.repeat(np.arange(len(NEEDS)), needs_e[s]))

        phases = np.array([st["phases_k"][p] for p in K_PHASES])
        k_needs = integer_ipf(np.array([NEED_SEED_K[p] for p in K_PHASES]), phases,
                              np.array([st["needs_k"][n] for n in NEEDS]))
        k_phase, k_need = expand(k_needs)
        k_age = np.empty(len(k_phase), dtype=np.int64)
        for p, phase in enumerate(K_PHASES):
            rows = np.flatnonzero(k_phase == p)
            k_age[rows] = weighted_choice(rng, K_AGE_WEIGHTS[phase], len(rows))
        n_e, n_k = len(band), len(k_phase)
        self.c["status"] = np.r_[np.full(n_e, 2, np.int8), np.full(n_k, 1, np.int8)]
        self.c["setting"] = np.r_[setting, len(E_KEYS) + k_phase].astype(np.int16)
        self.c["age"] = np.r_[age, k_age].astype(np.int8)
        self.primary_need = np.r_[e_need, k_need]
        self.n = n_e + n_k

    def people(self, nhs: NhsPool):
        rng, n, c = self.rng, self.n, self.c
        age = c["age"].astype(np.int64)
        # born between 1 September (2020 - age) and 31 August (2021 - age): age `age` on 31 August 2021
        start = sep1(ACADEMIC_YEAR - 1 - age)
        length = sep1(ACADEMIC_YEAR - age) - start
        c["dob"] = (start + np.floor(rng.random(n) * length)).astype(np.int32)
        male_share = np.where(c["status"] == 2, 0.73, 0.64)
        c["sex"] = (rng.random(n) < male_share).astype(np.int8)  # 1 male, 0 female
        c["first"] = np.where(c["sex"] == 1, rng.integers(0, len(names.FIRST_NAMES_M), n),
                              rng.integers(0, len(names.FIRST_NAMES_F), n)).astype(np.int16)
        c["last"] = rng.integers(0, len(names.SURNAMES), n).astype(np.int16)
        c["ethnicity"] = weighted_choice(rng, np.array(names.ETHNICITY_WEIGHTS), n).astype(np.int8)
        c["language"] = weighted_choice(rng, np.array(names.LANGUAGE_WEIGHTS), n).astype(np.int8)
        c["contact"] = weighted_choice(rng, np.array([0.6, 0.25, 0.05, 0.1]), n).astype(np.int8)
        c["pc_district"] = rng.integers(1, 99, n).astype(np.int16)
        c["pc_sector"] = rng.integers(1, 10, n).astype(np.int8)
        c["pc_unit"] = rng.integers(0, 400, n).astype(np.int16)
        # UPN for everyone who has been of school age (Reception, at 4, onwards)
        reception_year = ACADEMIC_YEAR + 4 - age
        self.reception_year = reception_year
        has_upn = age >= 4
        body = np.full(n, NONE, dtype=np.int64)
        n_schools = max(20, int(self.t.all_pupils / 280 * 0.52 * max(self.scale, 0.05)))
        estab = 2001 + rng.integers(0, min(n_schools, 998), has_upn.sum())
        body[has_upn] = upn_bodies(self.t.old_la_code, estab, reception_year[has_upn], rng)
        c["upn"] = body
        wanted = rng.random(n) < np.where(c["status"] == 2, 0.9, 0.35)
        c["nhs"] = nhs.take(wanted)
        c["lead"] = np.zeros(n, dtype=np.int8)
        e = c["status"] == 2
        u = rng.random(n)
        c["lead"][e & (u < 0.35)] = 1
        c["lead"][e & (u >= 0.35) & (u < 0.40)] = 2

    # ---------------- plans and SEN status periods ----------------

    def _phase_starts(self) -> np.ndarray:
        """(5, n): start of nursery, Reception, Year 7, Year 12 and post-19, per child."""
        y = self.reception_year
        return np.stack([sep1(y - 1), sep1(y), sep1(y + 7), sep1(y + 12), sep1(y + 15)])

    def plans_and_periods(self):
        rng, c, n = self.rng, self.c, self.n
        dob = c["dob"].astype(np.int64)
        e = np.flatnonzero(c["status"] == 2)
        earliest = np.maximum(dob[e] + 730, REFORM)
        latest = np.full(len(e), R - 14)
        earliest = np.minimum(earliest, latest - 1)
        # How long each plan has been held. A share of plans started in the last year, the rest at an
        # even rate across the child's possible span; the share is solved so that, over all this
        # LA's children (the youngest can only have recent plans), the plans started in the last year
        # are the LA's published new plans in a year over its caseload (nationally 62,180 / 473,255).
        recent = float(np.clip(self.t.new_plans_per_year / max(self.t.ehcp_total, 1), 0.03, 0.6))
        span = latest - earliest
        short = span <= 365
        longer = max(int((~short).sum()), 1)
        p_recent = float(np.clip((recent * len(e) - short.sum()) / longer, 0.0, 1.0))
        is_recent = short | (rng.random(len(e)) < p_recent)
        older_span = np.maximum(span - 365, 1)
        held = np.where(is_recent, rng.random(len(e)) * np.minimum(span, 365),
                        365 + rng.random(len(e)) * older_span)
        final = (latest - held).astype(np.int64)
        plan_final = np.full(n, NONE, dtype=np.int64)
        plan_final[e] = final
        transfer = np.zeros(n, dtype=bool)
        transfer[e] = (final <= STATEMENT_TRANSFERS_END) & (rng.random(len(e)) < 0.55) & (dob[e] < final - 5 * 365)
        self.plan_final, self.transfer = plan_final, transfer
        self.phase_start = self._phase_starts()
        school_entry = self.phase_start[1]
        # EHC plan periods, open on census day
        self.b.add("sen_periods", child=e, status=2, start=final, end=NONE)
        # SEN support before the plan (not for transfers from statements)
        prior = e[~transfer[e] & (rng.random(len(e)) < 0.75)]
        k_start = np.maximum.reduce([np.minimum(school_entry[prior], plan_final[prior] - 200),
                                     plan_final[prior] - (180 + rng.random(len(prior)) * 1100).astype(np.int64),
                                     dob[prior] + 730, np.full(len(prior), REFORM)])
        ok = k_start < plan_final[prior] - 60
        self.b.add("sen_periods", child=prior[ok], status=1, start=k_start[ok], end=plan_final[prior[ok]])
        # SEN support children: since some time after starting school (or nursery)
        k = np.flatnonzero(c["status"] == 1)
        entry = np.where(c["age"][k] >= 4, school_entry[k], np.maximum(dob[k] + 730, self.phase_start[0][k]))
        entry = np.minimum(entry, R - 30)
        span = np.maximum(R - 30 - entry, 1)
        start = np.maximum(entry + (span * rng.random(len(k)) ** 0.7).astype(np.int64), REFORM)
        # a few once had a plan that ceased with needs met
        ceased = k[(c["age"][k] >= 8) & (rng.random(len(k)) < 0.01)]
        ceased_mask = np.isin(k, ceased)
        self.b.add("sen_periods", child=k[~ceased_mask], status=1, start=np.minimum(start[~ceased_mask], R - 30), end=NONE)
        if len(ceased):
            cease_on = R - (60 + rng.random(len(ceased)) * 900).astype(np.int64)
            plan_from = np.maximum(cease_on - (400 + rng.random(len(ceased)) * 1200).astype(np.int64),
                                   np.maximum(dob[ceased] + 1500, REFORM))
            plan_from = np.minimum(plan_from, cease_on - 200)
            self.b.add("sen_periods", child=ceased, status=2, start=plan_from, end=cease_on)
            self.b.add("sen_periods", child=ceased, status=1, start=cease_on, end=NONE)
            self.b.add("events", child=ceased, request=NONE, event_type=EV["final_plan_issued"], occurred_on=plan_from,
                       detail=np.where(plan_from <= STATEMENT_TRANSFERS_END, D_TRANSFER, D_NONE))
            review = cease_on - (30 + rng.random(len(ceased)) * 60).astype(np.int64)
            self.b.add("events", child=ceased, request=NONE, event_type=EV["annual_review_meeting"], occurred_on=review,
                       detail=D_NONE)
            self.b.add("events", child=ceased, request=NONE, event_type=EV["review_decision"],
                       occurred_on=review + 14, detail=D_CEASE)
            self.b.add("events", child=ceased, request=NONE, event_type=EV["plan_ceased"], occurred_on=cease_on,
                       detail=D_NEEDS_MET)

    def needs(self):
        rng, c = self.rng, self.c
        n = self.n
        status = c["status"]
        children = np.arange(n)
        recorded = np.where(status == 2, self.plan_final, np.maximum(R - 400, c["dob"].astype(np.int64) + 730))
        self.b.add("needs", child=children, code=self.primary_need, rank=1, recorded_on=recorded)
        # secondary (and a few third) needs, drawn from the same status's mix, never repeating
        for rank, share_e, share_k in ((2, 0.45, 0.2), (3, 0.12, 0.03)):
            has = rng.random(n) < np.where(status == 2, share_e, share_k)
            if rank == 3:
                has &= self._has_rank2
            rows = np.flatnonzero(has)
            mix_e = np.array([self.t.need_mix["E"].get(x, 0.0) for x in NEEDS])
            mix_k = np.array([self.t.need_mix["K"].get(x, 0.0) for x in NEEDS])
            mix_k[NEED_INDEX["NSA"]] = 0  # "no specialist assessment" cannot sit beside an assessed need
            code = np.where(status[rows] == 2, weighted_choice(rng, mix_e, len(rows)),
                            weighted_choice(rng, mix_k, len(rows)))
            taken = [self.primary_need[rows]] + ([self._rank2_code[rows]] if rank == 3 else [])
            for _ in range(6):
                clash = np.zeros(len(rows), dtype=bool)
                for t in taken:
                    clash |= code == t
                if not clash.any():
                    break
                code[clash] = (code[clash] + 1 + rng.integers(0, len(NEEDS) - 2, clash.sum())) % (len(NEEDS) - 1)
            clash = np.zeros(len(rows), dtype=bool)
            for t in taken:
                clash |= code == t
            clash |= self.primary_need[rows] == NEED_INDEX["NSA"]  # NSA stands alone
            keep = rows[~clash]
            self.b.add("needs", child=keep, code=code[~clash], rank=rank, recorded_on=recorded[keep])
            if rank == 2:
                self._has_rank2 = np.zeros(n, dtype=bool)
                self._has_rank2[keep] = True
                self._rank2_code = np.full(n, -1, dtype=np.int64)
                self._rank2_code[keep] = code[~clash]

    # ---------------- placements ----------------

    def _pool(self, est: str, phase: str, provision: str = "none", area: str = "in") -> int:
        key = (est, phase, provision, area)
        if key not in self.pools:
            self.pools[key] = len(self.pools)
        return self.pools[key]

    def _ms_types(self, n: int) -> np.ndarray:
        return np.array(["MS_LA", "MS_ACADEMY", "MS_FREE"])[weighted_choice(self.rng, self.ms_mix, n)]

    def _pools_for(self, est_types: np.ndarray, phases: np.ndarray, provision: np.ndarray | None = None,
                   out_share: float = 0.0) -> np.ndarray:
        n = len(est_types)
        provision = provision if provision is not None else np.full(n, "none")
        area = np.where(self.rng.random(n) < out_share, "out", "in")
        return np.array([self._pool(e, p, v, a) for e, p, v, a in zip(est_types, phases, provision, area, strict=True)],
                        dtype=np.int64)

    def placements(self):
        rng, c, n = self.rng, self.c, self.n
        P = self.phase_start
        age = c["age"].astype(np.int64)
        ncy = age - 4
        phase_now = np.select([ncy < 0, ncy <= 6, ncy <= 11, ncy <= 14], [0, 1, 2, 3], 4)
        key = np.array(ALL_SETTINGS)[c["setting"]]
        idx = np.arange(n)
        dob = c["dob"].astype(np.int64)
        P_now = P[phase_now, idx]
        plan = self.plan_final
        school_entry = np.where(age >= 4, P[1], np.maximum(dob + 900, P[0]))

        est = np.full(n, "", dtype=object)
        phase = np.full(n, "NA", dtype=object)
        prov = np.full(n, "none", dtype=object)
        ptype = np.zeros(n, dtype=np.int64)
        out_share = np.zeros(n)
        start = np.full(n, NONE, dtype=np.int64)
        ms_phase = np.where(phase_now <= 1, "PRIMARY", "SECONDARY")

        def where(*keys):
            return np.isin(key, keys)

        m = where(*_MS, "k_primary", "k_secondary")
        types = self._ms_types(n)
        for prefix, t in (("ms_la", "MS_LA"), ("ms_academy", "MS_ACADEMY"), ("ms_free", "MS_FREE")):
            types[np.char.startswith(key.astype(str), prefix)] = t
        est[m], phase[m], out_share[m] = types[m], ms_phase[m], OUT_OF_AREA["MS"]
        for suffix in ("rp", "unit"):
            mm = np.char.endswith(key.astype(str), "_" + suffix)
            prov[mm], ptype[mm] = suffix, PLACEMENT_TYPES.index("UNIT")
        moved = rng.random(n) < 0.1
        start[m] = np.where(moved[m], P_now[m] + (rng.random(m.sum()) * (R - P_now[m])).astype(np.int64), P_now[m])
        start[m] = np.maximum(start[m], np.where(phase_now[m] == 0, dob[m] + 1000, 0))

        m = where("ms_independent", "k_independent")
        est[m], phase[m] = "MS_INDEPENDENT", "ALL_THROUGH"
        start[m] = np.where(moved[m], P_now[m] + (rng.random(m.sum()) * (R - P_now[m])).astype(np.int64),
                            np.maximum(P_now[m], school_entry[m]))

        m = where("sp_la", "sp_academy", "k_special")
        sp_types = np.where(key == "sp_academy", "SP_ACADEMY",
                            np.where(key == "sp_la", "SP_LA", np.array(["SP_LA", "SP_ACADEMY"])[
                                weighted_choice(rng, self.sp_mix, n)]))
        est[m], phase[m], out_share[m] = sp_types[m], "ALL_THROUGH", OUT_OF_AREA["SP"]
        for k_est, k in (("SP_INDEPENDENT", "sp_independent"), ("SP_NON_MAINTAINED", "sp_non_maintained"),
                         ("SP_NON_MAINTAINED", "k_nmss")):
            mm = key == k
            est[mm], phase[mm] = k_est, "ALL_THROUGH"
        m = where("sp_la", "sp_academy", "k_special", "sp_independent", "sp_non_maintained", "k_nmss")
        move = np.where(plan >= 0, plan + (14 + rng.random(n) * 136).astype(np.int64), school_entry)
        start[m] = np.minimum(np.maximum(move[m], school_entry[m]), R - 7)
        residential = where("sp_independent", "sp_non_maintained")
        u = rng.random(n)
        ptype[residential & (u < 0.15)] = PLACEMENT_TYPES.index("RES_38_51")
        ptype[residential & (u >= 0.15) & (u < 0.2)] = PLACEMENT_TYPES.index("RES_52")

        m = where("ap", "k_ap")
        est[m], phase[m] = "AP_PRU", "SECONDARY"
        start[m] = np.minimum(np.maximum(R - (20 + rng.random(m.sum()) * 520).astype(np.int64),
                                         np.maximum(P_now[m], school_entry[m])), R - 7)

        m = where("fe", "post16_specialist")
        est[m] = np.where(key[m] == "fe", "FE", "SPECIALIST_POST16")
        phase[m], out_share[m] = "POST16", np.where(key[m] == "fe", OUT_OF_AREA["FE"], 0)
        adult_course = np.maximum(P[4][m], R - (60 + rng.random(m.sum()) * 1040).astype(np.int64))
        start[m] = np.where(phase_now[m] >= 4, adult_course, P[3][m])
        young = m & (age < 16)
        start[young] = R - (30 + rng.random(young.sum()) * 270).astype(np.int64)

        m = where("early_years", "k_nursery")
        est[m], phase[m] = "EARLY_YEARS", "EY"
        start[m] = np.minimum(np.maximum(dob[m] + 730 + (rng.random(m.sum()) * 240).astype(np.int64), R - 700),
                              R - 14)
        start[m] = np.maximum(start[m], dob[m] + 365)

        m = key == "ola"
        est[m], phase[m], ptype[m] = "OTHER", "NA", PLACEMENT_TYPES.index("EOTAS")
        start[m] = np.minimum(np.maximum(R - (30 + rng.random(m.sum()) * 670).astype(np.int64), school_entry[m]), R - 7)

        current = est != ""
        rows = np.flatnonzero(current)
        pools = np.array([self._pool(e, p, v, "out" if rng.random() < s else "in")
                          for e, p, v, s in zip(est[rows], phase[rows], prov[rows], out_share[rows], strict=True)],
                         dtype=np.int64)
        shared_types = {"SP_INDEPENDENT", "SPECIALIST_POST16", "SP_NON_MAINTAINED"}
        for i, e in enumerate(est[rows]):
            if e in shared_types:
                pools[i] = self._pool(e, "shared", "none", "shared")
        self.b.add("placements", child=rows, pool=pools, placement_type=ptype[rows], start=start[rows], end=NONE)

        # Children with no current setting: their last placement ended before census day.
        nowhere = np.flatnonzero(~current & (age >= 5))
        last_end = np.minimum(np.maximum(R - (10 + rng.random(len(nowhere)) * 500).astype(np.int64),
                                         school_entry[nowhere] + 200), R - 5)
        neet = key[nowhere] == "neet"
        last_end[neet] = np.minimum(np.maximum(R - (30 + rng.random(neet.sum()) * 1200).astype(np.int64),
                                               P[3][nowhere[neet]] + 60), R - 5)
        self.last_end = np.full(n, NONE, dtype=np.int64)
        self.last_end[nowhere] = last_end
        last_phase = (P[:, nowhere] <= last_end[None, :]).sum(axis=0) - 1
        last_phase = np.clip(last_phase, 1, 4)
        last_start = P[last_phase, nowhere]
        last_est = np.where(last_phase >= 3, np.where(rng.random(len(nowhere)) < 0.6, "FE", "MS"), "MS")
        ms = last_est == "MS"
        last_types = np.where(ms, self._ms_types(len(nowhere)), "FE")
        last_phase_name = np.where(last_est == "FE", "POST16", np.where(last_phase <= 1, "PRIMARY", "SECONDARY"))
        last_pools = self._pools_for(last_types, last_phase_name)
        self.b.add("placements", child=nowhere, pool=last_pools, placement_type=0, start=last_start, end=last_end)

        # Earlier placements, back to September 2015, changing at each phase transfer.
        chain_end = np.full(n, NONE, dtype=np.int64)
        chain_end[rows] = start[rows]
        chain_end[nowhere] = last_start
        has_chain = chain_end > HISTORY_START
        for _ in range(5):
            kids = np.flatnonzero(has_chain)
            if not len(kids):
                break
            end = chain_end[kids]
            ph = (P[:, kids] <= end[None, :]).sum(axis=0) - 1  # phase the later placement began in
            ph_start = P[np.clip(ph, 0, 4), kids]
            mid = (ph >= 0) & (end > ph_start + 30)  # began mid-phase: the child was elsewhere in that phase
            seg_phase = np.where(mid, ph, ph - 1)
            seg_start = np.where(mid, ph_start, P[np.clip(ph - 1, 0, 4), kids])
            seg_start = np.where(seg_phase == 0, np.maximum(seg_start, dob[kids] + 900), seg_start)
            valid = (seg_phase >= 0) & (seg_start < end - 20) & (end > HISTORY_START)
            # only some children have an early-years setting on record
            ey = seg_phase == 0
            keep_ey = rng.random(len(kids)) < np.where(self.c["status"][kids] == 2, 0.6, 0.3)
            valid &= ~ey | keep_ey
            kids, seg_phase, seg_start, end = kids[valid], seg_phase[valid], seg_start[valid], end[valid]
            if not len(kids):
                break
            seg_est = np.where(seg_phase == 0, "EARLY_YEARS", self._ms_types(len(kids)))
            sixth_form_college = (seg_phase >= 3) & (rng.random(len(kids)) < 0.6)
            seg_est = np.where(sixth_form_college, "FE", seg_est)
            seg_phase_name = np.select([seg_phase == 0, seg_phase == 1, sixth_form_college], ["EY", "PRIMARY", "POST16"],
                                       "SECONDARY")
            self.b.add("placements", child=kids, pool=self._pools_for(seg_est, seg_phase_name), placement_type=0,
                       start=seg_start, end=end)
            has_chain = np.zeros(n, dtype=bool)
            has_chain[kids] = seg_start > HISTORY_START
            chain_end[kids] = seg_start
        self.current_est = est
        self.current_start = np.where(current, start, NONE)

    # ---------------- requests, assessments, plans and reviews ----------------

    def requests_and_events(self):
        rng, c, n = self.rng, self.c, self.n
        b = self.b
        dob = c["dob"].astype(np.int64)
        e = np.flatnonzero((c["status"] == 2) & ~self.transfer)
        final = self.plan_final[e]
        # 20-week timeliness at the LA's published rate, the rest spread over the following year
        timely = rng.random(len(e)) < self.t.within_20_weeks
        total = np.where(timely, 75 + rng.random(len(e)) * 65, 141 + rng.exponential(70, len(e))).astype(np.int64)
        total = np.minimum(total, 420)
        received = final - total
        too_early = received < max(REFORM, 0)
        self.transfer[e[too_early]] = True  # a plan this old came from a statement
        e, final, received, total = e[~too_early], final[~too_early], received[~too_early], total[~too_early]
        m = len(e)
        decision = received + np.minimum(np.where(rng.random(m) < 0.9, 21 + rng.random(m) * 21, 43 + rng.random(m) * 30),
                                         total - 50).astype(np.int64)
        advice_req = decision + (rng.random(m) * 4).astype(np.int64)
        draft = final - (15 + rng.random(m) * 20).astype(np.int64)
        draft = np.maximum(draft, advice_req + 10)
        source = weighted_choice(rng, np.array([0.35, 0.5, 0.08, 0.03, 0.04]), m)
        lead = c["lead"][e]
        first_request = self._next_request
        self._add_requests(e, received, source, REQUEST_STATUSES.index("plan_issued"), lead, closed=final)
        req = first_request + np.arange(m)
        b.add("events", child=e, request=req, event_type=EV["request_received"], occurred_on=received, detail=D_NONE)
        b.add("events", child=e, request=req, event_type=EV["decision_to_assess"], occurred_on=decision, detail=D_ASSESS)
        for detail in (D_EP, D_HEALTH, D_SOCIAL):
            b.add("events", child=e, request=req, event_type=EV["advice_requested"], occurred_on=advice_req, detail=detail)
            got = np.minimum(advice_req + (20 + rng.random(m) * 30).astype(np.int64), draft - 3)
            b.add("events", child=e, request=req, event_type=EV["advice_received"], occurred_on=got, detail=detail)
        b.add("events", child=e, request=req, event_type=EV["draft_plan_sent"], occurred_on=draft, detail=D_NONE)
        b.add("events", child=e, request=req, event_type=EV["final_plan_issued"], occurred_on=final, detail=D_NONE)

        tr = np.flatnonzero(self.transfer)
        b.add("events", child=tr, request=NONE, event_type=EV["final_plan_issued"], occurred_on=self.plan_final[tr],
              detail=D_TRANSFER)

        # annual reviews: meeting within the year, decision within about four weeks
        plans = np.flatnonzero(c["status"] == 2)
        pf = self.plan_final[plans]
        for k in range(1, 9):
            meeting = pf + 365 * k - (rng.random(len(plans)) * 45).astype(np.int64)
            held = meeting < R - 3
            if not held.any():
                break
            kids, meet = plans[held], meeting[held]
            b.add("events", child=kids, request=NONE, event_type=EV["annual_review_meeting"], occurred_on=meet,
                  detail=D_NONE)
            decided = meet + np.where(rng.random(len(kids)) < 0.85, 5 + rng.random(len(kids)) * 23,
                                      29 + rng.random(len(kids)) * 40).astype(np.int64)
            done = decided < R
            outcome = np.where(rng.random(len(kids)) < 0.62, D_MAINTAIN, D_AMEND)
            b.add("events", child=kids[done], request=NONE, event_type=EV["review_decision"], occurred_on=decided[done],
                  detail=outcome[done])

        self._k_requests(dob)

    def _add_requests(self, children, received, source, status, caseworker, closed=NONE):
        n = len(children)
        self.b.add("requests", child=children, received_on=received, source=source, status=status,
                   caseworker=caseworker, closed_on=closed)
        self._next_request += n

    def _k_requests(self, dob):
        """Refused, not issued, withdrawn and in-flight requests for children on SEN support."""
        rng, c, b, t, s = self.rng, self.c, self.b, self.t, self.scale
        k = np.flatnonzero((c["status"] == 1) & (c["age"] >= 3))
        if not len(k):
            return
        per_year = t.requests_per_year * s
        years = (R - day(date(2015, 1, 1))) / 365.25

        def pick(count, pool):
            count = int(min(round(count), len(pool)))
            return rng.choice(pool, count, replace=False) if count > 0 else np.zeros(0, dtype=np.int64)

        def when(kids, lo, hi):
            earliest = np.maximum(dob[kids] + 3 * 365, max(lo, REFORM))
            return (earliest + rng.random(len(kids)) * np.maximum(hi - earliest, 1)).astype(np.int64)

        free = np.zeros(self.n, dtype=bool)
        free[k] = True

        def take(count):
            chosen = pick(count, np.flatnonzero(free))
            free[chosen] = False
            return chosen

        # refused at the decision whether to assess
        refused = take(per_year * t.refusal_rate * years)
        rec = when(refused, day(date(2015, 1, 1)), R - 60)
        dec = rec + (20 + rng.random(len(refused)) * 22).astype(np.int64)
        self._chain(refused, rec, "not_assess", [("decision_to_assess", dec, D_NOT_ASSESS)])
        # assessed, then a decision not to issue a plan
        not_issued = take(t.new_plans_per_year * s * 0.06 * years)
        rec = when(not_issued, day(date(2015, 1, 1)), R - 150)
        dec = rec + (25 + rng.random(len(not_issued)) * 17).astype(np.int64)
        adv = dec + (rng.random(len(not_issued)) * 4).astype(np.int64)
        got = adv + (20 + rng.random(len(not_issued)) * 30).astype(np.int64)
        no = rec + (90 + rng.random(len(not_issued)) * 22).astype(np.int64)
        self._chain(not_issued, rec, "not_issued", [("decision_to_assess", dec, D_ASSESS),
                                                     ("advice_requested", adv, D_EP), ("advice_received", got, D_EP),
                                                     ("decision_not_to_issue", no, D_NONE)])
        # withdrawn
        withdrawn = take(per_year * 0.02 * years)
        rec = when(withdrawn, day(date(2015, 1, 1)), R - 30)
        self._chain(withdrawn, rec, "withdrawn",
                    [("request_withdrawn", rec + (5 + rng.random(len(withdrawn)) * 50).astype(np.int64), D_NONE)])
        # in flight on census day: received in the last 20 weeks
        inflight = take(per_year * (1 - t.refusal_rate) * 140 / 365)
        rec = R - (1 + rng.random(len(inflight)) * 139).astype(np.int64)
        rec = np.maximum(rec, dob[inflight] + 3 * 365)
        waited = R - rec
        deciding = waited <= 42
        lead = np.where(rng.random(len(inflight)) < 0.8, 1, 2).astype(np.int8)
        c["lead"][inflight] = np.maximum(c["lead"][inflight], lead)
        first = self._next_request
        drafted = ~deciding & (waited > 112)
        status = np.select([deciding, drafted], [REQUEST_STATUSES.index("pending"), REQUEST_STATUSES.index("draft")],
                           REQUEST_STATUSES.index("assess"))
        self._add_requests(inflight, rec, weighted_choice(rng, np.array([0.35, 0.5, 0.08, 0.03, 0.04]), len(inflight)),
                           status, lead)
        req = first + np.arange(len(inflight))
        b.add("events", child=inflight, request=req, event_type=EV["request_received"], occurred_on=rec, detail=D_NONE)
        a = ~deciding
        dec = rec[a] + (21 + rng.random(a.sum()) * 21).astype(np.int64)
        dec = np.minimum(dec, R - 1)
        b.add("events", child=inflight[a], request=req[a], event_type=EV["decision_to_assess"], occurred_on=dec,
              detail=D_ASSESS)
        for detail in (D_EP, D_HEALTH, D_SOCIAL):
            b.add("events", child=inflight[a], request=req[a], event_type=EV["advice_requested"], occurred_on=dec,
                  detail=detail)
            got = dec + (20 + rng.random(a.sum()) * 30).astype(np.int64)
            arrived = got < R
            b.add("events", child=inflight[a][arrived], request=req[a][arrived], event_type=EV["advice_received"],
                  occurred_on=got[arrived], detail=detail)
        b.add("events", child=inflight[drafted], request=req[drafted], event_type=EV["draft_plan_sent"],
              occurred_on=np.minimum(rec[drafted] + 112 + (rng.random(drafted.sum()) * 10).astype(np.int64), R - 1),
              detail=D_NONE)

    def _chain(self, kids, received, status, steps):
        if not len(kids):
            return
        first = self._next_request
        source = weighted_choice(self.rng, np.array([0.45, 0.4, 0.08, 0.03, 0.04]), len(kids))
        self._add_requests(kids, received, source, REQUEST_STATUSES.index(status), 0,
                           closed=np.minimum(steps[-1][1], R - 1))
        req = first + np.arange(len(kids))
        self.b.add("events", child=kids, request=req, event_type=EV["request_received"], occurred_on=received,
                   detail=D_NONE)
        for event, on, detail in steps:
            self.b.add("events", child=kids, request=req, event_type=EV[event], occurred_on=np.minimum(on, R - 1),
                       detail=detail)

    # ---------------- cohort flags ----------------

    def flags(self):
        rng, c, t, s, n = self.rng, self.c, self.t, self.scale, self.n
        age = c["age"]
        dob = c["dob"].astype(np.int64)
        status = c["status"]
        school_age = (age >= 4) & (age <= 17)
        key = np.array(ALL_SETTINGS)[c["setting"]]
        national = {"CLA": (0.045, 0.008), "CIN": (0.04, 0.012), "CPP": (0.009, 0.006)}  # of pupils, if suppressed
        taken = np.zeros(n, dtype=bool)
        for group in ("CLA", "CPP", "CIN"):
            e_count, k_count = t.social_care.get(group, (None, None))
            if group == "CIN":  # children in need includes the looked-after and those on a plan
                cla, cpp = t.social_care.get("CLA", (0, 0)), t.social_care.get("CPP", (0, 0))
                e_count = None if e_count is None else max(e_count - (cla[0] or 0) - (cpp[0] or 0), 0)
                k_count = None if k_count is None else max(k_count - (cla[1] or 0) - (cpp[1] or 0), 0)
            for st_code, count, fallback in ((2, e_count, national[group][0]), (1, k_count, national[group][1])):
                pool = np.flatnonzero((status == st_code) & school_age & ~taken)
                wanted = count * s if count is not None else fallback * len(pool)
                wanted = int(min(round(wanted), len(pool)))
                if wanted <= 0:
                    continue
                kids = rng.choice(pool, wanted, replace=False)
                taken[kids] = True
                begin = np.maximum(R - (30 + rng.random(wanted) * 2000).astype(np.int64), dob[kids] + 30)
                self.b.add("flags", child=kids, flag=FLAGS.index("LAC" if group == "CLA" else group), start=begin,
                           end=NONE)
        # earlier episodes that have ended
        past = np.flatnonzero((age >= 6) & (rng.random(n) < 0.015))
        begin = np.maximum(R - (400 + rng.random(len(past)) * 1800).astype(np.int64), dob[past] + 365)
        self.b.add("flags", child=past, flag=FLAGS.index("CIN"), start=begin,
                   end=np.minimum(begin + (90 + rng.random(len(past)) * 600).astype(np.int64), R - 10))
        for flag, rate_e, rate_k, lo, hi in (("YJ", 0.012, 0.005, 10, 17), ("SUSPENDED", 0.04, 0.02, 5, 17),
                                             ("YOUNG_CARER", 0.01, 0.01, 8, 17)):
            kids = np.flatnonzero((age >= lo) & (age <= hi) & (rng.random(n) < np.where(status == 2, rate_e, rate_k)))
            begin = R - (10 + rng.random(len(kids)) * 500).astype(np.int64)
            end = np.where(flag == "SUSPENDED", begin + 1 + (rng.random(len(kids)) * 5).astype(np.int64), NONE)
            end = np.where((flag == "YJ") & (rng.random(len(kids)) < 0.5), np.minimum(begin + 180, R - 1), end)
            self.b.add("flags", child=kids, flag=FLAGS.index(flag), start=begin, end=end)
        for flag, setting in (("EHE", "ehe"), ("PERM_EXCLUDED", "perm_excluded")):
            kids = np.flatnonzero(key == setting)
            begin = np.where(self.last_end[kids] >= 0, self.last_end[kids], R - 60)
            self.b.add("flags", child=kids, flag=FLAGS.index(flag), start=begin, end=NONE)
        kids = np.flatnonzero((key == "awaiting") & (age >= 5) & (age <= 15) & (rng.random(n) < 0.3))
        self.b.add("flags", child=kids, flag=FLAGS.index("CME"),
                   start=np.where(self.last_end[kids] >= 0, self.last_end[kids], R - 30), end=NONE)

    # ---------------- parents ----------------

    def parents_table(self) -> Table:
        rng, c, n = self.rng, self.c, self.n
        two = rng.random(n) < 0.3
        child = np.r_[np.arange(n), np.flatnonzero(two)]
        m = len(child)
        first_is_mother = rng.random(n) < 0.85
        mother = np.r_[first_is_mother, ~first_is_mother[two]]
        relationship = np.where(mother, 0, 1)
        other = rng.random(m) < 0.04
        relationship[other] = rng.choice([2, 3, 5], other.sum())
        looked_after = np.zeros(n, dtype=bool)
        if len(self.b.parts["flags"]):
            f = _concat(self.b.parts["flags"])
            looked_after[f["child"][(f["flag"] == FLAGS.index("LAC")) & (f["end"] == NONE)]] = True
        foster = looked_after[child] & (np.r_[np.ones(n, bool), np.zeros(two.sum(), bool)])
        relationship[foster] = RELATIONSHIPS_FOSTER
        first = np.where(mother, rng.integers(0, len(names.ADULT_NAMES_F), m), rng.integers(0, len(names.ADULT_NAMES_M), m))
        same_name = rng.random(m) < 0.8
        last = np.where(same_name, c["last"][child], rng.integers(0, len(names.SURNAMES), m))
        return Table({
            "child": child.astype(np.int32), "mother": mother, "first": first.astype(np.int16),
            "last": last.astype(np.int16), "relationship": relationship.astype(np.int8),
            "responsibility": ~np.isin(relationship, [RELATIONSHIPS_FOSTER, 2]),
            "phone": rng.integers(0, 1000, m).astype(np.int16),
            "house": rng.integers(1, 180, m).astype(np.int16),
            "street": rng.integers(0, len(names.STREET_STEMS) * len(names.STREET_TYPES), m).astype(np.int16),
            "town": rng.integers(0, len(names.PLACES), m).astype(np.int16),
            "contact": weighted_choice(rng, np.array([0.6, 0.25, 0.05, 0.1]), m).astype(np.int8),
            "language": c["language"][child],
            "user": np.zeros(m, dtype=np.int8),
        })

    # ---------------- establishments ----------------

    def establishments(self, shared: SharedEstablishments) -> Table:
        """Create this LA's establishments to fit the placements, and map each pool to establishments."""
        rng, t, s = self.rng, self.t, self.scale
        placements = self.b.table("placements", SCHEMAS["placements"]).columns
        pool_of = placements["pool"].astype(np.int64)
        current = placements["end"] == NONE
        demand_now = np.bincount(pool_of[current], minlength=len(self.pools))
        demand_all = np.bincount(pool_of, minlength=len(self.pools))
        rows: list[dict] = []
        members: dict[int, list[int]] = {}
        places = list(rng.permutation(names.PLACES))
        used_names: set[str] = set()
        urn = iter(range(int(f"8{t.old_la_code}0001"), int(f"8{t.old_la_code}9999")))
        neighbours = list(t.neighbours) or [(t.old_la_code, t.la_name)]

        def new_name(kinds) -> str:
            for _ in range(200):
                place = places[int(rng.integers(0, len(places)))]
                kind = kinds[int(rng.integers(0, len(kinds)))]
                name = f"{place} {kind}"
                if name not in used_names:
                    used_names.add(name)
                    return name
            name = f"{places[int(rng.integers(0, len(places)))]} {kinds[0]} {len(used_names)}"
            used_names.add(name)
            return name

        def add(pool_id, est_type, phase, provision, area):
            shape = EST_SHAPE[("MS" if est_type.startswith("MS_") and est_type != "MS_INDEPENDENT" else
                               "SP" if est_type in ("SP_LA", "SP_ACADEMY") else est_type, phase)]
            phase_name, low, high, kinds = shape
            code, la_name = (t.old_la_code, t.la_name) if area == "in" else neighbours[int(rng.integers(0, len(neighbours)))]
            row = dict(name=new_name(kinds), establishment_type=est_type, phase=phase_name, age_low=low,
                       age_high=high, la_code=code, la_name=la_name, urn=next(urn), ukprn=NONE, s41_approved=False,
                       s41_approved_on=NONE, has_sen_unit=provision == "unit",
                       sen_unit_places=int(rng.integers(8, 25)) if provision == "unit" else None,
                       has_resourced_provision=provision == "rp",
                       resourced_provision_places=int(rng.integers(8, 25)) if provision == "rp" else None,
                       designated_needs=[])
            if est_type == "FE":
                row["ukprn"] = int(f"9{t.old_la_code}{len(rows):04d}")
            if est_type in ("SP_LA", "SP_ACADEMY"):
                row["designated_needs"] = sorted(set(rng.choice(["ASD", "SLD", "PMLD", "MLD", "SEMH", "SLCN"],
                                                                int(rng.integers(1, 4)))))
            if provision in ("rp", "unit"):
                row["designated_needs"] = [str(rng.choice(["ASD", "SLCN", "HI", "SEMH", "SPLD", "VI"]))]
            if est_type == "OTHER":
                row["name"] = f"{t.la_name} {kinds[0]}"
            rows.append(row)
            members.setdefault(pool_id, []).append(len(rows) - 1)

        primary_total = max(1, round(t.all_pupils * 0.52 / 280 * s))
        secondary_total = max(1, round(t.all_pupils * 0.40 / 950 * s))
        ms_types = ("MS_LA", "MS_ACADEMY", "MS_FREE")
        for key, pool_id in sorted(self.pools.items(), key=lambda kv: kv[1]):
            est_type, phase, provision, area = key
            if area == "shared":
                continue
            d_now, d_all = demand_now[pool_id], demand_all[pool_id]
            if est_type in ms_types and provision == "none" and area == "in":
                total = primary_total if phase == "PRIMARY" else secondary_total
                count = max(1, int(round(total * self.ms_mix[ms_types.index(est_type)])))
            elif area == "out":
                base = "MS" if est_type in ms_types else "SP" if est_type.startswith("SP") else "FE"
                count = max(1, int(np.ceil(d_now / CAPACITY["out_" + base])))
            elif provision in ("rp", "unit"):
                count = max(1, int(np.ceil(d_now / CAPACITY[provision])))
            else:
                base = "SP" if est_type in ("SP_LA", "SP_ACADEMY") else est_type
                count = max(1, int(np.ceil(d_now / CAPACITY[base]))) if d_all else 0
            for _ in range(count):
                add(pool_id, est_type, phase, provision, area)

        n_local = len(rows)
        # candidates for each pool: its own establishments, plus (for general mainstream pools) the
        # same-type schools that also run a resourced provision or unit
        candidates: dict[int, np.ndarray] = {}
        weights: dict[int, np.ndarray] = {}
        size = rng.lognormal(0, 0.5, n_local)
        for key, pool_id in self.pools.items():
            est_type, phase, provision, area = key
            if area == "shared":
                options = shared.pool(est_type)
                region = shared.region[options]
                home = np.array([shared.table["la_code"][i] == t.old_la_code for i in options])
                w = np.where(home, 20.0, np.where(region == t.region_name, 4.0, 1.0))
                candidates[pool_id], weights[pool_id] = n_local + options, w
                continue
            own = list(members.get(pool_id, []))
            if provision == "none":
                for other_key, other_id in self.pools.items():
                    if other_key[:2] == key[:2] and other_key[3] == area and other_key[2] in ("rp", "unit"):
                        own += members.get(other_id, [])
            candidates[pool_id] = np.array(own, dtype=np.int64)
            weights[pool_id] = size[own]
        table = Table({k: [r[k] for r in rows] for k in rows[0]}) if rows else Table({})
        table.columns.update(_addresses(rng, n_local))
        # each placement picks an establishment in its pool (local index, or n_local + shared index)
        self._placement_est = choose_per_group(rng, pool_of, candidates, weights)
        return table

    # ---------------- final ordering ----------------

    def reorder(self):
        """Shuffle children so ids do not group by status or setting; remap every child reference."""
        perm = self.rng.permutation(self.n)
        new_of_old = np.empty(self.n, dtype=np.int64)
        new_of_old[perm] = np.arange(self.n)
        self.c = {k: v[perm] for k, v in self.c.items()}
        for name, parts in self.b.parts.items():
            for part in parts:
                part["child"] = new_of_old[part["child"]]
        # placements: replace pool with the establishment already chosen, in concatenation order
        offset = 0
        for part in self.b.parts["placements"]:
            k = len(part["pool"])
            part["pool"] = self._placement_est[offset : offset + k]
            offset += k


RELATIONSHIPS_FOSTER = names.RELATIONSHIPS.index("Foster carer")
