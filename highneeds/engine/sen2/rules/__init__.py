"""SEN2 validation rules: one rule per file (`rule_*.py`), each with its code, module, severity (error or
query), the fields it reads, a plain message and where it comes from (DfE's published validation, or ours).
Rule sets by collection year live in `highneeds.engine.sen2.rulesets`.

A rule is a function of a `Context` (the parsed message, its year and reference date, the code lists) that
yields `Issue`s; `xpath` locates the element at fault.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from .. import codes as sen2_codes

ERROR, QUERY = "error", "query"
DFE = "DfE published validation (modelled on it; rule numbers not verified here)"
OURS = "highneeds"


@dataclass(frozen=True)
class Issue:
    rule: str
    severity: str
    xpath: str
    field: str
    message: str

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "xpath": self.xpath,
            "field": self.field,
            "message": self.message,
        }


@dataclass(frozen=True)
class Rule:
    code: str
    module: str
    severity: str
    fields: tuple[str, ...]
    message: str
    source: str
    check: Callable[[Context], Iterator[tuple]]

    def run(self, ctx: Context) -> Iterator[Issue]:
        """The check yields (element, field) or (element, field, message) for each failure."""
        for found in self.check(ctx):
            el, fld = found[0], found[1]
            message = found[2] if len(found) > 2 else self.message
            yield Issue(self.code, self.severity, ctx.path(el), fld, message)


# Each element's item texts, read once per validation (lxml's findtext() compiles its path on every call, the
# main cost of validating a large file). Holding the element keeps lxml's proxy, so identity keys stay valid.
_ITEMS: dict = {}


def text(el, name: str) -> str:
    items = _ITEMS.get(el)
    if items is None:
        items = {}
        for child in el:
            if child.tag not in items and isinstance(child.tag, str):
                items[child.tag] = (child.text or "").strip()
        _ITEMS[el] = items
    return items.get(name, "")


def children(el, tag: str) -> list:
    return [child for child in el if child.tag == tag]


def day(el, name: str) -> date | None:
    value = text(el, name)
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


class Context:
    def __init__(self, root, year: int, reference_date: date | None):
        self.root = root
        self.year = year
        self.reference_date = reference_date
        self._tree = root.getroottree()
        _ITEMS.clear()

    def path(self, el) -> str:
        return self._tree.getpath(el)

    def codes(self, name: str) -> dict[str, str]:
        return sen2_codes.codes(name, self.year)

    @cached_property
    def persons(self) -> list:
        persons = self.root.find("Persons")
        return children(persons, "Person") if persons is not None else []

    @cached_property
    def requests(self) -> list[tuple]:
        """(person, request) pairs."""
        return [(p, r) for p in self.persons for r in children(p, "Requests")]

    @cached_property
    def assessments(self) -> list[tuple]:
        """(person, request, assessment)."""
        return [(p, r, a) for p, r in self.requests for a in children(r, "Assessment")]

    @cached_property
    def named_plans(self) -> list[tuple]:
        """(person, request, assessment, plan)."""
        return [(p, r, a, n) for p, r, a in self.assessments for n in children(a, "NamedPlan")]

    @cached_property
    def active_plans(self) -> list[tuple]:
        """(person, request, active plan)."""
        return [(p, r, ap) for p, r in self.requests for ap in children(r, "ActivePlans")]
