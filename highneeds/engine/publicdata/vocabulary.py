"""The categories the published tables use: age groups, need codes, settings and their groups, phase types."""

from __future__ import annotations

from dataclasses import dataclass

AGE_GROUPS: dict[str, tuple[int, int]] = {
    "Under 5": (0, 4),
    "Age 5 to 10": (5, 10),
    "Age 11 to 15": (11, 15),
    "Age 16 to 19": (16, 19),
    "Age 20 to 25": (20, 25),
}

NEED_CODES_EHCP = ("ASD", "SLCN", "SEMH", "SLD", "MLD", "SPLD", "PD", "PMLD", "OTH", "HI", "VI", "MSI")
NEED_CODES_SEN_SUPPORT = (*NEED_CODES_EHCP, "NSA")

# Fallback need mixes, used only because this copy of the data has no primary-need breakdown of EHC
# plans or SEN support (sen_needs_all_plans.csv is header-only; lait and the SEN-in-England files
# carry none; cin_by_sen_provision_la_raw.csv covers children in need only and does not split EHC
# plans from SEN support). They are approximate national shares for pupils in schools in England
# around January 2022, written down to the nearest half per cent: illustrative, NOT copied from a
# published table. They agree with the headlines of DfE's "Special educational needs in England"
# 2021/22 release (autism the primary need of almost a third of pupils with a plan; speech,
# language and communication the commonest need on SEN support), but check every figure against
# the publication before quoting it. Supply a sen_needs_all_plans.csv with rows to use real,
# LA-level shares for EHC plans instead.
FALLBACK_NEED_MIX: dict[str, dict[str, float]] = {
    "E": {
        "ASD": 30.0,
        "SLCN": 15.0,
        "SEMH": 14.0,
        "SLD": 12.0,
        "MLD": 11.0,
        "SPLD": 4.0,
        "PD": 4.0,
        "PMLD": 3.5,
        "OTH": 3.0,
        "HI": 2.0,
        "VI": 1.0,
        "MSI": 0.5,
    },
    "K": {
        "SLCN": 24.0,
        "MLD": 21.0,
        "SEMH": 19.0,
        "SPLD": 14.0,
        "ASD": 7.0,
        "NSA": 5.0,
        "OTH": 4.0,
        "PD": 2.5,
        "HI": 1.5,
        "SLD": 1.0,
        "VI": 0.8,
        "MSI": 0.2,
        "PMLD": 0.0,
    },
}
FALLBACK_NEED_SOURCE = "national fallback (approximate, no need mix in the shared data)"


@dataclass(frozen=True)
class Setting:
    key: str
    group: str
    columns: tuple[str, ...]
    establishment_type: str | None  # highneeds.engine.codes.ESTABLISHMENT_TYPES, None: no establishment
    placement_type: str = "ON_ROLL"
    label: str = ""
    provision: str = ""  # "rp" resourced provision, "unit" SEN unit


