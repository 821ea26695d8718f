"""The structure of a plan version's `sections` JSON (A to K), with labels for pages, and cleaning.

A  {"views", "interests", "aspirations", "written_by", "written_by_role", "written_on", "media": [ids]}
B  {"needs": [{"id", "area", "code", "text"}]}
C, D, H1, H2  {"text"}
E  {"outcomes": [{"id", "text", "by_when", "measure", "needs": [B ids], "adulthood"}]}
F  {"items": [{"id", "what", "who", "expertise", "frequency", "duration", "group_size",
               "needs": [B ids], "outcomes": [E ids]}]}
G  {"text", "agreed_by", "agreed_on"}   health provision, agreed by the health body (R 12(2))
I  {"name", "type"}                     blank in a draft (R 13 / CoP 9.77)
J  {"personal_budget", "direct_payments"}
K  {"appendices": [{"title", "from", "given_on", "text"}]}   filled when the version is issued
"""

from __future__ import annotations

import secrets
from datetime import date

from django.core.exceptions import ValidationError

from highneeds.engine import codes
from highneeds.engine.planquality import SECTION_TITLES

AREAS = {
    "communication_interaction": "Communication and interaction",
    "cognition_learning": "Cognition and learning",
    "semh": "Social, emotional and mental health",
    "sensory_physical": "Sensory and/or physical needs",
}
# The SEN2 need codes that belong to each area (a code outside its area is refused).
AREA_CODES = {
    "communication_interaction": ("SLCN", "ASD"),
    "cognition_learning": ("SPLD", "MLD", "SLD", "PMLD", "DS"),
    "semh": ("SEMH",),
    "sensory_physical": ("HI", "VI", "MSI", "PD"),
}
AREA_OF_CODE = {code: area for area, found in AREA_CODES.items() for code in found}
PLAN_NEED_CODES = {c: label for c, label in codes.NEED_CODES.items() if c not in codes.NEED_CODES_SEN_SUPPORT_ONLY}

ADULTHOOD_AREAS = {
    "": "Not a preparation-for-adulthood outcome",
    "employment": "Employment and higher education",
    "independent_living": "Independent living",
    "community": "Friends, relationships and community",
    "health": "Good health",
}

EDITABLE = ("A", "B", "C", "D", "E", "F", "G", "H1", "H2", "I", "J")
TEXT_FIELDS = {
    "A": {
        "views": "Views: what the child or young person and family think",
        "interests": "Interests: what I enjoy",
        "aspirations": "Aspirations: hopes for the future",
    },
    "C": {"text": "Health needs related to special educational needs"},
    "D": {"text": "Social care needs related to special educational needs or disability"},
    "G": {
        "text": "Health provision",
        "agreed_by": "Agreed by the health body (name and role)",
        "agreed_on": "Date agreed by the health body (YYYY-MM-DD)",
    },
    "H1": {"text": "Social care provision under section 2 of the Chronically Sick and Disabled Persons Act 1970"},
    "H2": {"text": "Other social care provision reasonably required"},
    "I": {"name": "Name of school, college or other institution", "type": "Type of school, college or institution"},
    "J": {
        "personal_budget": "Personal budget: what it pays for and how much",
        "direct_payments": "Direct payments: the needs and outcomes they cover",
    },
}
ITEM_FIELDS = {
    "B": ("needs", {"area": "Area of need", "code": "Need code", "text": "What the need is"}),
    "E": (
        "outcomes",
        {
            "text": "Outcome",
            "by_when": "By when",
            "measure": "How progress will be measured",
            "needs": "Needs this outcome is for",
            "adulthood": "Preparation for adulthood",
        },
    ),
    "F": (
        "items",
        {
            "what": "What provision",
            "who": "Who delivers it",
            "expertise": "Their expertise or qualification",
            "frequency": "How often",
            "duration": "For how long (each session and overall)",
            "group_size": "Group size or adult to child ratio",
            "needs": "Needs it meets",
            "outcomes": "Outcomes it works towards",
        },
    ),
}
LIST_KEYS = ("needs", "outcomes")  # item fields that hold lists of ids
FIELD_LABELS = {k: v for fields in TEXT_FIELDS.values() for k, v in fields.items()}
MAX_TEXT = 10000

TITLES = SECTION_TITLES


