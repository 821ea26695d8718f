"""The integer codes and flat columns of the clock's columnar fast path (`fast.parse_columns`)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np

from highneeds.engine.clock.reading import DATE_CACHE, parse_date
from highneeds.engine.clock.steps import ASSESSMENT_RULES, STEP_RULES
from highneeds.engine.clock.vocabulary import EVENT_SPECS

RULES = tuple((r, STEP_RULES[r]) for r in ASSESSMENT_RULES)
TYPES = tuple(EVENT_SPECS)
TYPE_CODE = {t: n for n, t in enumerate(TYPES)}
NONE = np.iinfo(np.int64).max  # "no such event" in the first-date tables

# (field, value) conditions used by `Need.where` and `When`, each with the event type it reads.
CONDITIONS: tuple[tuple[str, str, str], ...] = tuple(
    sorted(
        {(need.event, *need.where) for spec in EVENT_SPECS.values() for need in spec.needs if need.where}
        | {(w.event, w.field, w.value) for _, rule in RULES for w in rule.not_applicable_when if w.field}
    )
)
COND_INDEX = {c: n for n, c in enumerate(CONDITIONS)}
PLAN_CODES = [n for n, t in enumerate(TYPES) if EVENT_SPECS[t].stage == "plan"]
ASSESSMENT_ONLY = [n for n, t in enumerate(TYPES) if EVENT_SPECS[t].stage == "assessment" and t != "final_plan_issued"]
TERMINAL_PLAN = [n for n, t in enumerate(TYPES) if EVENT_SPECS[t].terminal and t != "request_withdrawn"]
DAY_SPAN = 1 << 22  # more than any date ordinal: composite keys are group * DAY_SPAN + date


@dataclass
class Columns:
    """Cases and their step instances, flat. `first[c]:first[c+1]` are case c's instances."""

    ids: list[Any]
    clock_start: list[int]
    withdrawn: list[int]
    first: list[int]
    rule: np.ndarray
    name: list[str]  # the step's name in the output ("final_plan", "advice:health")
    start: np.ndarray
    done: np.ndarray
    given_due: np.ndarray  # 0: computed from the rule's limit; else the due date plan.py computed
    # exceptions: case (position in this batch), bit, first day, last day, target instance or -1
    ex_case: np.ndarray
    ex_bit: np.ndarray
    ex_lo: np.ndarray
    ex_hi: np.ndarray
    ex_tgt: np.ndarray


def empty_ex() -> dict[str, np.ndarray]:
    z = np.zeros(0, dtype=np.int64)
    return {"ex_case": z, "ex_bit": z, "ex_lo": z, "ex_hi": z, "ex_tgt": z}


def date_column(values: list[Any]) -> np.ndarray:
    """Ordinals for strict YYYY-MM-DD strings, 0 for anything else (missing or invalid)."""
    cache = DATE_CACHE
    try:
        out = np.array(list(map(cache.get, values, repeat(0))), dtype=np.int64)
    except TypeError:  # an unhashable value (a list or an object where a date should be)
        out = np.array([cache.get(v, 0) if type(v) is str else 0 for v in values], dtype=np.int64)
    for k in np.flatnonzero(out == 0).tolist():
        v = values[k]
        if type(v) is str:
            o = cache.get(v)  # filled by an earlier miss of the same string
            out[k] = o if o is not None else parse_date(v, "", [])
    return out


def step_names(rule: np.ndarray, key: np.ndarray, key_strings: list[str]) -> list[str]:
    """Output names, formatted once per distinct (rule, key) rather than once per step."""
    if not len(rule):
        return []
    pair = rule * (len(key_strings) + 1) + (key + 1)
    distinct, inverse = np.unique(pair, return_inverse=True)
    names = np.empty(len(distinct), dtype=object)
    for n, (r, k) in enumerate(
        zip((distinct // (len(key_strings) + 1)).tolist(), (distinct % (len(key_strings) + 1) - 1).tolist())
    ):
        names[n] = f"{STEP_RULES[r].name}:{key_strings[k]}" if STEP_RULES[r].keyed else STEP_RULES[r].name
    return names[inverse].tolist()


def first_dates(case: np.ndarray, col: np.ndarray, date: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    table = np.full(shape, NONE, dtype=np.int64)
    np.minimum.at(table, (case, col), date)
    return table