SETTINGS: tuple[Setting, ...] = (
    Setting("ms_la", "mainstream", ("mainstream_la_maintained",), "MS_LA", label="Mainstream LA maintained"),
    Setting(
        "ms_la_rp",
        "mainstream",
        ("mainstream_la_maintained_resourced_provision",),
        "MS_LA",
        "UNIT",
        "Mainstream LA maintained, resourced provision",
        "rp",
    ),
    Setting(
        "ms_la_unit",
        "mainstream",
        ("mainstream_la_maintained_senunit",),
        "MS_LA",
        "UNIT",
        "Mainstream LA maintained, SEN unit",
        "unit",
    ),
    Setting("ms_academy", "mainstream", ("mainstream_academy",), "MS_ACADEMY", label="Mainstream academy"),
    Setting(
        "ms_academy_rp",
        "mainstream",
        ("mainstream_academy_resourced_provision",),
        "MS_ACADEMY",
        "UNIT",
        "Mainstream academy, resourced provision",
        "rp",
    ),
    Setting(
        "ms_academy_unit",
        "mainstream",
        ("mainstream_academy_senunit",),
        "MS_ACADEMY",
        "UNIT",
        "Mainstream academy, SEN unit",
        "unit",
    ),
    Setting("ms_free", "mainstream", ("mainstream_free_school",), "MS_FREE", label="Mainstream free school"),
    Setting(
        "ms_free_rp",
        "mainstream",
        ("mainstream_free_school_resourced_provision",),
        "MS_FREE",
        "UNIT",
        "Mainstream free school, resourced provision",
        "rp",
    ),
    Setting(
        "ms_free_unit",
        "mainstream",
        ("mainstream_free_school_senunit",),
        "MS_FREE",
        "UNIT",
        "Mainstream free school, SEN unit",
        "unit",
    ),
    Setting(
        "ms_independent", "mainstream", ("mainstream_independent",), "MS_INDEPENDENT", label="Mainstream independent"
    ),
    Setting("sp_la", "special", ("special_la_maintained",), "SP_LA", label="Special LA maintained"),
    Setting("sp_academy", "special", ("special_academy_free",), "SP_ACADEMY", label="Special academy or free school"),
    Setting("sp_independent", "special", ("special_independent",), "SP_INDEPENDENT", label="Independent special"),
    Setting(
        "sp_non_maintained", "special", ("special_non_maintained",), "SP_NON_MAINTAINED", label="Non-maintained special"
    ),
    Setting(
        "ap",
        "ap",
        ("ap_pru_academy", "ap_pru_free_school", "ap_pru_la_maintained"),
        "AP_PRU",
        label="Alternative provision or PRU",
    ),
    Setting("fe", "fe", ("general_fe_tertiary_colleges", "ukrlp_provider"), "FE", label="FE college or sixth form"),
    Setting(
        "post16_specialist",
        "fe",
        ("specialist_post_16_institutions",),
        "SPECIALIST_POST16",
        label="Specialist post-16 institution",
    ),
    Setting("ehe", "elsewhere", ("elective_home_education",), None, label="Elective home education"),
    Setting("ola", "elsewhere", ("other_arrangements_la",), "OTHER", "EOTAS", "Other arrangements made by the LA"),
    Setting(
        "opa",
        "elsewhere",
        ("other_arrangements_parents", "online_provider"),
        None,
        label="Other arrangements made by parents",
    ),
    Setting("neet", "elsewhere", ("neet",), None, label="Not in education, employment or training"),
    Setting("early_years", "early_years", ("nm_early_years",), "EARLY_YEARS", label="Non-maintained early years"),
    Setting(
        "other",
        "other",
        ("other_placement_settings", "other_schools", "w_settings", "placement_unknown"),
        None,
        label="Other or not recorded",
    ),
    Setting("awaiting", "other", ("await_prov_2022",), None, label="Awaiting provision"),
    Setting("perm_excluded", "other", ("perm_ex_2022",), None, label="Permanently excluded"),
)
SETTING_KEYS = tuple(s.key for s in SETTINGS)
SETTINGS_BY_KEY = {s.key: s for s in SETTINGS}
SETTING_GROUPS: dict[str, str | None] = {  # group -> its published total column (None: the remainder)
    "mainstream": "mainstream_total",
    "special": "special_total",
    "ap": "ap_pru_total",
    "fe": "fe_total",
    "elsewhere": "ed_elsewhere",
    "early_years": "nm_early_years",
    "other": None,
}
GROUP_LABELS = {
    "mainstream": "Mainstream school",
    "special": "Special school",
    "ap": "AP / PRU",
    "fe": "FE and post-16",
    "elsewhere": "Educated elsewhere",
    "early_years": "Early years",
    "other": "Other / awaiting provision",
}
# Where a group's published total exceeds its known parts (a part was "x"), the rest goes here.
_GROUP_REMAINDER = {
    "mainstream": "ms_la",
    "special": "sp_la",
    "ap": "ap",
    "fe": "fe",
    "elsewhere": "ehe",
    "early_years": "early_years",
    "other": "other",
}

# Phase types in the SEN-in-England distribution file, for pupils on SEN support.
PHASE_TYPES = {
    "State-funded nursery": "nursery",
    "State-funded primary": "primary",
    "State-funded secondary": "secondary",
    "State-funded special school": "special",
    "State-funded AP school": "ap",
    "Independent school": "independent",
    "Non-maintained special school": "non_maintained_special",
}
