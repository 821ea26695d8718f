"""Evaluate the clock for many cases at once: read the cases (column-wise for large batches,
`fast.parse_columns`, else one at a time with the reference `parse.parse_case`), then compute
every due date, exception and status for the whole population with numpy.

`compute_case` is `compute_many` on a list of one, so there is a single evaluator.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from datetime import date
from itertools import repeat
from typing import Any, NamedTuple

import numpy as np

from highneeds.engine.calendar import ENGLAND_AND_WALES, HolidayCalendar, add_months_ordinals
from highneeds.engine.clock.fast import parse_columns
from highneeds.engine.clock.fast_columns import Columns
from highneeds.engine.clock.parse import ClockInputError, ParsedCase, parse_case
from highneeds.engine.clock.rules import ClockRules
from highneeds.engine.clock.steps import (
    AFTER,
    BEGINNING_WITH,
    DAYS,
    EARLIEST,
    MONTHS,
    STEP_RULES,
    WEEKS,
    WINDOW,
    WORKING_DAYS,
    StepRule,
)
from highneeds.engine.clock.vocabulary import CODES_FOR_BITS, STATUSES

_MET, _MISSED, _PENDING, _OVERDUE, _EXCEPTED = range(5)
_BOUND_BY_NAME = {rule.name: rule.limit.bound for rule in STEP_RULES}


class StepResult(NamedTuple):
    """One step of one case. For a LATEST step, `due` is the last day to act; for an EARLIEST step
    (earliest_finalisation) it is the first lawful day; for a WINDOW (appeal_deadline) it is the
    family's last day. `exceptions`: permitted exceptions recorded for the case that apply to this
    limit and overlap its window: start to due, or to done if that was earlier."""

    step: str
    due: date
    done: date | None
    status: str
    exceptions: tuple[str, ...]
    start: date

    @property
    def bound(self) -> str:
        """ "latest" (a deadline: act on or before `due`), "earliest" (act on or after `due`) or
        "window" (the family's deadline, not the council's: never overdue)."""
        return _BOUND_BY_NAME[self.step.partition(":")[0]]

    @property
    def done_on(self) -> date | None:
        """The day the step was done (the same as `done`)."""
        return self.done

    def as_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "due": self.due.isoformat(),
            "done": self.done.isoformat() if self.done else None,
            "status": self.status,
            "exceptions": list(self.exceptions),
            "start": self.start.isoformat(),
        }


class CaseResult(NamedTuple):
    """The clock's answer for one case: its steps in table order, or the input errors."""

    id: Any
    clock_start: date | None
    withdrawn: date | None
    deadlines: tuple[StepResult, ...]
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    def step(self, name: str) -> StepResult | None:
        for s in self.deadlines:
            if s.step == name:
                return s
        return None

    def as_json(self) -> dict[str, Any]:
        if self.errors:
            out: dict[str, Any] = {"errors": list(self.errors)}
        else:
            out = {
                "clock_start": self.clock_start.isoformat() if self.clock_start else None,
                "withdrawn": self.withdrawn.isoformat() if self.withdrawn else None,
                "deadlines": [s.as_json() for s in self.deadlines],
            }
        if self.id is not None:
            out = {"id": self.id, **out}
        return out


def _period_end(rule: StepRule, starts: np.ndarray, rules: ClockRules, calendar: HolidayCalendar) -> np.ndarray:
    """Last day of the limit's period for each start (ordinals)."""
    limit = rule.limit
    amount = limit.amount_for(rules)
    if limit.counting == AFTER:
        start_is_day_one = False
    else:
        start_is_day_one = limit.counting == BEGINNING_WITH or rules.receipt_is_day_one
    if limit.before:
        raise ValueError(f"{rule.name}: a limit counted back needs its anchor date (plan.py)")
    if limit.unit in (WEEKS, DAYS):
        days = amount * 7 if limit.unit == WEEKS else amount
        return starts + (days - 1 if start_is_day_one else days)
    if limit.unit == MONTHS:
        end = add_months_ordinals(starts, amount)
        return end - 1 if start_is_day_one else end
    if limit.unit == WORKING_DAYS:
        return calendar.add_working_days_ordinals(starts, amount, start_counts=start_is_day_one)
    raise ValueError(f"unknown unit {limit.unit!r} in step {rule.name}")


