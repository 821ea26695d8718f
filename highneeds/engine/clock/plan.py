"""Step instances for the plan's life: annual reviews, phase transfer, reassessment, mediation and
appeals (the `STEP_RULES` rows with `stage="plan"`).

Unlike the assessment, these events repeat (a review every year, a reassessment now and then), so
each row says how its starts and completions pair up (`StepRule.pairing`):

* ``chain`` (review_due): the plan's making and every review meeting start a review period; each
  is done by the next review meeting.
* ``next`` (review_report, review_decision, amended_plan, phase_transfer, reassessment_*): each
  start event is done by the first completing event on or after it and before the next start.
* ``cycle`` (review_invitations, review_advice): one step per review cycle (the events up to and
  including a review meeting) that has a ``review_meeting_arranged``; the latest arrangement's
  ``meeting_on`` gives the due date (a rebooked meeting moves it), the first completing event in
  the cycle on or after the first arrangement does it.
* ``first`` (keyed by decision: mediation_*, appeal_deadline): the earliest start of that key,
  done by the earliest completing event of that key.

Due dates that a plain `Limit` from the start cannot express (counted back from a meeting, fixed
calendar dates, the later of two limits, the under-5s interval) are computed here; the rest are
left as 0 for the evaluator, which computes them for the whole population with numpy.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date

from highneeds.engine.calendar import add_months
from highneeds.engine.clock.rules import ClockRules
from highneeds.engine.clock.steps import DAYS, MONTHS, PLAN_RULES, STEP_RULES, WEEKS, StepRule

Instance = tuple[int, "str | None", int, int, int]  # rule, key, start, done, due (0: from the limit)
NOT_BEFORE = 1 << 62  # "no next start"


def _sorted(by_type: dict, etype: str) -> list[tuple]:
    return sorted(by_type.get(etype, ()), key=lambda rec: (rec[2], rec[0]))


def _months(ordinal: int, months: int) -> int:
    return add_months(date.fromordinal(ordinal), months).toordinal()


def _offset_due(rule: StepRule, anchor: int, rules: ClockRules) -> int:
    """The due date `rule.limit` gives counted from (or, with `before`, back from) an anchor date."""
    limit = rule.limit
    amount = limit.amount_for(rules)
    sign = -1 if limit.before else 1
    if limit.unit == MONTHS:
        return _months(anchor, sign * amount)
    if limit.unit in (WEEKS, DAYS):
        return anchor + sign * amount * (7 if limit.unit == WEEKS else 1)
    raise ValueError(f"{rule.name}: a {limit.unit} limit cannot be counted from a date field")


# -- named due-date calculations (StepRule.due_rule) -----------------------------------------------
def _review_interval(rule: StepRule, start: int, rec: tuple, ctx: dict) -> int:
    """12 months; for a child under 5 when the period starts, the council's 3-6 months if it set them."""
    rules, dob = ctx["rules"], ctx["dob"]
    months = rule.limit.amount_for(rules)
    if rules.under5_review_months and dob and start < _months(dob, 60):
        months = rules.under5_review_months
    return _months(start, months)


def _phase_transfer(rule: StepRule, start: int, rec: tuple, ctx: dict) -> int:
    """Regulation 18: 15 February of the transfer year (31 March from secondary school to post-16);
    between post-16 settings, 5 months before the transfer."""
    transfer_on = ctx["extra"][(rec[0], "transfer_on")]
    kind = rec[4]["transfer"]
    if kind == "post16":
        return _offset_due(rule, transfer_on, ctx["rules"])
    year = date.fromordinal(transfer_on).year
    due = date(year, 3, 31) if kind == "secondary_to_post16" else date(year, 2, 15)
    return due.toordinal() - (1 if ctx["rules"].phase_transfer_day_before else 0)


def _appeal(rule: StepRule, start: int, rec: tuple, ctx: dict) -> int:
    """HESC rule 20(1)(c): 2 months after the notice was sent or 1 month after the mediation
    certificate was issued, whichever is later."""
    due = _months(start, rule.limit.amount)
    certificate = ctx["first_by_key"].get(("mediation_certificate_issued", rec[3]))
    if certificate is not None:
        due = max(due, _months(certificate[2], 1))
    return due


DUE_RULES = {"review_interval": _review_interval, "phase_transfer": _phase_transfer, "appeal": _appeal}


def _due(rule: StepRule, start: int, rec: tuple, ctx: dict) -> int:
    if rule.due_rule:
        return DUE_RULES[rule.due_rule](rule, start, rec, ctx)
    if rule.anchor_field:
        return _offset_due(rule, ctx["extra"][(rec[0], rule.anchor_field)], ctx["rules"])
    return 0


