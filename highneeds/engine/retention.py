"""When a deleted document's file may be removed from storage: a retention rule per kind of document.

A rule keeps the file at least `days_after_deletion` days after it was deleted (so a mistaken delete can be
put right) and, when `until_age` is set, until the child's birthday at that age plus `years_after` years (SEND
records are commonly kept to the 25th birthday plus some years). The periods are the council's records policy:
DOMAIN.md gives no source for them, so they are settings (HIGHNEEDS_DOCUMENT_RETENTION), UNVERIFIED.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Rule:
    days_after_deletion: int = 30
    until_age: int | None = 25
    years_after: int = 6


def years_later(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a year that has none."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def purge_on(rule: Rule, deleted_on: date, birth_date: date | None) -> date:
    """The first day the deleted file may be removed: the later of the grace period and the age rule."""
    due = deleted_on + timedelta(days=rule.days_after_deletion)
    if rule.until_age is not None and birth_date is not None:
        due = max(due, years_later(birth_date, rule.until_age + rule.years_after))
    return due


FIELDS = ("days_after_deletion", "until_age", "years_after")


def parse(config: Mapping) -> dict[str, Rule]:
    """Rules from settings: {"default": {...}, "<kind>": {...}}; a kind's rule starts from the default.
    A bad value raises ValueError naming the kind and the field."""
    base = Rule()
    rules: dict[str, Rule] = {}
    for kind in ["default", *sorted(k for k in config if k != "default")]:
        values = dict(config.get(kind) or {})
        unknown = sorted(set(values) - set(FIELDS))
        if unknown:
            raise ValueError(f"HIGHNEEDS_DOCUMENT_RETENTION[{kind!r}]: unknown field {unknown[0]!r}")
        start = rules.get("default", base)
        for field in FIELDS:
            value = values.get(field, getattr(start, field))
            if field == "until_age" and value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 200:
                raise ValueError(f"HIGHNEEDS_DOCUMENT_RETENTION[{kind!r}][{field!r}] must be a whole number 0-200")
        merged = {field: values.get(field, getattr(start, field)) for field in FIELDS}
        rules[kind] = Rule(**merged)
    return rules


def rule_for(rules: Mapping[str, Rule], kind: str) -> Rule:
    return rules.get(kind) or rules.get("default") or Rule()