def columns_from_parsed(parsed: list[ParsedCase]) -> Columns:
    """Flatten cases read one at a time by `parse_case` into the evaluator's columns."""
    flat: list[tuple[int, str | None, int, int, int]] = []
    first: list[int] = []
    ex_rows: list[tuple[int, int, int, int, int]] = []
    for ci, pc in enumerate(parsed):
        base = len(flat)
        first.append(base)
        flat.extend(pc.instances)
        if pc.exceptions:
            for bit, lo, hi, tgt in pc.exceptions:
                ex_rows.append((ci, bit, lo, hi, base + tgt if tgt >= 0 else -1))
    first.append(len(flat))
    rule_col, key_col, start_col, done_col, due_col = (list(c) for c in zip(*flat)) if flat else ([], [], [], [], [])
    names = [rule.name for rule in STEP_RULES]
    keyed = [rule.keyed for rule in STEP_RULES]
    ex = [np.array(c, dtype=np.int64) for c in zip(*ex_rows)] if ex_rows else [np.zeros(0, dtype=np.int64)] * 5
    return Columns(
        ids=[pc.id for pc in parsed],
        clock_start=[pc.clock_start for pc in parsed],
        withdrawn=[pc.withdrawn for pc in parsed],
        first=first,
        rule=np.array(rule_col, dtype=np.int64),
        name=[f"{names[r]}:{k}" if keyed[r] else names[r] for r, k in zip(rule_col, key_col)],
        start=np.array(start_col, dtype=np.int64),
        done=np.array(done_col, dtype=np.int64),
        given_due=np.array(due_col, dtype=np.int64),
        ex_case=ex[0],
        ex_bit=ex[1],
        ex_lo=ex[2],
        ex_hi=ex[3],
        ex_tgt=ex[4],
    )


def concat_columns(a: Columns, b: Columns) -> Columns:
    shift = a.first[-1]
    return Columns(
        ids=a.ids + b.ids,
        clock_start=a.clock_start + b.clock_start,
        withdrawn=a.withdrawn + b.withdrawn,
        first=a.first[:-1] + [f + shift for f in b.first],
        rule=np.concatenate([a.rule, b.rule]),
        name=a.name + b.name,
        start=np.concatenate([a.start, b.start]),
        done=np.concatenate([a.done, b.done]),
        given_due=np.concatenate([a.given_due, b.given_due]),
        ex_case=np.concatenate([a.ex_case, b.ex_case + len(a.ids)]),
        ex_bit=np.concatenate([a.ex_bit, b.ex_bit]),
        ex_lo=np.concatenate([a.ex_lo, b.ex_lo]),
        ex_hi=np.concatenate([a.ex_hi, b.ex_hi]),
        ex_tgt=np.concatenate([a.ex_tgt, np.where(b.ex_tgt >= 0, b.ex_tgt + shift, -1)]),
    )


def evaluate_columns(cols: Columns, rules: ClockRules, calendar: HolidayCalendar, today: int) -> list[CaseResult]:
    """Due dates, exceptions and statuses for every step of every case at once."""
    rule_arr, start, done, first = cols.rule, cols.start, cols.done, cols.first
    total = len(rule_arr)

    # Due dates: one vector operation per rule (a handful of rules, any number of cases).
    # Plan-life steps whose due date is not a plain limit from the start come with it (plan.py).
    due = cols.given_due.copy()
    earliest_rule = np.array([rule.limit.bound == EARLIEST for rule in STEP_RULES])
    window_rule = np.array([rule.limit.bound == WINDOW for rule in STEP_RULES])
    allowed_bits = np.array([rule.exception_bits for rule in STEP_RULES], dtype=np.int64)
    to_compute = due == 0
    for r, rule in enumerate(STEP_RULES):
        mask = (rule_arr == r) & to_compute
        if mask.any():
            end = _period_end(rule, start[mask], rules, calendar)
            due[mask] = end + 1 if rule.limit.bound == EARLIEST else end

    # Exceptions: pair each exception with every step of its case, keep the pairs where the code
    # disapplies that limit and the exception's period overlaps the step's window: from its start
    # to its due date, or to the day it was done if that was earlier (a circumstance arising after
    # the step was done cannot have made the limit impractical).
    window_end = np.where((done > 0) & (done < due), done, due)
    exc_bits = np.zeros(total, dtype=np.int64)
    if len(cols.ex_case):
        first_arr = np.array(first, dtype=np.int64)
        e_case = cols.ex_case
        counts = first_arr[e_case + 1] - first_arr[e_case]
        pair_ex = np.repeat(np.arange(len(e_case)), counts)
        offsets = np.repeat(np.cumsum(counts) - counts, counts)
        pair_inst = np.repeat(first_arr[e_case], counts) + (np.arange(len(pair_ex)) - offsets)
        e_bit, e_lo, e_hi, e_tgt = cols.ex_bit[pair_ex], cols.ex_lo[pair_ex], cols.ex_hi[pair_ex], cols.ex_tgt[pair_ex]
        keep = (
            ((allowed_bits[rule_arr[pair_inst]] & e_bit) != 0)
            & (e_lo <= window_end[pair_inst])
            & (e_hi >= start[pair_inst])
            & ((e_tgt < 0) | (e_tgt == pair_inst))
        )
        np.bitwise_or.at(exc_bits, pair_inst[keep], e_bit[keep])

    # Statuses.
    has_done = done > 0
    earliest = earliest_rule[rule_arr] if total else np.zeros(0, dtype=bool)
    in_time = has_done & np.where(earliest, done >= due, done <= due)
    has_exc = exc_bits != 0
    status = np.full(total, _PENDING, dtype=np.int64)
    status[in_time] = _MET
    late = has_done & ~in_time
    status[late & has_exc] = _EXCEPTED
    status[late & ~has_exc] = _MISSED
    if today:
        past = ~has_done & ~earliest & (due < today)
        status[past & has_exc] = _EXCEPTED
        status[past & ~has_exc] = _OVERDUE
    # The family's window (appeal_deadline): an appeal in time or a window that closed with no
    # appeal is "met" (nothing is owed), a late appeal "missed" (it needs the tribunal's
    # permission); never "overdue" or "excepted": it is not the council's deadline.
    window = window_rule[rule_arr] if total else np.zeros(0, dtype=bool)
    if window.any():
        status[window & (status == _OVERDUE)] = _MET
        status[window & late] = _MISSED

    # Back to per-case results: convert each distinct date once, build the tuples in C.
    due_list, start_list, done_list = due.tolist(), start.tolist(), done.tolist()
    day: dict[int, date | None] = {0: None}
    for o in set(start_list).union(due_list, done_list, cols.clock_start, cols.withdrawn):
        if o:
            day[o] = date.fromordinal(o)
    get_day = day.__getitem__
    steps = list(
        map(
            tuple.__new__,
            repeat(StepResult),
            zip(
                cols.name,
                map(get_day, due_list),
                map(get_day, done_list),
                map(STATUSES.__getitem__, status.tolist()),
                map(CODES_FOR_BITS.__getitem__, exc_bits.tolist()),
                map(get_day, start_list),
            ),
        )
    )
    return list(
        map(
            tuple.__new__,
            repeat(CaseResult),
            zip(
                cols.ids,
                map(get_day, cols.clock_start),
                map(get_day, cols.withdrawn),
                [tuple(steps[a:b]) for a, b in zip(first, first[1:])],
                repeat(()),
            ),
        )
    )


