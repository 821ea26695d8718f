"""Which setting type an establishment is, and which section 251 high needs line a package is charged to."""

from __future__ import annotations

from .models import BudgetLine

SETTING_BY_ESTABLISHMENT_TYPE = {
    "MS_LA": "mainstream",
    "MS_ACADEMY": "mainstream",
    "MS_FREE": "mainstream",
    "EARLY_YEARS": "mainstream",
    "OTHER": "mainstream",
    "MS_INDEPENDENT": "independent_special",
    "SP_LA": "special",
    "SP_ACADEMY": "special",
    "SP_INDEPENDENT": "independent_special",
    "SP_NON_MAINTAINED": "non_maintained_special",
    "AP_PRU": "ap",
    "FE": "fe_college",
    "SPECIALIST_POST16": "post16_specialist",
}
MAINTAINED_TYPES = frozenset({"MS_LA", "SP_LA", "AP_PRU", "EARLY_YEARS"})
INDEPENDENT_SETTINGS = frozenset({"independent_special", "non_maintained_special", "post16_specialist"})


def setting_type_for(establishment) -> str:
    return SETTING_BY_ESTABLISHMENT_TYPE.get(getattr(establishment, "establishment_type", ""), "mainstream")


def line_code_for(setting_type: str, establishment_type: str, source: str) -> str:
    """SEN support top-ups: 1.2.4; independent and non-maintained: 1.2.3; maintained schools: 1.2.1; academies,
    free schools and colleges: 1.2.2. Place funding is counted with the package (docs/funding.md)."""
    if source == "sen_support":
        return "1.2.4"
    if setting_type in INDEPENDENT_SETTINGS:
        return "1.2.3"
    if establishment_type in MAINTAINED_TYPES:
        return "1.2.1"
    return "1.2.2"


def line_for(setting_type: str, establishment, source: str) -> BudgetLine:
    code = line_code_for(setting_type, getattr(establishment, "establishment_type", ""), source)
    line, _ = BudgetLine.objects.get_or_create(code=code, defaults={"name": code})
    return line
