"""Code lists used across highneeds (DfE census / SEN2 codes). See ../shared/DOMAIN.md section 5."""

from __future__ import annotations

# Primary and secondary SEN types (school census and SEN2). DS added January 2025.
# NSA exists in the census only, for pupils on SEN support without a specialist assessment.
NEED_CODES: dict[str, str] = {
    "SPLD": "Specific learning difficulty",
    "MLD": "Moderate learning difficulty",
    "SLD": "Severe learning difficulty",
    "PMLD": "Profound and multiple learning difficulty",
    "SEMH": "Social, emotional and mental health",
    "SLCN": "Speech, language and communication needs",
    "HI": "Hearing impairment",
    "VI": "Vision impairment",
    "MSI": "Multi-sensory impairment",
    "PD": "Physical disability",
    "ASD": "Autistic spectrum disorder",
    "DS": "Down syndrome",
    "OTH": "Other difficulty or disability",
    "NSA": "SEN support but no specialist assessment of type of need",
}
NEED_CODES_SEN_SUPPORT_ONLY = frozenset({"NSA"})

# The four broad areas of need in the SEND Code of Practice (used by plans and bands).
AREA_OF_NEED: dict[str, str] = {
    "SPLD": "Cognition and learning",
    "MLD": "Cognition and learning",
    "SLD": "Cognition and learning",
    "PMLD": "Cognition and learning",
    "DS": "Cognition and learning",
    "SEMH": "Social, emotional and mental health",
    "SLCN": "Communication and interaction",
    "ASD": "Communication and interaction",
    "HI": "Sensory and/or physical",
    "VI": "Sensory and/or physical",
    "MSI": "Sensory and/or physical",
    "PD": "Sensory and/or physical",
    "OTH": "Other",
    "NSA": "Not yet assessed",
}

SEN_STATUS: dict[str, str] = {
    "N": "No special educational needs",
    "K": "SEN support",
    "E": "Education, health and care plan",
}

SEX: dict[str, str] = {"F": "Female", "M": "Male", "U": "Not known"}

# DfE main ethnicity codes (school census).
ETHNICITY: dict[str, str] = {
    "WBRI": "White - British",
    "WIRI": "White - Irish",
    "WIRT": "Traveller of Irish heritage",
    "WROM": "Gypsy / Roma",
    "WOTH": "Any other White background",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean",
    "BAFR": "Black - African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}

# Vulnerable-cohort flags recorded with dates against a child.
COHORT_FLAGS: dict[str, str] = {
    "LAC": "Looked after",
    "CIN": "Child in need",
    "CPP": "Child protection plan",
    "YJ": "Youth justice involvement",
    "SUSPENDED": "Suspended",
    "PERM_EXCLUDED": "Permanently excluded",
    "CME": "Missing education",
    "EHE": "Elective home education",
    "YOUNG_CARER": "Young carer",
}

PLACEMENT_TYPES: dict[str, str] = {
    "ON_ROLL": "On roll",
    "DUAL": "Dual registration",
    "UNIT": "Resourced provision or SEN unit",
    "RES_38_51": "Residential, 38 to 51 weeks",
    "RES_52": "Residential, 52 weeks",
    "EOTAS": "Education otherwise than at school",
}

ESTABLISHMENT_TYPES: dict[str, str] = {
    "MS_LA": "Mainstream - LA maintained",
    "MS_ACADEMY": "Mainstream - academy",
    "MS_FREE": "Mainstream - free school",
    "MS_INDEPENDENT": "Mainstream - independent",
    "SP_LA": "Special - LA maintained",
    "SP_ACADEMY": "Special - academy or free school",
    "SP_INDEPENDENT": "Special - independent",
    "SP_NON_MAINTAINED": "Special - non-maintained",
    "AP_PRU": "Alternative provision or pupil referral unit",
    "FE": "Further education college",
    "SPECIALIST_POST16": "Specialist post-16 institution",
    "EARLY_YEARS": "Early years provider",
    "OTHER": "Other",
}
SPECIAL_TYPES = frozenset({"SP_LA", "SP_ACADEMY", "SP_INDEPENDENT", "SP_NON_MAINTAINED"})
INDEPENDENT_TYPES = frozenset({"MS_INDEPENDENT", "SP_INDEPENDENT", "SPECIALIST_POST16"})

PHASES: dict[str, str] = {
    "EY": "Early years",
    "PRIMARY": "Primary",
    "MIDDLE": "Middle",
    "SECONDARY": "Secondary",
    "ALL_THROUGH": "All-through",
    "POST16": "16 plus",
    "NA": "Not applicable",
}

REQUEST_SOURCES: dict[str, str] = {
    "1": "Parent or young person",
    "2": "School or education setting",
    "3": "Health professional",
    "4": "Social care professional",
    "5": "Other",
}

PREFERRED_CONTACT: dict[str, str] = {
    "EMAIL": "Email",
    "PHONE": "Phone",
    "POST": "Post",
    "TEXT": "Text message",
}


def choices(codes: dict[str, str]) -> list[tuple[str, str]]:
    """Django-style choices from a code list, keeping the code visible to caseworkers."""
    return [(code, label) for code, label in codes.items()]
