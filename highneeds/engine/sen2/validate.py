"""Validate a SEN2 message (ours or another system's) with the rule set of its collection year."""

from __future__ import annotations

from .model import read_header
from .rules import _ITEMS, ERROR, Context, Issue
from .rulesets import for_year
from .safexml import SEN2FileError, parse


def validate_tree(root, year: int | None = None) -> list[Issue]:
    header = read_header(root)
    year = year or header.year
    if not year:
        raise SEN2FileError("the header has no collection <Year>")
    ctx = Context(root, year, header.reference_date)
    issues = []
    try:
        for rule in for_year(year).rules:
            issues.extend(rule.run(ctx))
    finally:
        _ITEMS.clear()
    return issues


def validate_bytes(data: bytes, year: int | None = None) -> list[Issue]:
    """Issues found; SEN2FileError when the file cannot be read as a SEN2 message at all."""
    return validate_tree(parse(data), year)


def has_errors(issues: list[Issue]) -> bool:
    return any(i.severity == ERROR for i in issues)
