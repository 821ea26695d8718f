"""Read one case (JSON-shaped data) into step instances and exception periods, or say what is wrong.

Every problem becomes a message naming where it is (``events[3]: ...``, ``exceptions[0]: ...``);
nothing is guessed. Dates are handled as proleptic ordinals (``date.toordinal()``) so that the
evaluator can work on whole populations with numpy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from highneeds.engine.clock.exception_records import read_exceptions
from highneeds.engine.clock.plan import plan_instances
from highneeds.engine.clock.reading import DATE_CACHE, OPEN_END, article, iso, parse_date
from highneeds.engine.clock.rules import ClockRules
from highneeds.engine.clock.steps import ASSESSMENT_RULES, CLOCK, STEP_RULES
from highneeds.engine.clock.vocabulary import (
    EVENT_SPECS,
    NOT_YET_HANDLED,
)

TOP_LEVEL_FIELDS = ("id", "request_received", "responsible_from", "date_of_birth", "events", "exceptions")


class ClockInputError(ValueError):
    """The case cannot be put on the clock; `errors` lists every problem found."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(slots=True)
class ParsedCase:
    id: Any
    clock_start: int  # 0 for a plan with no assessment on record
    withdrawn: int  # ordinal, 0 if not withdrawn
    # (rule index, key or None, start ordinal, done ordinal or 0, due ordinal or 0 = from the rule's limit)
    instances: list[tuple[int, str | None, int, int, int]]
    # (exception bit, first day, last day, target instance index within the case or -1 for any)
    exceptions: list[tuple[int, int, int, int]]


