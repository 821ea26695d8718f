"""The columnar fast path of `compute_many`: validate many cases and build their step instances
with numpy, reading the same tables (`EVENT_SPECS`, `STEP_RULES`) as `parse.parse_case`, for
assessments and for the plan's life (the pairings of `plan.py`, column-wise, at the end).

`parse_case` stays the reference: any case this path does not accept is handed back to be parsed
one at a time, which also writes the error messages. Exception records (a few per hundred cases)
are read with `parse_case`'s own reader. A property test checks that both paths agree exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from operator import itemgetter
from typing import Any

import numpy as np

from highneeds.engine.clock.exception_records import read_exceptions
from highneeds.engine.clock.fast_columns import (
    ASSESSMENT_ONLY,
    COND_INDEX,
    CONDITIONS,
    NONE,
    PLAN_CODES,
    RULES,
    TERMINAL_PLAN,
    TYPE_CODE,
    TYPES,
    Columns,
    date_column,
    empty_ex,
    first_dates,
    step_names,
)
from highneeds.engine.clock.fast_plan import DUE_RULES, PAIRINGS, PlanTables
from highneeds.engine.clock.parse import TOP_LEVEL
from highneeds.engine.clock.rules import ClockRules
from highneeds.engine.clock.steps import CLOCK, PLAN_RULES, STEP_RULES
from highneeds.engine.clock.vocabulary import EVENT_SPECS


def _check_tables() -> None:
    """The fast path relies on these properties of today's tables; a new row that breaks one must
    extend this module (the equivalence test would fail too)."""
    problems = []
    for _, rule in RULES:
        for w in rule.not_applicable_when:
            if w.field and (not EVENT_SPECS[w.event].once or EVENT_SPECS[w.event].key_fields):
                problems.append(f"condition on {w.event}: must be an unkeyed, at-most-once event")
    for r in PLAN_RULES:
        rule = STEP_RULES[r]
        if rule.pairing not in PAIRINGS or (rule.due_rule and rule.due_rule not in DUE_RULES):
            problems.append(f"{rule.name}: pairing {rule.pairing!r} / due rule {rule.due_rule!r} not handled here")
    for _, rule in RULES:
        if rule.starts == CLOCK and EVENT_SPECS[rule.done_by].key_fields:
            problems.append(f"{rule.name}: a clock-start step must be done by an unkeyed event")
        if rule.keyed and not EVENT_SPECS[rule.starts].key_fields:
            problems.append(f"{rule.name}: a keyed step must start from a keyed event")
        if not rule.keyed and rule.starts != CLOCK and not EVENT_SPECS[rule.starts].once:
            problems.append(f"{rule.name}: an unkeyed step must start from an at-most-once event")
    if problems:
        raise RuntimeError("clock fast path: " + "; ".join(problems))


def parse_columns(cases: Sequence[Any], rules: ClockRules, today: int) -> tuple[list[int], Columns, list[int]]:
    """Returns (positions of the accepted cases, their columns, positions left for `parse_case`)."""
    accepted: list[int] = []
    fallback: list[int] = []
    ids: list[Any] = []
    requests: list[Any] = []
    responsibles: list[Any] = []
    counts: list[int] = []
    events: list[Any] = []
    extend = events.extend
    top = TOP_LEVEL
    with_exceptions: list[tuple[int, list]] = []  # (position among accepted, records)
    births: list[Any] = []
    for ci, raw in enumerate(cases):
        if type(raw) is not dict or not top.issuperset(raw):
            fallback.append(ci)
            continue
        evs = raw.get("events")
        if evs is None:
            evs = ()
        elif type(evs) is not list:
            fallback.append(ci)
            continue
        exc = raw.get("exceptions")
        if exc:
            if type(exc) is not list:
                fallback.append(ci)
                continue
            with_exceptions.append((len(accepted), exc))
        accepted.append(ci)
        ids.append(raw.get("id"))
        requests.append(raw.get("request_received"))
        responsibles.append(raw.get("responsible_from"))
        births.append(raw.get("date_of_birth"))
        counts.append(len(evs))
        extend(evs)

    n = len(accepted)
    n_types = len(TYPES)
    bad = np.zeros(n, dtype=bool)
    ev_case = np.repeat(np.arange(n, dtype=np.int64), counts)
    if events and set(map(type, events)) != {dict}:
        bad[ev_case[[k for k, e in enumerate(events) if type(e) is not dict]]] = True
        events = [e if type(e) is dict else {} for e in events]

    # -- each event on its own (C-level maps over the events; Python only where needed) ------------
    get = dict.get
    raw_types = list(map(get, events, repeat("type")))
    try:
        tcode = np.array(list(map(TYPE_CODE.get, raw_types, repeat(-1))), dtype=np.int64)
    except TypeError:  # an unhashable "type"
        tcode = np.array([TYPE_CODE.get(t, -1) if type(t) is str else -1 for t in raw_types], dtype=np.int64)
    date = date_column(list(map(get, events, repeat("date"))))
    ok = (tcode >= 0) & (date > 0)

    key_id = np.full(len(events), -1, dtype=np.int64)
    key_index: dict[str, int] = {}
    extra: dict[tuple[int, str], np.ndarray] = {}  # (type code, date field) -> ordinals, 0 if absent
    by_type = [np.flatnonzero(tcode == t) for t in range(n_types)]
    for t, spec in enumerate(EVENT_SPECS.values()):
        idx = by_type[t]
        if not len(idx):
            continue
        idx_list = idx.tolist()
        these = [events[k] for k in idx_list] if len(idx_list) < 2 else list(itemgetter(*idx_list)(events))
        if spec.key_fields:
            # The first of the key fields that is present and not "", as text (as parse_case reads it).
            keys: list[Any] = [None] * len(idx_list)
            for f in spec.key_fields:
                values = list(map(get, these, repeat(f)))
                keys = [
                    key if key is not None else (v if type(v) is str else str(v)) if v is not None and v != "" else None
                    for key, v in zip(keys, values)
                ]
            intern = key_index.setdefault
            ids_here = [intern(key, len(key_index)) if key is not None else -1 for key in keys]
            key_id[idx] = ids_here
            ok[idx[key_id[idx] < 0]] = False
        for f in spec.required:
            values = list(map(get, these, repeat(f)))
            ok[[k for k, v in zip(idx_list, values) if v is None]] = False
        for f, allowed in spec.choices.items():
            values = list(map(get, these, repeat(f)))
            ok[[k for k, v in zip(idx_list, values) if v is not None and v not in allowed]] = False
        for f in spec.date_fields:
            values = list(map(get, these, repeat(f)))
            present = np.array([v is not None for v in values], dtype=bool)
            if not present.any():
                continue
            parsed = date_column(values)
            ok[idx[present & ((parsed == 0) | (parsed < date[idx]))]] = False
            extra[(t, f)] = np.where(present, parsed, 0)
    bad[ev_case[~ok]] = True

    # Matches for the (field, value) conditions, by event.
    cond_dates = np.full((n, max(len(CONDITIONS), 1)), NONE, dtype=np.int64)
    for c, (event, field, value) in enumerate(CONDITIONS):
        idx = by_type[TYPE_CODE[event]]
        hit = idx[[events[k].get(field) == value for k in idx.tolist()]] if len(idx) else idx
        np.minimum.at(cond_dates[:, c], ev_case[hit], date[hit])

    # -- first dates, duplicates, clock start -------------------------------------------------
    valid_ev = ok.copy()
    first = first_dates(ev_case[valid_ev], tcode[valid_ev], date[valid_ev], (n, n_types))
    n_keys = len(key_index) + 1
    composite = (ev_case * n_types + np.where(tcode >= 0, tcode, 0)) * n_keys + (key_id + 1)
    order = np.lexsort((date, composite))
    comp_sorted = composite[order]
    date_sorted = date[order]
    same = comp_sorted[1:] == comp_sorted[:-1]
    once = np.array([spec.once for spec in EVENT_SPECS.values()], dtype=bool)
    dup = np.zeros(len(events), dtype=bool)
    dup[order[1:][same]] = True
    bad[ev_case[dup & ok & once[np.where(tcode >= 0, tcode, 0)]]] = True

    def lookup(case_idx: np.ndarray, type_code: int, keys: np.ndarray) -> np.ndarray:
        """Earliest date of (case, type, key), NONE if there is none."""
        want = (case_idx * n_types + type_code) * n_keys + (keys + 1)
        if not len(comp_sorted):
            return np.full(len(want), NONE, dtype=np.int64)
        pos = np.minimum(np.searchsorted(comp_sorted, want), len(comp_sorted) - 1)
        return np.where(comp_sorted[pos] == want, date_sorted[pos], NONE)

    request = date_column(requests)
    responsible = date_column(responsibles)
    given_request = np.array([v is not None for v in requests], dtype=bool)
    given_responsible = np.array([v is not None for v in responsibles], dtype=bool)
    bad |= given_request & (request == 0)
    bad |= given_responsible & (responsible == 0)
    rr_event = first[:, TYPE_CODE["request_received"]]
    has_rr_event = rr_event != NONE
    bad |= has_rr_event & given_request & (request != rr_event)
    request = np.where(given_request, request, np.where(has_rr_event, rr_event, 0))
    clock_start = np.maximum(request, responsible)
    # A case with no clock start is a plan's life (or a decision's appeal) on its own: it needs an
    # event of the plan's life and may not have assessment events.
    has_plan_event = (first[:, PLAN_CODES] != NONE).any(axis=1)
    plan_only = (
        (clock_start == 0)
        & ~given_request
        & ~given_responsible
        & ~has_rr_event
        & (has_plan_event | (first[:, TYPE_CODE["final_plan_issued"]] != NONE))
    )
    bad |= (clock_start == 0) & ~plan_only
    bad |= plan_only & (first[:, ASSESSMENT_ONLY] != NONE).any(axis=1)
    plan_on = plan_only | has_plan_event
    dob = date_column(births)
    bad |= np.array([v is not None for v in births], dtype=bool) & (dob == 0)

    wd = first[:, TYPE_CODE["request_withdrawn"]]
    withdrawn = np.where(wd == NONE, 0, wd)

    # -- relations between events -------------------------------------------------------------
    checked = np.flatnonzero(ok)
    c_case, c_type, c_date, c_key = ev_case[checked], tcode[checked], date[checked], key_id[checked]
    late = (c_date < clock_start[c_case]) & (c_type != TYPE_CODE["request_received"])
    if today:
        late |= c_date > today
    w = withdrawn[c_case]
    late |= (w > 0) & (c_date > w)
    for t in TERMINAL_PLAN:
        late |= c_date > first[c_case, t]  # NONE when the case has no such event
    bad[c_case[late]] = True
    for t, spec in enumerate(EVENT_SPECS.values()):
        if not spec.needs and not spec.conflicts:
            continue
        sel = c_type == t
        if not sel.any():
            continue
        s_case, s_date, s_key = c_case[sel], c_date[sel], c_key[sel]
        for need in spec.needs:
            if need.only_with_clock:
                sel_need = clock_start[s_case] > 0
            else:
                sel_need = slice(None)
            if need.where is not None:
                found = cond_dates[s_case, COND_INDEX[(need.event, *need.where)]]
            elif need.same_key:
                found = lookup(s_case, TYPE_CODE[need.event], s_key)
            else:
                found = first[s_case, TYPE_CODE[need.event]]
            bad[s_case[sel_need][((found == NONE) | (found > s_date))[sel_need]]] = True
        for other in spec.conflicts:
            bad[s_case[first[s_case, TYPE_CODE[other]] != NONE]] = True

    # -- step instances, straight from the table -----------------------------------------------
    parts = []
    for r, rule in RULES:
        if rule.starts == CLOCK:
            i_case = np.flatnonzero(clock_start > 0)
            i_start = clock_start[i_case]
            i_key = np.full(len(i_case), -1, dtype=np.int64)
            i_done = first[i_case, TYPE_CODE[rule.done_by]]
        else:
            t = TYPE_CODE[rule.starts]
            sel = np.flatnonzero(ok & (tcode == t))
            i_case = ev_case[sel]
            i_key = key_id[sel] if rule.keyed else np.full(len(sel), -1, dtype=np.int64)
            lag = getattr(rules, rule.start_lag_setting) if rule.start_lag_setting else 0
            i_start = date[sel] + lag
            if rule.start_field and (t, rule.start_field) in extra:
                given = extra[(t, rule.start_field)][np.searchsorted(by_type[t], sel)]
                i_start = np.where(given > 0, given, i_start)
            i_done = (
                lookup(i_case, TYPE_CODE[rule.done_by], i_key) if rule.keyed else first[i_case, TYPE_CODE[rule.done_by]]
            )
        has_done = i_done != NONE
        keep = has_done | (withdrawn[i_case] == 0)
        for when in rule.not_applicable_when:
            if when.field is None:
                present = first[i_case, TYPE_CODE[when.event]] != NONE
            else:
                present = cond_dates[i_case, COND_INDEX[(when.event, when.field, when.value)]] != NONE
            keep &= has_done | ~present
        i_done = np.where(has_done, i_done, 0)
        bad[i_case[has_done & (i_done < i_start)]] = True
        parts.append(
            (
                i_case[keep],
                np.full(int(keep.sum()), r, dtype=np.int64),
                i_start[keep],
                i_done[keep],
                i_key[keep],
                np.zeros(int(keep.sum()), dtype=np.int64),
            )
        )

    if plan_on.any():
        tables = PlanTables(events, ev_case, tcode, date, key_id, ok, extra, by_type, first, lookup, rules, dob)
        ended = (withdrawn > 0) | (first[:, TYPE_CODE["plan_ceased"]] != NONE)
        for r in PLAN_RULES:
            rule = STEP_RULES[r]
            i_case, i_start, i_done, i_key, i_due = PAIRINGS[rule.pairing](tables, rule)
            keep = plan_on[i_case] & ((i_done > 0) | ~ended[i_case])
            bad[i_case[(i_done > 0) & (i_done < i_start)]] = True
            parts.append(
                (
                    i_case[keep],
                    np.full(int(keep.sum()), r, dtype=np.int64),
                    i_start[keep],
                    i_done[keep],
                    i_key[keep],
                    i_due[keep],
                )
            )

    i_case = np.concatenate([p[0] for p in parts])
    i_rule = np.concatenate([p[1] for p in parts])
    i_start = np.concatenate([p[2] for p in parts])
    i_done = np.concatenate([p[3] for p in parts])
    i_key = np.concatenate([p[4] for p in parts])
    i_due = np.concatenate([p[5] for p in parts])

    # Order as parse_case does: by case, rule, start, then key name.
    key_strings = list(key_index)  # in id order (dicts keep insertion order)
    rank_of = np.argsort(np.argsort(np.array(key_strings, dtype=object))) if key_strings else np.zeros(0, np.int64)
    key_rank = np.where(i_key >= 0, rank_of[np.maximum(i_key, 0)] if len(rank_of) else 0, -1)
    order = np.lexsort((key_rank, i_start, i_rule, i_case))
    i_case, i_rule, i_start, i_done, i_key = i_case[order], i_rule[order], i_start[order], i_done[order], i_key[order]
    i_due = i_due[order]

    # Exception records: few, so read one case at a time with parse_case's own reader.
    ex_rows: list[tuple[int, int, int, int, int]] = []  # case, bit, first, last, target step within the case
    if with_exceptions:
        case_first = np.searchsorted(i_case, np.arange(n + 1)).tolist()
        has_exc = np.zeros(n, dtype=bool)
        has_exc[[c for c, _ in with_exceptions]] = True
        adv = by_type[TYPE_CODE["advice_requested"]]
        adv = adv[ok[adv] & has_exc[ev_case[adv]]]
        advice_dates: dict[int, dict[str, int]] = {}
        for c, k, d in zip(ev_case[adv].tolist(), key_id[adv].tolist(), date[adv].tolist()):
            advice_dates.setdefault(c, {})[key_strings[k]] = d
        advice_rules = {r for r, rule in enumerate(STEP_RULES) if rule.starts == "advice_requested"}
        rule_list, key_list = i_rule.tolist(), i_key.tolist()
        for c, raw_exceptions in with_exceptions:
            if bad[c]:
                continue
            lo, hi = case_first[c], case_first[c + 1]
            steps_here: dict[str, int] = {}
            for j in range(lo, hi):
                if rule_list[j] in advice_rules:
                    steps_here.setdefault(key_strings[key_list[j]], j - lo)
            errs: list[str] = []
            rows = read_exceptions(raw_exceptions, advice_dates.get(c, {}), lambda a: steps_here.get(a, -1), errs)
            if errs:
                bad[c] = True
                continue
            ex_rows.extend((c, *row) for row in rows)

    # Cases this path rejects go to the reference parser; the rest keep their instances.
    good = ~bad
    keep = good[i_case]
    i_case, i_rule, i_start, i_done, i_key = i_case[keep], i_rule[keep], i_start[keep], i_done[keep], i_key[keep]
    i_due = i_due[keep]
    good_idx = np.flatnonzero(good)
    renumber = np.full(n, -1, dtype=np.int64)
    renumber[good_idx] = np.arange(len(good_idx))
    i_case = renumber[i_case]
    first_off = np.searchsorted(i_case, np.arange(len(good_idx) + 1)).tolist()

    ex_rows = [row for row in ex_rows if not bad[row[0]]]
    if ex_rows:
        e_case, e_bit, e_lo, e_hi, e_tgt = (np.array(col, dtype=np.int64) for col in zip(*ex_rows))
        e_case = renumber[e_case]
        e_tgt = np.where(e_tgt >= 0, np.array(first_off, dtype=np.int64)[e_case] + e_tgt, -1)
        ex = {"ex_case": e_case, "ex_bit": e_bit, "ex_lo": e_lo, "ex_hi": e_hi, "ex_tgt": e_tgt}
    else:
        ex = empty_ex()

    good_list = good_idx.tolist()
    cols = Columns(
        ids=[ids[k] for k in good_list],
        clock_start=clock_start[good_idx].tolist(),
        withdrawn=withdrawn[good_idx].tolist(),
        first=first_off,
        rule=i_rule,
        name=step_names(i_rule, i_key, key_strings),
        start=i_start,
        done=i_done,
        given_due=i_due,
        **ex,
    )
    fallback.extend(accepted[k] for k in np.flatnonzero(bad).tolist())
    return [accepted[k] for k in good_list], cols, sorted(fallback)


_check_tables()
