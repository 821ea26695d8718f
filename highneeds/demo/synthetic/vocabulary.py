"""The synthetic council's code lists and the seed patterns its joint distributions are fitted to."""

from __future__ import annotations

from datetime import date

import numpy as np

from highneeds.engine import publicdata

from . import names
from .helpers import day

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
EVENT_TYPES = (
    "request_received",
    "decision_to_assess",
    "advice_requested",
    "advice_received",
    "decision_not_to_issue",
    "draft_plan_sent",
    "final_plan_issued",
    "annual_review_meeting",
    "review_decision",
    "plan_ceased",
    "request_withdrawn",
)
EV = {e: i for i, e in enumerate(EVENT_TYPES)}
DETAILS = (
    {},
    {"outcome": "assess"},
    {"outcome": "not_assess"},
    {"outcome": "maintain"},
    {"outcome": "amend"},
    {"outcome": "cease"},
    {"route": "transfer_from_statement"},
    {"adviser": "educational_psychology"},
    {"adviser": "health"},
    {"adviser": "social_care"},
    {"reason": "2", "reason_label": "Needs met without a plan"},
)
D_NONE, D_ASSESS, D_NOT_ASSESS, D_MAINTAIN, D_AMEND, D_CEASE, D_TRANSFER, D_EP, D_HEALTH, D_SOCIAL, D_NEEDS_MET = range(
    11
)
CONTACTS = ("EMAIL", "PHONE", "POST", "TEXT")
LEADS = (None, "caseworker", "manager")

# ---- seeds for the joint distributions (relative propensities; the margins are exact) ----

MAINSTREAM_KEYS = (
    "ms_la",
    "ms_la_rp",
    "ms_la_unit",
    "ms_academy",
    "ms_academy_rp",
    "ms_academy_unit",
    "ms_free",
    "ms_free_rp",
    "ms_free_unit",
)
_SPECIAL = ("sp_la", "sp_academy", "sp_non_maintained")
# EHC plans: propensity of each age group (Under 5, 5-10, 11-15, 16-19, 20-25) for each setting.
AGE_SEED = {
    **{k: (0.3, 1, 1, 0.3, 0) for k in MAINSTREAM_KEYS},
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
    **{k: _ages({3: 0.15, 4: 1, (5, 15): 1, 16: 0.55, 17: 0.45, 18: 0.05}) for k in MAINSTREAM_KEYS},
    "ms_independent": _ages({4: 0.5, (5, 15): 1, 16: 0.6, 17: 0.5, 18: 0.1}),
    **{k: _ages({2: 0.05, 3: 0.2, 4: 0.6, (5, 15): 1, 16: 0.85, 17: 0.8, 18: 0.6}) for k in _SPECIAL},
    "sp_independent": _ages({4: 0.1, (5, 10): 0.6, (11, 15): 1, 16: 0.8, 17: 0.7, 18: 0.5}),
    "ap": _ages(
        {5: 0.1, 6: 0.15, 7: 0.2, 8: 0.3, 9: 0.4, 10: 0.5, 11: 0.7, 12: 0.9, 13: 1.1, 14: 1.3, 15: 1.4, 16: 0.1}
    ),
    "fe": _ages(
        {(14, 15): 0.01, 16: 1, 17: 1, 18: 0.9, 19: 0.7, 20: 0.45, 21: 0.3, 22: 0.2, 23: 0.12, 24: 0.07, 25: 0.03}
    ),
    "post16_specialist": _ages(
        {16: 0.5, 17: 0.8, 18: 1, 19: 1, 20: 0.8, 21: 0.6, 22: 0.4, 23: 0.25, 24: 0.12, 25: 0.05}
    ),
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


_NEED_MS = _needs(
    ASD=1.0, SLCN=1.7, SEMH=1.2, SLD=0.12, MLD=1.2, SPLD=2.0, PD=1.0, PMLD=0.04, OTH=1.2, HI=1.4, VI=1.3, MSI=0.6
)
_NEED_RP = _needs(
    ASD=2.0, SLCN=1.8, SEMH=0.6, SLD=0.3, MLD=1.0, SPLD=0.8, PD=0.8, PMLD=0.1, OTH=0.8, HI=2.0, VI=1.2, MSI=0.8
)
_NEED_SPECIAL = _needs(
    ASD=1.2, SLCN=0.4, SEMH=0.6, SLD=2.3, MLD=1.0, SPLD=0.15, PD=1.0, PMLD=2.6, OTH=0.5, HI=0.7, VI=0.7, MSI=1.6
)
_NEED_ELSEWHERE = _needs(
    ASD=1.3, SLCN=0.6, SEMH=2.0, SLD=0.5, MLD=0.9, SPLD=0.6, PD=0.6, PMLD=0.3, OTH=1.0, HI=0.6, VI=0.6, MSI=0.5
)
NEED_SEED_E = {
    **{k: (_NEED_RP if k.endswith(("_rp", "_unit")) else _NEED_MS) for k in MAINSTREAM_KEYS},
    "ms_independent": _NEED_MS,
    "sp_la": _NEED_SPECIAL,
    "sp_academy": _NEED_SPECIAL,
    "sp_non_maintained": _needs(
        ASD=1.2, SLCN=0.8, SEMH=0.8, SLD=0.8, MLD=0.5, PD=1.8, PMLD=1.5, HI=4, VI=4, MSI=4, OTH=0.8, SPLD=0.5
    ),
    "sp_independent": _needs(
        ASD=2.2, SLCN=0.4, SEMH=2.2, SLD=0.6, MLD=0.4, SPLD=0.5, PD=0.3, PMLD=0.3, OTH=0.4, HI=0.6, VI=0.5, MSI=0.8
    ),
    "ap": _needs(0.1, SEMH=6.0, ASD=0.7, MLD=0.7, SLCN=0.4, SPLD=0.6, OTH=0.8),
    "fe": _needs(
        ASD=1.1, SLCN=0.7, SEMH=0.9, SLD=0.8, MLD=2.2, SPLD=1.6, PD=0.9, PMLD=0.2, OTH=1.0, HI=1.1, VI=1.1, MSI=0.5
    ),
    "post16_specialist": _needs(
        ASD=1.6, SLCN=0.4, SEMH=0.7, SLD=1.6, MLD=0.6, SPLD=0.2, PD=1.2, PMLD=1.6, OTH=0.6, HI=1, VI=1, MSI=1.5
    ),
    "early_years": _needs(
        ASD=1.1, SLCN=2.5, SEMH=0.15, SLD=1.0, MLD=0.2, SPLD=0.02, PD=2.2, PMLD=1.5, OTH=1.6, HI=1.6, VI=1.6, MSI=2.0
    ),
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
CAPACITY = {
    "rp": 12,
    "unit": 12,
    "SP": 110,
    "AP_PRU": 30,
    "FE": 200,
    "EARLY_YEARS": 3,
    "MS_INDEPENDENT": 25,
    "OTHER": 100000,
    "out_MS": 20,
    "out_SP": 25,
    "out_FE": 40,
}
OUT_OF_AREA = {"MS": 0.04, "SP": 0.12, "FE": 0.15}  # share of placements in a neighbouring LA's setting