# Below this many cases, the columnar fast path costs more in numpy set-up than it saves.
FAST_PATH_MIN_CASES = 50


def compute_many(
    cases: Iterable[Any],
    *,
    rules: ClockRules | None = None,
    calendar: HolidayCalendar = ENGLAND_AND_WALES,
    today: date | None = None,
    fast: bool | None = None,
) -> list[CaseResult]:
    """The clock for many cases (JSON-shaped mappings, as `highneeds deadlines` reads).

    Returns one `CaseResult` per case, in order. A case with bad input gets a result whose
    `errors` say why and whose `deadlines` are empty; the other cases are unaffected.

    Large batches are validated column-wise (`fast.parse_columns`); cases it does not accept, and
    all cases with `fast=False` or in small batches, are read one at a time by `parse_case`,
    the reference implementation, which also writes the error messages. Both give the same answer.
    """
    rules = rules or ClockRules()
    cases = cases if isinstance(cases, list) else list(cases)
    today_ord = today.toordinal() if today else 0
    results: list[CaseResult | None] = [None] * len(cases)
    # Everything built here is acyclic (tuples, small dicts): pausing the cycle collector while a
    # large batch allocates millions of them halves the time; reference counting still frees memory.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if fast is None:
            fast = len(cases) >= FAST_PATH_MIN_CASES
        if fast:
            positions, cols, one_by_one = parse_columns(cases, rules, today_ord)
        else:
            positions, cols, one_by_one = [], None, range(len(cases))
        parsed: list[ParsedCase] = []
        for ci in one_by_one:
            raw = cases[ci]
            try:
                parsed.append(parse_case(raw, rules, today_ord))
            except ClockInputError as exc:
                results[ci] = CaseResult(
                    raw.get("id") if isinstance(raw, dict) else None, None, None, (), tuple(exc.errors)
                )
                continue
            positions.append(ci)
        slow = columns_from_parsed(parsed)
        cols = concat_columns(cols, slow) if cols is not None else slow
        for ci, result in zip(positions, evaluate_columns(cols, rules, calendar, today_ord)):
            results[ci] = result
    finally:
        if collecting:
            gc.enable()
    return results  # type: ignore[return-value]


def compute_case(
    case: Any,
    *,
    rules: ClockRules | None = None,
    calendar: HolidayCalendar = ENGLAND_AND_WALES,
    today: date | None = None,
) -> CaseResult:
    """The clock for one case; raises `ClockInputError` (listing every problem) on bad input."""
    result = compute_many([case], rules=rules, calendar=calendar, today=today)[0]
    if result.errors:
        raise ClockInputError(list(result.errors))
    return result
