"""Dates are YYYY-MM-DD and flags 0 or 1, wherever they appear."""

from datetime import date

from ..model import ALL_CLASSES, DATE, FLAG
from . import DFE, ERROR, Rule

KINDS = {name: kind for cls in ALL_CLASSES for name, _, kind in cls.ITEMS if kind in (DATE, FLAG)}


def _bad(kind, value):
    if kind == FLAG:
        return value not in ("0", "1")
    try:
        return len(value) != 10 or date.fromisoformat(value) is None
    except ValueError:
        return True


def check(ctx):
    persons = ctx.root.find("Persons")
    if persons is None:
        return
    for el in persons.iter(*KINDS):
        value = (el.text or "").strip()
        if _bad(KINDS[el.tag], value):
            shape = "0 or 1" if KINDS[el.tag] == FLAG else "a date written YYYY-MM-DD"
            yield el, el.tag, f"{el.tag} {value!r} is not {shape}"


RULE = Rule("SEN2-111", "all", ERROR, tuple(KINDS), "A date or flag is not in the right format", DFE, check)
