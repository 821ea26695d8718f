"""The plan's life, column-wise: the same pairings as `plan.py`, for whole populations, used by
`fast.parse_columns` for cases with a plan."""

from __future__ import annotations

from typing import Any

import numpy as np

from highneeds.engine.calendar import add_months_ordinals, datetime64_to_ordinals, ordinals_to_datetime64
from highneeds.engine.clock.fast_columns import DAY_SPAN, NONE, TYPE_CODE
from highneeds.engine.clock.steps import MONTHS


class PlanTables:
    """The validated events of a batch, with the lookups the plan-life pairings need."""

    def __init__(self, events, ev_case, tcode, date, key_id, ok, extra, by_type, first, lookup, rules, dob):
        self.events, self.ev_case, self.tcode, self.date, self.key_id = events, ev_case, tcode, date, key_id
        self.ok, self.extra, self.by_type, self.first, self.lookup = ok, extra, by_type, first, lookup
        self.rules, self.dob = rules, dob
        self._sorted: dict[str, np.ndarray] = {}

    def of(self, etype: str) -> np.ndarray:
        """Indices of the valid events of a type, by case, date, then input order."""
        got = self._sorted.get(etype)
        if got is None:
            idx = self.by_type[TYPE_CODE[etype]]
            idx = idx[self.ok[idx]]
            got = idx[np.lexsort((idx, self.date[idx], self.ev_case[idx]))]
            self._sorted[etype] = got
        return got

    def extra_date(self, etype: str, field: str, idx: np.ndarray) -> np.ndarray:
        t = TYPE_CODE[etype]
        return self.extra[(t, field)][np.searchsorted(self.by_type[t], idx)]

    def values(self, idx: np.ndarray, field: str) -> list[Any]:
        events = self.events
        return [events[k].get(field) for k in idx.tolist()]


def _no_key(n: int) -> np.ndarray:
    return np.full(n, -1, dtype=np.int64)