def parse_case(raw: Any, rules: ClockRules, today: int = 0) -> ParsedCase:
    """Validate one case and turn it into step instances and exception periods.

    `today` (an ordinal, 0 for none) makes events dated after it an error.
    Raises `ClockInputError` listing every problem found.
    """
    errors: list[str] = []
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise ClockInputError(["the case must be a JSON object"])
    if not TOP_LEVEL.issuperset(raw):
        for name in raw:
            if name not in TOP_LEVEL:
                errors.append(f"unknown field {name!r} (expected {', '.join(TOP_LEVEL_FIELDS)})")

    events = raw.get("events")
    if events is None:
        events = ()
    elif type(events) is not list:
        errors.append("events: must be a list")
        events = ()

    # -- each event on its own ---------------------------------------------------------------
    # record: (index, type, date ordinal, key, event mapping, spec info)
    records: list[tuple] = []
    by_type: dict[str, list] = {}
    # The earliest record of each type, and of each (type, key) for keyed types. A `Need` with a
    # `where` condition is checked against that earliest record (every type is at most one today).
    first: dict[Any, tuple] = {}
    extra_dates: dict[tuple[int, str], int] = {}
    cache = DATE_CACHE
    for i, ev in enumerate(events):
        if type(ev) is not dict and not isinstance(ev, Mapping):
            errors.append(f"events[{i}]: must be an object")
            continue
        etype = ev.get("type")
        info = _SPEC_INFO.get(etype) if type(etype) is str else None
        if info is None:
            if etype is None:
                errors.append(f"events[{i}]: missing 'type'")
            elif etype in NOT_YET_HANDLED:
                errors.append(f"events[{i}]: event type '{etype}' is not handled by the statutory clock yet")
            else:
                errors.append(f"events[{i}]: unknown event type {etype!r}")
            continue
        v = ev.get("date")
        d = cache.get(v) if type(v) is str else None
        ok = True
        if d is None:
            before = len(errors)
            d = parse_date(v, f"events[{i}].date", errors)
            ok = len(errors) == before
        key = None
        key_fields = info[1]
        if key_fields:
            for f in key_fields:
                v = ev.get(f)
                if v is not None and v != "":
                    key = v if type(v) is str else str(v)
                    break
            if key is None:
                errors.append(f"events[{i}]: {etype} needs " + " or ".join(f"'{f}'" for f in key_fields))
                ok = False
        if info[2]:
            ok = _check_fields(i, etype, d, ev, info[0], errors, extra_dates) and ok
        else:
            for f in info[6]:
                if f in ev:
                    ok = _check_fields(i, etype, d, ev, info[0], errors, extra_dates) and ok
                    break
        if not ok:
            continue
        rec = (i, etype, d, key, ev, info)
        records.append(rec)
        group = by_type.get(etype)
        if group is None:
            by_type[etype] = [rec]
        else:
            group.append(rec)
        index_key = etype if key is None else (etype, key)
        prior = first.get(index_key)
        if prior is None:
            first[index_key] = rec
        elif info[5]:  # at most one (per key)
            if key is None:
                errors.append(f"events[{i}]: a second {etype} (the first is events[{prior[0]}])")
            else:
                errors.append(
                    f"events[{i}]: a second {etype} for '{key}' (the first is events[{prior[0]}]); "
                    f"give a repeat its own name"
                )
        elif d < prior[2]:
            first[index_key] = rec
        if key is not None:  # keyed types are also indexed by type alone (the earliest of any key)
            prior = first.get(etype)
            if prior is None or d < prior[2]:
                first[etype] = rec

    # -- clock start ----------------------------------------------------------------------------
    request = 0
    v = raw.get("request_received")
    if v is not None:
        request = parse_date(v, "request_received", errors)
    rec = first.get("request_received")
    if rec is not None:
        if request and rec[2] != request:
            errors.append(
                f"events[{rec[0]}]: request_received on {iso(rec[2])} differs from "
                f"request_received {iso(request)} given at the top level"
            )
        elif not request:
            request = rec[2]
    responsible = 0
    v = raw.get("responsible_from")
    if v is not None:
        responsible = parse_date(v, "responsible_from", errors)
    clock_start = request if request > responsible else responsible
    plan_only = False
    if not clock_start and raw.get("request_received") is None and v is None and rec is None:
        if "final_plan_issued" in by_type or by_type.keys() & _PLAN_TYPES:
            plan_only = True  # a plan's life (or a decision's appeal) without its assessment on record
        else:
            errors.append("request_received (or responsible_from, for a child who moves in) is required")
    dob = 0
    v = raw.get("date_of_birth")
    if v is not None:
        dob = parse_date(v, "date_of_birth", errors)

    # -- relations between events -------------------------------------------------------------
    rec = first.get("request_withdrawn")
    withdrawn = rec[2] if rec is not None else 0
    if today or withdrawn:
        latest_allowed = today if not withdrawn or (today and today < withdrawn) else withdrawn
    else:
        latest_allowed = OPEN_END

    terminals = [(rec[2], rec[0], rec[1]) for t in _TERMINAL if t != "request_withdrawn" for rec in by_type.get(t, ())]
    for i, etype, d, key, ev, info in records:
        if d < clock_start and etype != "request_received":
            errors.append(f"events[{i}]: {etype} on {iso(d)} is before the clock starts on {iso(clock_start)}")
        if plan_only and info[0].stage == "assessment" and etype != "final_plan_issued":
            errors.append(
                f"events[{i}]: {etype} is part of an assessment: the case needs request_received (or responsible_from)"
            )
        for t_date, t_index, t_type in terminals:
            if d > t_date:
                errors.append(
                    f"events[{i}]: {etype} on {iso(d)} is after {t_type} on {iso(t_date)} "
                    f"(events[{t_index}]); nothing may follow it"
                )
        if d > latest_allowed:
            if today and d > today:
                errors.append(f"events[{i}]: {etype} on {iso(d)} is after today ({iso(today)})")
            if withdrawn and d > withdrawn:
                errors.append(f"events[{i}]: {etype} on {iso(d)} is after request_withdrawn on {iso(withdrawn)}")
        for need in info[3]:
            if need.only_with_clock and not clock_start:
                continue
            found = first.get((need.event, key) if need.same_key else need.event)
            if need.where is not None and found is not None and not EVENT_SPECS[need.event].once:
                # a repeatable event: any earlier one with the value will do
                match = [
                    x
                    for x in by_type[need.event]
                    if x[4].get(need.where[0]) == need.where[1] and (not need.same_key or x[3] == key)
                ]
                found = min(match, key=_by_date) if match else found
            if found is None or (need.where is not None and found[4].get(need.where[0]) != need.where[1]):
                errors.append(_missing_need(i, etype, d, key, need, found))
            elif found[2] > d:
                errors.append(f"events[{i}]: {etype} on {iso(d)} is before {need.event} on {iso(found[2])}")
        for other in info[4]:
            if other in by_type:
                errors.append(
                    f"events[{i}]: {etype} cannot be in the same case as {other} (events[{by_type[other][0][0]}])"
                )

    if errors:
        raise ClockInputError(errors)

    # -- step instances, straight from the table -----------------------------------------------
    instances: list[tuple[int, str | None, int, int, int]] = []
    for r, name, from_clock, starts, done_by, keyed, start_field, lag_setting, unless in _ASSESSMENT_STEPS:
        if from_clock:
            if not clock_start:
                continue
            anchors = ((clock_start, None),)
        else:
            recs = by_type.get(starts)
            if not recs:
                continue
            lag = getattr(rules, lag_setting) if lag_setting else 0
            if start_field and extra_dates:
                anchors = [
                    (extra_dates.get((rec[0], start_field)) or rec[2] + lag, rec[3] if keyed else None) for rec in recs
                ]
            else:
                anchors = [(rec[2] + lag, rec[3] if keyed else None) for rec in recs]
            if len(anchors) > 1:
                if keyed:
                    anchors.sort()  # by start, then key
                else:
                    anchors.sort(key=_by_start)
        for start, key in anchors:
            done_rec = first.get((done_by, key) if keyed else done_by)
            if done_rec is None:
                if withdrawn:
                    continue
                if unless:
                    applies = True
                    for event, field, value in unless:
                        found = by_type.get(event)
                        if found and (field is None or any(x[4].get(field) == value for x in found)):
                            applies = False
                            break
                    if not applies:
                        continue
                done = 0
            else:
                done = done_rec[2]
                if done < start:
                    step_name = f"{name}:{key}" if keyed else name
                    errors.append(
                        f"events[{done_rec[0]}]: {done_by} on {iso(done)} is before {step_name} starts on {iso(start)}"
                    )
            instances.append((r, key, start, done, 0))
    # The plan's life is followed for a plan on its own, or once any of its events is recorded: an
    # assessment that ends with the final plan is shown as the assessment alone (docs).
    if plan_only or by_type.keys() & _PLAN_TYPES:
        ceased = first.get("plan_ceased")
        for inst in plan_instances(by_type, extra_dates, rules, dob, errors):
            if not inst[3] and (withdrawn or ceased is not None):
                continue  # undone when the plan ended: no longer owed
            instances.append(inst)

    # -- exceptions ----------------------------------------------------------------------------
    exceptions: list[tuple[int, int, int, int]] = []
    raw_exceptions = raw.get("exceptions") or ()
    if raw_exceptions and not isinstance(raw_exceptions, list):
        errors.append("exceptions: must be a list")
    elif raw_exceptions:
        advice_dates = {rec[3]: rec[2] for rec in by_type.get("advice_requested", ())}

        def advice_step(adviser: str) -> int:
            for n_inst, inst in enumerate(instances):
                if STEP_RULES[inst[0]].starts == "advice_requested" and inst[1] == adviser:
                    return n_inst
            return -1

        exceptions = read_exceptions(raw_exceptions, advice_dates, advice_step, errors)

    if errors:
        raise ClockInputError(errors)
    return ParsedCase(raw.get("id"), clock_start, withdrawn, instances, exceptions)