def new_id(prefix: str) -> str:
    return f"{prefix.lower()}{secrets.token_hex(3)}"


def blank() -> dict:
    return {
        "A": {"views": "", "interests": "", "aspirations": "", "media": []},
        "B": {"needs": []},
        "C": {"text": ""},
        "D": {"text": ""},
        "E": {"outcomes": []},
        "F": {"items": []},
        "G": {"text": "", "agreed_by": "", "agreed_on": ""},
        "H1": {"text": ""},
        "H2": {"text": ""},
        "I": {"name": "", "type": ""},
        "J": {"personal_budget": "", "direct_payments": ""},
        "K": {"appendices": []},
    }


def blank_item(section: str) -> dict:
    _, fields = ITEM_FIELDS[section]
    return {"id": new_id(section), **{k: ([] if k in LIST_KEYS else "") for k in fields}}


def need_label(sections: dict, need_id: str) -> str:
    for n, need in enumerate(sections.get("B", {}).get("needs", []), 1):
        if need.get("id") == need_id:
            return f"Need {n}: {PLAN_NEED_CODES.get(need.get('code'), need.get('code') or 'not coded')}"
    return need_id


def outcome_label(sections: dict, outcome_id: str) -> str:
    for n, outcome in enumerate(sections.get("E", {}).get("outcomes", []), 1):
        if outcome.get("id") == outcome_id:
            return f"Outcome {n}"
    return outcome_id


def clean_text_section(section: str, data: dict) -> dict:
    out, errors = {}, {}
    for key in TEXT_FIELDS[section]:
        value = str(data.get(key) or "").strip()
        if len(value) > MAX_TEXT:
            errors[key] = f"Keep this under {MAX_TEXT:,} characters"
        out[key] = value
    if section == "G" and out["agreed_on"]:
        try:
            date.fromisoformat(out["agreed_on"])
        except ValueError:
            errors["agreed_on"] = "Give the date as YYYY-MM-DD, for example 2025-03-27"
    if section == "G" and out["text"] and bool(out["agreed_by"]) != bool(out["agreed_on"]):
        errors["agreed_by" if not out["agreed_by"] else "agreed_on"] = (
            "Say who in the health body agreed the provision, and when"
        )
    if errors:
        raise ValidationError(errors)
    return out


def clean_items(section: str, items: list[dict], sections: dict) -> list[dict]:
    """Check a list of B, E or F items; errors are keyed "<item id>-<field>"."""
    _, fields = ITEM_FIELDS[section]
    need_ids = {n.get("id") for n in sections.get("B", {}).get("needs", [])}
    outcome_ids = {o.get("id") for o in sections.get("E", {}).get("outcomes", [])}
    out, errors = [], {}
    for raw in items:
        item_id = str(raw.get("id") or new_id(section))
        item = {"id": item_id}
        for key in fields:
            if key in LIST_KEYS:
                item[key] = [str(v) for v in raw.get(key) or []]
            else:
                item[key] = str(raw.get(key) or "").strip()
                if len(item[key]) > MAX_TEXT:
                    errors[f"{item_id}-{key}"] = f"Keep this under {MAX_TEXT:,} characters"
        if section == "B":
            if item["area"] and item["area"] not in AREAS:
                errors[f"{item_id}-area"] = "Choose one of the four areas of need"
            if item["code"] and item["code"] not in PLAN_NEED_CODES:
                errors[f"{item_id}-code"] = "Choose a need code"
            elif item["code"] and item["area"] and AREA_OF_CODE.get(item["code"], item["area"]) != item["area"]:
                errors[f"{item_id}-code"] = (
                    f"{PLAN_NEED_CODES[item['code']]} belongs under {AREAS[AREA_OF_CODE[item['code']]].lower()}"
                )
        if section in ("E", "F") and set(item["needs"]) - need_ids:
            errors[f"{item_id}-needs"] = "Link only to needs in section B"
        if section == "F" and set(item["outcomes"]) - outcome_ids:
            errors[f"{item_id}-outcomes"] = "Link only to outcomes in section E"
        if section == "E" and item["adulthood"] not in ADULTHOOD_AREAS:
            errors[f"{item_id}-adulthood"] = "Choose a preparation-for-adulthood area"
        out.append(item)
    if errors:
        raise ValidationError(errors)
    return out