def _first_at_or_after(keys: np.ndarray, want: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For sorted composite `keys` (group * DAY_SPAN + date), the first key >= each `want` in the
    same group: (found?, its date)."""
    if not len(keys):
        return np.zeros(len(want), dtype=bool), np.zeros(len(want), dtype=np.int64)
    pos = np.searchsorted(keys, want, "left")
    cand = keys[np.minimum(pos, len(keys) - 1)]
    found = (pos < len(keys)) & (cand // DAY_SPAN == want // DAY_SPAN)
    return found, cand % DAY_SPAN


def _chain(T: PlanTables, rule) -> tuple[np.ndarray, ...]:
    made, meets = T.of(rule.starts), T.of(rule.done_by)
    c0, s0 = T.ev_case[made], T.date[made]
    d0 = T.first[c0, TYPE_CODE[rule.done_by]]
    d0 = np.where(d0 == NONE, 0, d0)
    c1, s1 = T.ev_case[meets], T.date[meets]
    same = np.r_[c1[1:] == c1[:-1], False] if len(c1) else np.zeros(0, dtype=bool)
    d1 = np.where(same, np.r_[s1[1:], 0], 0) if len(c1) else np.zeros(0, dtype=np.int64)
    case, start, done = np.r_[c0, c1], np.r_[s0, s1], np.r_[d0, d1]
    return case, start, done, _no_key(len(case)), DUE_RULES[rule.due_rule](T, rule, case, start, None)


def _next(T: PlanTables, rule) -> tuple[np.ndarray, ...]:
    S = T.of(rule.starts)
    if rule.start_where is not None:
        field, value = rule.start_where
        S = S[np.array([v == value for v in T.values(S, field)], dtype=bool)] if len(S) else S
    case, start = T.ev_case[S], T.date[S]
    same = np.r_[case[1:] == case[:-1], False] if len(S) else np.zeros(0, dtype=bool)
    until = np.where(same, np.r_[start[1:], 0], NONE) if len(S) else np.zeros(0, dtype=np.int64)
    D = T.of(rule.done_by)
    found, when = _first_at_or_after(T.ev_case[D] * DAY_SPAN + T.date[D], case * DAY_SPAN + start)
    done = np.where(found & (when < until), when, 0)
    due = DUE_RULES[rule.due_rule](T, rule, case, start, S) if rule.due_rule else np.zeros(len(S), dtype=np.int64)
    return case, start, done, _no_key(len(S)), due


def _cycle(T: PlanTables, rule) -> tuple[np.ndarray, ...]:
    A, M, D = T.of(rule.starts), T.of(rule.cycle_event), T.of(rule.done_by)
    meeting_keys = T.ev_case[M] * DAY_SPAN + T.date[M]
    per_case = int(np.bincount(T.ev_case[M]).max()) + 2 if len(M) else 2

    def group_of(idx: np.ndarray) -> np.ndarray:
        """(case, review cycle): cycle k is after meeting k-1, up to and including meeting k."""
        c = T.ev_case[idx]
        k = np.searchsorted(meeting_keys, c * DAY_SPAN + T.date[idx], "left") - np.searchsorted(
            meeting_keys, c * DAY_SPAN, "left"
        )
        return c * per_case + k

    group = group_of(A)
    if not len(A):
        z = np.zeros(0, dtype=np.int64)
        return z, z, z, z, z
    head = np.r_[True, group[1:] != group[:-1]]
    tail = np.r_[group[1:] != group[:-1], True]
    g, start = group[head], T.date[A][head]
    latest = A[tail]  # the latest arrangement in the cycle gives the meeting date
    found, when = _first_at_or_after(group_of(D) * DAY_SPAN + T.date[D], g * DAY_SPAN + start)
    done = np.where(found, when, 0)
    anchor = T.extra_date(rule.starts, rule.anchor_field, latest)
    weeks = rule.limit.amount_for(T.rules)
    return T.ev_case[A][head], start, done, _no_key(len(g)), anchor - 7 * weeks


def _first(T: PlanTables, rule) -> tuple[np.ndarray, ...]:
    idx = np.concatenate([T.of(t) for t in (rule.starts, *rule.also_starts)])
    if not len(idx):
        z = np.zeros(0, dtype=np.int64)
        return z, z, z, z, z
    idx = idx[np.lexsort((idx, T.date[idx], T.key_id[idx], T.ev_case[idx]))]
    c, k = T.ev_case[idx], T.key_id[idx]
    head = np.r_[True, (c[1:] != c[:-1]) | (k[1:] != k[:-1])]
    S = idx[head]
    case, key, start = T.ev_case[S], T.key_id[S], T.date[S]
    done = T.lookup(case, TYPE_CODE[rule.done_by], key)
    keep = np.ones(len(S), dtype=bool)
    for t in rule.dropped_by_key:
        keep &= (done != NONE) | (T.lookup(case, TYPE_CODE[t], key) == NONE)
    done = np.where(done == NONE, 0, done)
    case, key, start, done, S = case[keep], key[keep], start[keep], done[keep], S[keep]
    due = DUE_RULES[rule.due_rule](T, rule, case, start, S, key) if rule.due_rule else np.zeros(len(S), np.int64)
    return case, start, done, key, due


def _review_interval(T: PlanTables, rule, case, start, S) -> np.ndarray:
    months = np.full(len(start), rule.limit.amount_for(T.rules), dtype=np.int64)
    if T.rules.under5_review_months:
        born = T.dob[case]
        fifth = add_months_ordinals(np.where(born > 0, born, start), 60)
        months[(born > 0) & (start < fifth)] = T.rules.under5_review_months
    return add_months_ordinals(start, months) if len(start) else start.copy()


def _phase_transfer(T: PlanTables, rule, case, start, S) -> np.ndarray:
    if not len(S):
        return np.zeros(0, dtype=np.int64)
    transfer_on = T.extra_date(rule.starts, "transfer_on", S)
    kinds = np.array(T.values(S, "transfer"), dtype=object)
    month_start = ordinals_to_datetime64(transfer_on).astype("datetime64[Y]").astype("datetime64[M]")
    feb_15 = datetime64_to_ordinals((month_start + 1).astype("datetime64[D]")) + 14
    mar_31 = datetime64_to_ordinals((month_start + 3).astype("datetime64[D]")) - 1
    fixed = np.where(kinds == "secondary_to_post16", mar_31, feb_15) - int(T.rules.phase_transfer_day_before)
    assert rule.limit.unit == MONTHS and rule.limit.before
    return np.where(kinds == "post16", add_months_ordinals(transfer_on, -rule.limit.amount), fixed)


def _appeal(T: PlanTables, rule, case, start, S, key) -> np.ndarray:
    if not len(start):
        return np.zeros(0, dtype=np.int64)
    due = add_months_ordinals(start, rule.limit.amount)
    certificate = T.lookup(case, TYPE_CODE["mediation_certificate_issued"], key)
    has = certificate != NONE
    after = add_months_ordinals(np.where(has, certificate, start), 1)
    return np.where(has, np.maximum(due, after), due)


PAIRINGS = {"chain": _chain, "next": _next, "cycle": _cycle, "first": _first}
DUE_RULES = {"review_interval": _review_interval, "phase_transfer": _phase_transfer, "appeal": _appeal}