def _by_date(rec: tuple) -> tuple[int, int]:
    return rec[2], rec[0]


# The tables, unpacked once for the per-case loop.
TOP_LEVEL = frozenset(TOP_LEVEL_FIELDS)
# type -> (spec, key fields, always check fields, needs, conflicts, at most one, optional date fields)
_SPEC_INFO: dict[str, tuple] = {
    t: (
        spec,
        spec.key_fields,
        bool(spec.required or spec.choices),
        spec.needs,
        spec.conflicts,
        spec.once,
        spec.date_fields,
    )
    for t, spec in EVENT_SPECS.items()
}
_ASSESSMENT_STEPS = tuple(
    (
        r,
        rule.name,
        rule.starts == CLOCK,
        rule.starts,
        rule.done_by,
        rule.keyed,
        rule.start_field,
        rule.start_lag_setting,
        tuple((w.event, w.field, w.value) for w in rule.not_applicable_when),
    )
    for r, rule in enumerate(STEP_RULES)
    if r in ASSESSMENT_RULES
)
_PLAN_TYPES = frozenset(t for t, spec in EVENT_SPECS.items() if spec.stage == "plan")
_TERMINAL = tuple(t for t, spec in EVENT_SPECS.items() if spec.terminal)


def _by_start(anchor: tuple[int, str | None]) -> int:
    return anchor[0]


def _check_fields(
    i: int, etype: str, d: int, ev: Mapping, spec, errors: list[str], extra_dates: dict[tuple[int, str], int]
) -> bool:
    """Required fields, fixed choices and extra dates of one event; False if any is wrong."""
    before = len(errors)
    for f in spec.required:
        if ev.get(f) is None:
            errors.append(f"events[{i}]: {etype} needs '{f}'")
    for f, allowed in spec.choices.items():
        v = ev.get(f)
        if v is not None and v not in allowed:
            errors.append(f"events[{i}]: {f} {v!r} is not one of {', '.join(allowed)}")
    for f in spec.date_fields:
        v = ev.get(f)
        if v is not None:
            o = parse_date(v, f"events[{i}].{f}", errors)
            if o and d and o < d:
                errors.append(f"events[{i}]: {f} {iso(o)} is before the {etype} date {iso(d)}")
            extra_dates[(i, f)] = o
    return len(errors) == before


def _missing_need(i: int, etype: str, d: int, key: str | None, need, found) -> str:
    msg = f"events[{i}]: {etype} on {iso(d)} needs {article(need.event)} {need.event}"
    if need.same_key:
        msg += f" for '{key}'"
    if need.where is not None:
        msg += f" with {need.where[0]} '{need.where[1]}'"
    msg += " before it"
    if need.where is not None and found is not None:
        msg += f" (events[{found[0]}] has {need.where[0]} '{found[4].get(need.where[0])}')"
    return msg