# -- pairings ----------------------------------------------------------------------------------------
def _chain(r: int, rule: StepRule, by_type: dict, ctx: dict) -> list[Instance]:
    made = _sorted(by_type, rule.starts)
    if not made:
        return []
    meetings = _sorted(by_type, rule.done_by)
    periods = [made[0]] + meetings
    out = []
    for k, rec in enumerate(periods):
        done = meetings[k][2] if k < len(meetings) else 0
        out.append((r, None, rec[2], done, _due(rule, rec[2], rec, ctx)))
    return out


def _next(r: int, rule: StepRule, by_type: dict, ctx: dict) -> list[Instance]:
    starts = _sorted(by_type, rule.starts)
    if rule.start_where is not None:
        field, value = rule.start_where
        starts = [rec for rec in starts if rec[4].get(field) == value]
    dones = [rec[2] for rec in _sorted(by_type, rule.done_by)]
    out = []
    for j, rec in enumerate(starts):
        until = starts[j + 1][2] if j + 1 < len(starts) else NOT_BEFORE
        k = bisect_left(dones, rec[2])
        done = dones[k] if k < len(dones) and dones[k] < until else 0
        out.append((r, None, rec[2], done, _due(rule, rec[2], rec, ctx)))
    return out


def _cycle(r: int, rule: StepRule, by_type: dict, ctx: dict) -> list[Instance]:
    arranged = _sorted(by_type, rule.starts)
    if not arranged:
        return []
    meetings = [rec[2] for rec in _sorted(by_type, rule.cycle_event)]
    cycles: dict[int, list[tuple]] = {}
    for rec in arranged:  # cycle k: after meeting k-1, up to and including meeting k
        cycles.setdefault(bisect_left(meetings, rec[2]), []).append(rec)
    dones = _sorted(by_type, rule.done_by)
    out = []
    for k, recs in sorted(cycles.items()):
        start = recs[0][2]
        done = next((rec[2] for rec in dones if rec[2] >= start and bisect_left(meetings, rec[2]) == k), 0)
        out.append((r, None, start, done, _due(rule, start, recs[-1], ctx)))
    return out


def _first(r: int, rule: StepRule, by_type: dict, ctx: dict) -> list[Instance]:
    first_by_key = ctx["first_by_key"]
    starts: dict[str, tuple] = {}
    for etype in (rule.starts, *rule.also_starts):
        for rec in by_type.get(etype, ()):
            prior = starts.get(rec[3])
            if prior is None or (rec[2], rec[0]) < (prior[2], prior[0]):
                starts[rec[3]] = rec
    out = []
    for key, rec in starts.items():
        done_rec = first_by_key.get((rule.done_by, key))
        if done_rec is None:
            if any((t, key) in first_by_key for t in rule.dropped_by_key):
                continue
            done = 0
        else:
            done = done_rec[2]
            if done < rec[2]:
                ctx["errors"].append(
                    f"events[{done_rec[0]}]: {rule.done_by} on {date.fromordinal(done)} is before "
                    f"{rule.name}:{key} starts on {date.fromordinal(rec[2])} "
                    f"({rec[1]}, events[{rec[0]}])"
                )
        out.append((r, key, rec[2], done, _due(rule, rec[2], rec, ctx)))
    out.sort(key=lambda inst: (inst[2], inst[1]))
    return out


PAIRINGS = {"chain": _chain, "next": _next, "cycle": _cycle, "first": _first}


def plan_instances(by_type: dict, extra: dict, rules: ClockRules, dob: int, errors: list[str]) -> list[Instance]:
    """Every plan-life step of one case, in table order.

    `by_type` maps an event type to its records ``(index, type, date, key, event, spec info)``
    (already validated by `parse_case`); `extra` maps ``(index, field)`` to the ordinal of an
    event's extra date field; `dob` is the date of birth ordinal or 0.
    """
    first_by_key: dict[tuple[str, str], tuple] = {}
    for etype, recs in by_type.items():
        for rec in recs:
            if rec[3] is not None:
                prior = first_by_key.get((etype, rec[3]))
                if prior is None or (rec[2], rec[0]) < (prior[2], prior[0]):
                    first_by_key[(etype, rec[3])] = rec
    ctx = {"rules": rules, "dob": dob, "extra": extra, "first_by_key": first_by_key, "errors": errors}
    out: list[Instance] = []
    for r in PLAN_RULES:
        rule = STEP_RULES[r]
        out.extend(PAIRINGS[rule.pairing](r, rule, by_type, ctx))
    return out
