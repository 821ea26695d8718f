"""Field rules for a child's record, shared by forms, the API and CSV imports."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError

from highneeds.engine import codes, identifiers, schoolyear

MAX_AGE = 25


def parse_date(value) -> date:
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for pattern, order in ((r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"), (r"(\d{1,2})/(\d{1,2})/(\d{4})", "dmy")):
        match = re.fullmatch(pattern, text)
        if match:
            parts = [int(p) for p in match.groups()]
            y, m, d = parts if order == "ymd" else (parts[2], parts[1], parts[0])
            try:
                return date(y, m, d)
            except ValueError:
                raise ValueError(f"{text} is not a real date") from None
    raise ValueError("Enter a date like 2014-09-27 or 27/09/2014")


def clean_child(data: dict, *, today: date | None = None, partial: bool = False) -> dict:
    """Validated, normalised values; ValidationError maps each bad field to its message."""
    today = today or date.today()
    errors: dict[str, str] = {}
    cleaned: dict = {}

    def take(field, fn, required=False):
        if field not in data:
            if required and not partial:
                errors[field] = "This is required"
            return
        raw = data[field]
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                errors[field] = "This is required"
            else:
                cleaned[field] = None if field in ("upn", "uln", "nhs_number", "ncy_override") else ""
            return
        try:
            cleaned[field] = fn(raw)
        except ValueError as exc:
            errors[field] = str(exc)

    def name(value):
        value = identifiers.validate_name_text(str(value).strip())
        if len(value) > 100:
            raise ValueError("Must be 100 characters or fewer")
        return value

    def dob(value):
        born = parse_date(value)
        if born > today:
            raise ValueError("Date of birth must be in the past")
        if schoolyear.age_on(born, today) > MAX_AGE:
            raise ValueError("highneeds records children and young people aged 0 to 25")
        return born

    def code_in(table, label):
        def check(value):
            value = str(value).strip().upper()
            if value not in table:
                raise ValueError(f"{value} is not a {label} code")
            return value

        return check

    def la_number(value):
        value = str(value).strip()
        if not re.fullmatch(r"\d{3}", value):
            raise ValueError("Enter the 3-digit LA number, like 383")
        return value

    def ncy(value):
        year = int(str(value).strip())
        if not -3 <= year <= 14:
            raise ValueError("Year group must be between -3 (early years) and 14")
        return year

    take("first_name", name, required=True)
    take("last_name", name, required=True)
    take("preferred_name", name)
    take("date_of_birth", dob, required=True)
    take("sex", code_in(codes.SEX, "sex"), required=True)
    take("ethnicity", code_in(codes.ETHNICITY, "DfE ethnicity"))
    take("postcode", identifiers.validate_postcode)
    take("upn", identifiers.validate_upn)
    take("uln", identifiers.validate_uln)
    take("nhs_number", identifiers.validate_nhs_number)
    take("responsible_la", la_number, required=True)
    take("preferred_language", name)
    take("preferred_contact", code_in(codes.PREFERRED_CONTACT, "contact method"))
    take("ncy_override", ncy)
    take("ncy_override_reason", lambda v: str(v).strip()[:200])
    unknown = (
        set(data)
        - set(cleaned)
        - set(errors)
        - {
            "first_name",
            "last_name",
            "preferred_name",
            "date_of_birth",
            "sex",
            "ethnicity",
            "postcode",
            "upn",
            "uln",
            "nhs_number",
            "responsible_la",
            "preferred_language",
            "preferred_contact",
            "ncy_override",
            "ncy_override_reason",
        }
    )
    for field in sorted(unknown):
        errors[field] = "Not a field of a child's record"
    if errors:
        raise ValidationError(errors)
    return cleaned


def refuse_hidden_characters(values: dict) -> None:
    """Names anywhere (parents, users, settings, organisations): ValidationError naming each field that holds a
    control or text-direction character. Children's names are checked by clean_child."""
    errors = {}
    for field, value in values.items():
        try:
            identifiers.validate_name_text(str(value or ""))
        except ValueError as exc:
            errors[field] = str(exc)
    if errors:
        raise ValidationError(errors)


def check_needs(need_codes: list[str], sen_status: str) -> list[str]:
    """Ranked needs: known codes, no repeats, NSA only with SEN support."""
    cleaned = [c.strip().upper() for c in need_codes if c and c.strip()]
    unknown = [c for c in cleaned if c not in codes.NEED_CODES]
    if unknown:
        raise ValidationError({"needs": f"Unknown need code {', '.join(unknown)}"})
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError({"needs": "Each need can be ranked only once"})
    if sen_status != "K" and any(c in codes.NEED_CODES_SEN_SUPPORT_ONLY for c in cleaned):
        raise ValidationError({"needs": "NSA (no specialist assessment) can only be used for a child on SEN support"})
    if sen_status == "N" and cleaned:
        raise ValidationError({"needs": "Record an SEN status before recording needs"})
    return cleaned
