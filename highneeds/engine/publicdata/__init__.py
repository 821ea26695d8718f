"""Readers of the public DfE/ONS data (the shared `data` folder) as calibration targets per LA.

Pure Python and polars, no Django: give each function the data folder (Django keeps it in
``settings.SHARED_DATA_DIR``). Every frame is keyed by the 3-digit old LA number (``old_la_code``),
which is stable across the ONS code changes of North Yorkshire, Buckinghamshire and Somerset.

Conventions, held by every reader here:

* DfE suppression and missing markers (``x c z : u low`` and empty cells) become nulls, never 0.
* A cell that is neither a number nor a marker, a missing column, or an LA row without a
  3-digit LA number raises :class:`PublicDataError`, naming the file and the data row (row 1 is
  the first row after the header).
* Counts are ``Int64``; percentages and shares ``Float64``.

What this copy holds, and what is derived (say so wherever a figure is shown):

* **EHCP caseload, January 2022**: ``ehcp_sen2_2025/data/caseload.csv``, ``time_period`` 202122,
  breakdown "All EHC plans": total and the setting columns, at LA level, as published.
* **Age profile**: no file here breaks the January 2022 caseload down by age. The latest LA-level
  age breakdown is January 2021 (``ehcp_sen2_2022/data/sen2_age_caseload.csv``, whose
  ``time_period`` 2021 is the January 2021 caseload: its LA totals equal caseload.csv 202021).
  :func:`age_profile` returns those shares; targets apply them to the January 2022 total. North
  and West Northamptonshire (940, 941) did not exist in January 2021 and take Northamptonshire's
  (928) shares.
* **SEN support**: derived, see :func:`sen_support`.
* **Need mix**: see :func:`need_mix`: this copy has no primary need for EHC plans or SEN support
  by LA, nor nationally, so a documented national fallback is used unless a
  ``sen_needs_all_plans.csv`` with rows is supplied.
"""

from __future__ import annotations

from .children_in_need import CIN_FILE, social_care_sen
from .ehcp import (
    AGE_FILE,
    AGE_FILE_DASHBOARD,
    CASELOAD_FILE,
    NEEDS_FILE,
    NEWPLANS_FILE,
    REQUESTS_FILE,
    SUCCESSORS,
    TIMELINESS_FILE,
    _caseload_cached,
    activity,
    age_profile,
    caseload,
    national_caseload_series,
    need_mix,
    setting_mix,
)
from .las import LA_HISTORY_FILE, _normalise_name, la_lookup, new_to_old_codes, resolve_la
from .reading import (
    CENSUS_DATE,
    CENSUS_PERIOD,
    LA_LEVEL,
    MISSING_MARKERS,
    PublicDataError,
    PublicDataMissing,
    _check_la_codes,
    numbers,
    read_table,
)
from .s41 import S41_FILE, s41_institutions
from .sen_in_england import MAINSTREAM_FILE, PCT_SEN_FILE, PHASE_FILE, sen_support, sen_support_phases
from .targets import CalibrationTargets, LaTargets, load_targets
from .vocabulary import (
    AGE_GROUPS,
    FALLBACK_NEED_MIX,
    FALLBACK_NEED_SOURCE,
    GROUP_LABELS,
    NEED_CODES_EHCP,
    NEED_CODES_SEN_SUPPORT,
    PHASE_TYPES,
    SETTING_GROUPS,
    SETTING_KEYS,
    SETTINGS,
    SETTINGS_BY_KEY,
    Setting,
)

# The readers, split by dataset, keep one import path for their callers (with two package-private
# helpers the forecast readers and the tests reach for: _caseload_cached, _check_la_codes).
__all__ = [
    "_caseload_cached",
    "_check_la_codes",
    "AGE_FILE",
    "AGE_FILE_DASHBOARD",
    "AGE_GROUPS",
    "CASELOAD_FILE",
    "CENSUS_DATE",
    "CENSUS_PERIOD",
    "CIN_FILE",
    "CalibrationTargets",
    "FALLBACK_NEED_MIX",
    "FALLBACK_NEED_SOURCE",
    "GROUP_LABELS",
    "LA_HISTORY_FILE",
    "LA_LEVEL",
    "LaTargets",
    "MAINSTREAM_FILE",
    "MISSING_MARKERS",
    "NEEDS_FILE",
    "NEED_CODES_EHCP",
    "NEED_CODES_SEN_SUPPORT",
    "NEWPLANS_FILE",
    "PCT_SEN_FILE",
    "PHASE_FILE",
    "PHASE_TYPES",
    "PublicDataError",
    "PublicDataMissing",
    "REQUESTS_FILE",
    "S41_FILE",
    "SETTINGS",
    "SETTINGS_BY_KEY",
    "SETTING_GROUPS",
    "SETTING_KEYS",
    "SUCCESSORS",
    "Setting",
    "TIMELINESS_FILE",
    "_normalise_name",
    "activity",
    "age_profile",
    "caseload",
    "la_lookup",
    "load_targets",
    "national_caseload_series",
    "need_mix",
    "new_to_old_codes",
    "numbers",
    "read_table",
    "resolve_la",
    "s41_institutions",
    "sen_support",
    "sen_support_phases",
    "setting_mix",
    "social_care_sen",
]
