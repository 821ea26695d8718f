"""Property tests for the statutory clock: dates anywhere (leap years, month ends, bank holidays),
cases of every shape, exceptions overlapping in any order."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from highneeds.engine.calendar import ENGLAND_AND_WALES
from highneeds.engine.clock import (
    STATUSES,
    ClockInputError,
    ClockRules,
    Limit,
    StepRule,
    compute_case,
    compute_many,
)
from highneeds.engine.clock.evaluate import _period_end
from highneeds.engine.clock.steps import DAYS, WORKING_DAYS

any_date = st.dates(min_value=date(1995, 1, 1), max_value=date(2095, 12, 31))
ADVISERS = ["educational_psychology", "health", "social_care", "school", "early_years", "speech"]


def iso(d: date) -> str:
    return d.isoformat()


@st.composite
def valid_cases(draw, first=date(2014, 1, 1), last=date(2029, 6, 30)):
    received = draw(st.dates(min_value=first, max_value=last))
    events: list[dict] = []
    exceptions: list[dict] = []
    data = {"request_received": iso(received), "events": events, "exceptions": exceptions}
    latest = received
    start = received
    if draw(st.booleans()) and draw(st.booleans()):
        start = received + timedelta(days=draw(st.integers(-30, 30)))
        data["responsible_from"] = iso(start)
        start = max(start, received)
        latest = start

    def later(base: date, lo: int, hi: int) -> date:
        nonlocal latest
        d = base + timedelta(days=draw(st.integers(lo, hi)))
        latest = max(latest, d)
        return d

    advisers: list[str] = []
    outcome = draw(st.sampled_from(["assess", "assess", "not_assess", None]))
    if outcome:
        decided = later(start, 0, 80)
        events.append({"type": "decision_to_assess", "date": iso(decided), "outcome": outcome})
        if outcome == "assess":
            advisers = draw(st.lists(st.sampled_from(ADVISERS), unique=True, max_size=4))
            for a in advisers:
                asked = later(decided, 0, 10)
                extra = {"received_by_adviser": iso(later(asked, 0, 5))} if draw(st.booleans()) else {}
                events.append({"type": "advice_requested", "date": iso(asked), "adviser": a, **extra})
                if draw(st.booleans()):
                    rec = date.fromisoformat(extra.get("received_by_adviser", iso(asked)))
                    events.append({"type": "advice_received", "date": iso(later(rec, 0, 90)), "adviser": a})
            path = draw(st.sampled_from(["open", "not_issue", "draft", "final", "withdrawn"]))
            if path == "not_issue":
                events.append({"type": "decision_not_to_issue", "date": iso(later(latest, 0, 90))})
            elif path in ("draft", "final"):
                draft = later(latest, 0, 90)
                events.append({"type": "draft_plan_sent", "date": iso(draft)})
                if draw(st.booleans()):
                    sent = later(draft, 0, 10)
                    events.append({"type": "school_consultation_sent", "date": iso(sent), "urn": 100001})
                    if draw(st.booleans()):
                        events.append(
                            {"type": "school_consultation_response", "date": iso(later(sent, 0, 30)), "urn": "100001"}
                        )
                if path == "final":
                    events.append({"type": "final_plan_issued", "date": iso(later(latest, 0, 60))})
            elif path == "withdrawn":
                events.append({"type": "request_withdrawn", "date": iso(later(latest, 0, 30))})
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["PERSONAL_CIRCS", "ABSENT_AREA", "MISSED_APPT", "SCHOOL_CLOSURE", "open"]))
        frm = received + timedelta(days=draw(st.integers(-20, 200)))
        if kind == "PERSONAL_CIRCS":
            exceptions.append(
                {"type": kind, "from": iso(frm), "to": iso(frm + timedelta(days=draw(st.integers(0, 60))))}
            )
        elif kind == "open":
            exceptions.append({"type": "PERSONAL_CIRCS", "from": iso(frm)})
        elif kind == "ABSENT_AREA":
            exceptions.append(
                {"type": kind, "from": iso(frm), "to": iso(frm + timedelta(days=draw(st.integers(27, 90))))}
            )
        elif kind == "MISSED_APPT" and advisers:
            exceptions.append({"type": kind, "date": iso(frm), "adviser": draw(st.sampled_from(advisers))})
        elif kind == "SCHOOL_CLOSURE":
            asked = received + timedelta(days=draw(st.integers(0, 120)))
            closes = asked + timedelta(days=draw(st.integers(-20, 7)))
            reopens = max(closes + timedelta(days=draw(st.integers(28, 60))), asked + timedelta(days=8))
            exceptions.append(
                {"type": kind, "from": iso(closes), "reopens": iso(reopens), "advice_requested_on": iso(asked)}
            )
    today = latest + timedelta(days=draw(st.integers(0, 200))) if draw(st.booleans()) else None
    return data, today


def as_json(result):
    return result.as_json()


# -- day counting over any dates -------------------------------------------------------------------


@settings(deadline=None)
@given(any_date, st.booleans())
def test_week_limits_are_exact_day_counts_across_leap_years_and_month_ends(received, day_one):
    result = compute_case({"request_received": iso(received)}, rules=ClockRules(receipt_is_day_one=day_one))
    due = {s.step: s.due for s in result.deadlines}
    for step, weeks in [("decide_whether_to_assess", 6), ("notify_not_issue", 16), ("final_plan", 20)]:
        # Count the days one at a time: by default the day after receipt is day 1; otherwise receipt is.
        day, counted = received, 1 if day_one else 0
        while counted < 7 * weeks:
            day += timedelta(days=1)
            counted += 1
        assert due[step] == day
        assert due[step] - received == timedelta(days=7 * weeks - (1 if day_one else 0))


@settings(deadline=None)
@given(any_date, st.integers(-3, 3), st.booleans())
def test_met_exactly_when_done_on_or_before_due(received, delta, day_one):
    rules = ClockRules(receipt_is_day_one=day_one)
    due = received + timedelta(days=42 - (1 if day_one else 0))
    decided = due + timedelta(days=delta)
    assume(decided >= received)
    data = {
        "request_received": iso(received),
        "events": [{"type": "decision_to_assess", "date": iso(decided), "outcome": "not_assess"}],
    }
    (step,) = compute_case(data, rules=rules).deadlines
    assert step.due == due
    assert step.status == ("met" if delta <= 0 else "missed")


@settings(deadline=None)
@given(st.dates(min_value=date(2014, 1, 1), max_value=date(2030, 11, 30)), st.integers(1, 20))
def test_working_day_limits_land_on_working_days_and_skip_bank_holidays(start, n):
    rule = StepRule("working_day_limit", Limit(n, WORKING_DAYS), starts="x", done_by="y")
    (end,) = _period_end(rule, np.array([start.toordinal()]), ClockRules(), ENGLAND_AND_WALES)
    end = date.fromordinal(int(end))
    assert ENGLAND_AND_WALES.is_working_day(end)
    between = [start + timedelta(days=k) for k in range(1, (end - start).days + 1)]
    assert sum(d.weekday() < 5 and d not in ENGLAND_AND_WALES.titles for d in between) == n
    calendar_rule = StepRule("calendar_day_limit", Limit(n, DAYS), starts="x", done_by="y")
    (plain,) = _period_end(calendar_rule, np.array([start.toordinal()]), ClockRules(), ENGLAND_AND_WALES)
    assert date.fromordinal(int(plain)) <= end


@settings(deadline=None)
@given(any_date, st.integers(0, 5))
def test_representation_period_is_fifteen_days_beginning_with_service(served, lag):
    received = served - timedelta(days=60)
    data = {
        "request_received": iso(received),
        "events": [
            {"type": "decision_to_assess", "date": iso(received), "outcome": "assess"},
            {"type": "draft_plan_sent", "date": iso(served)},
        ],
    }
    got = {s.step: s for s in compute_case(data, rules=ClockRules(draft_service_lag_days=lag)).deadlines}
    first_day = served + timedelta(days=lag)
    period = [first_day + timedelta(days=k) for k in range(15)]  # day 1 .. day 15
    assert got["earliest_finalisation"].due == period[-1] + timedelta(days=1)


# -- whole cases -----------------------------------------------------------------------------------


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(valid_cases())
def test_valid_cases_always_evaluate_with_known_statuses(case_and_today):
    data, today = case_and_today
    result = compute_case(data, today=today)
    for s in result.deadlines:
        assert s.status in STATUSES
        assert s.start <= s.due
        if s.step == "earliest_finalisation":
            assert s.status in ("met", "missed", "pending")
        if s.done is None:
            assert s.status in ("pending", "overdue", "excepted")
            if s.status == "excepted":
                assert s.exceptions and today is not None and today > s.due
        elif s.status == "excepted":
            assert s.exceptions and s.done > s.due
        if s.status == "overdue":
            assert today is not None and today > s.due and not s.exceptions
    if result.withdrawn:
        assert all(s.done is not None for s in result.deadlines)


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(valid_cases(), st.randoms(use_true_random=False))
def test_order_of_events_and_exceptions_does_not_matter(case_and_today, rnd):
    data, today = case_and_today
    shuffled = copy.deepcopy(data)
    rnd.shuffle(shuffled["events"])
    rnd.shuffle(shuffled["exceptions"])
    assert compute_case(shuffled, today=today).deadlines == compute_case(data, today=today).deadlines


TRANSITIONS = {("missed", "excepted"), ("overdue", "excepted")}


@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    valid_cases(),
    st.dates(min_value=date(2013, 1, 1), max_value=date(2031, 1, 1)),
    st.integers(0, 120),
    st.sampled_from(["PERSONAL_CIRCS", "ABSENT_AREA"]),
)
def test_an_exception_only_ever_excuses(case_and_today, frm, length, code):
    """Exceptions disapply a limit; they never move a due date, and never make a step worse."""
    data, today = case_and_today
    if code == "ABSENT_AREA":
        length = max(length, 27)
    before = compute_case(data, today=today).deadlines
    extra = copy.deepcopy(data)
    extra["exceptions"].append({"type": code, "from": iso(frm), "to": iso(frm + timedelta(days=length))})
    after = compute_case(extra, today=today).deadlines
    assert [(s.step, s.start, s.due, s.done) for s in before] == [(s.step, s.start, s.due, s.done) for s in after]
    lo, hi = frm, frm + timedelta(days=length)
    for b, a in zip(before, after):
        assert set(b.exceptions) <= set(a.exceptions)
        assert a.status == b.status or (b.status, a.status) in TRANSITIONS
        overlaps = lo <= b.due and hi >= b.start
        if not overlaps:
            assert a == b  # outside the step's window it changes nothing


@settings(deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(
    valid_cases(),
    st.dates(min_value=date(2014, 1, 1), max_value=date(2029, 1, 1)),
    st.integers(0, 40),
    st.integers(0, 40),
    st.integers(0, 40),
)
def test_overlapping_periods_of_one_code_act_as_their_union(case_and_today, frm, a, gap, b):
    data, today = case_and_today
    first_end = frm + timedelta(days=a)
    second_start = first_end - timedelta(days=gap)  # overlaps or touches the first
    second_end = second_start + timedelta(days=b + gap)
    split = copy.deepcopy(data)
    split["exceptions"] += [
        {"type": "PERSONAL_CIRCS", "from": iso(frm), "to": iso(first_end)},
        {"type": "PERSONAL_CIRCS", "from": iso(max(second_start, frm)), "to": iso(second_end)},
    ]
    union = copy.deepcopy(data)
    union["exceptions"].append({"type": "PERSONAL_CIRCS", "from": iso(frm), "to": iso(max(first_end, second_end))})
    assert compute_case(split, today=today).deadlines == compute_case(union, today=today).deadlines


@settings(deadline=None, max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(valid_cases(), min_size=1, max_size=25), st.dates(min_value=date(2030, 1, 1), max_value=date(2031, 1, 1))
)
def test_batch_equals_one_at_a_time(cases, today):
    datas = [c for c, _ in cases]
    batch = compute_many(datas, today=today)
    assert [r.deadlines for r in batch] == [compute_case(d, today=today).deadlines for d in datas]


@settings(deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(valid_cases())
def test_the_day_one_reading_moves_every_within_limit_one_day_earlier(case_and_today):
    data, _ = case_and_today
    default = compute_case(data).deadlines
    day_one = compute_case(data, rules=ClockRules(receipt_is_day_one=True)).deadlines
    assert [s.step for s in default] == [s.step for s in day_one]
    for a, b in zip(default, day_one):
        shift = 0 if a.step == "earliest_finalisation" else 1
        assert a.due - b.due == timedelta(days=shift)


# -- anything at all: an answer or a ClockInputError, never a crash ------------------------------

json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.text(max_size=12),
    st.sampled_from(["2024-01-10", "2024-02-29", "2023-02-29", "2024-1-1", "assess", "not_assess"]),
)
event_types = st.sampled_from(
    [
        "request_received",
        "decision_to_assess",
        "advice_requested",
        "advice_received",
        "decision_not_to_issue",
        "draft_plan_sent",
        "final_plan_issued",
        "request_withdrawn",
        "school_consultation_sent",
        "school_consultation_response",
        "plan_ceased",
        "bogus",
    ]
)
fuzz_event = st.one_of(
    st.fixed_dictionaries(
        {"type": event_types, "date": st.one_of(any_date.map(iso), json_scalar)},
        optional={
            "outcome": st.sampled_from(["assess", "not_assess", "maybe"]),
            "adviser": st.sampled_from(["a", "b", "", 3]),
            "urn": json_scalar,
            "served": json_scalar,
            "received_by_adviser": json_scalar,
        },
    ),
    json_scalar,
)
fuzz_exception = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            ["PERSONAL_CIRCS", "ABSENT_AREA", "MISSED_APPT", "SCHOOL_CLOSURE", "EY_CLOSURE", "COVID19", "X"]
        )
    },
    optional={
        "from": json_scalar,
        "to": json_scalar,
        "reopens": json_scalar,
        "date": json_scalar,
        "adviser": st.sampled_from(["a", "b"]),
        "advice_requested_on": json_scalar,
    },
)


@settings(deadline=None, max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "request_received": st.one_of(any_date.map(iso), json_scalar),
            "responsible_from": st.one_of(any_date.map(iso), json_scalar),
            "events": st.one_of(st.lists(fuzz_event, max_size=8), json_scalar),
            "exceptions": st.one_of(st.lists(fuzz_exception, max_size=3), json_scalar),
        },
    )
)
def test_arbitrary_input_gives_an_answer_or_a_clear_error(data):
    try:
        result = compute_case(data)
    except ClockInputError as exc:
        assert exc.errors and all(isinstance(m, str) and m for m in exc.errors)
    else:
        assert all(s.status in STATUSES for s in result.deadlines)


# -- the columnar fast path agrees with the reference parser, case for case ----------------------


@st.composite
def mutated_cases(draw):
    """A valid case with one thing broken or changed: most become invalid, some stay valid."""
    data, _ = draw(valid_cases())
    data = copy.deepcopy(data)
    events = data["events"]
    how = draw(
        st.sampled_from(["drop", "duplicate", "shift", "retype", "outcome", "unkey", "exception", "top", "insert"])
    )
    if events and how in ("drop", "duplicate", "shift", "retype", "outcome", "unkey"):
        k = draw(st.integers(0, len(events) - 1))
        ev = events[k]
        if how == "drop":
            del events[k]
        elif how == "duplicate":
            events.append(dict(ev))
        elif how == "shift":
            d = date.fromisoformat(ev["date"]) + timedelta(days=draw(st.integers(-200, 200)))
            ev["date"] = iso(d)
        elif how == "retype":
            ev["type"] = draw(
                st.sampled_from(
                    [
                        "advice_received",
                        "final_plan_issued",
                        "draft_plan_sent",
                        "request_withdrawn",
                        "decision_not_to_issue",
                        "bogus",
                    ]
                )
            )
        elif how == "outcome":
            ev["outcome"] = draw(st.sampled_from(["assess", "not_assess", None, "maybe"]))
        else:
            for f in ("adviser", "urn", "school"):
                ev.pop(f, None)
    elif how == "insert":
        received = date.fromisoformat(data["request_received"])
        events.append(
            {
                "type": draw(
                    st.sampled_from(
                        [
                            "decision_not_to_issue",
                            "request_withdrawn",
                            "draft_plan_sent",
                            "final_plan_issued",
                            "decision_to_assess",
                        ]
                    )
                ),
                "date": iso(received + timedelta(days=draw(st.integers(-5, 200)))),
                "outcome": "assess",
            }
        )
    elif how == "exception":
        data["exceptions"].append(draw(fuzz_exception))
    else:
        data[draw(st.sampled_from(["request_received", "responsible_from"]))] = draw(
            st.one_of(st.none(), json_scalar, any_date.map(iso))
        )
    return data


@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    st.lists(
        st.one_of(
            valid_cases().map(lambda ct: ct[0]),
            mutated_cases(),
            mutated_cases(),
            st.fixed_dictionaries(
                {"request_received": any_date.map(iso)}, optional={"events": st.lists(fuzz_event, max_size=6)}
            ),
        ),
        min_size=1,
        max_size=40,
    ),
    st.one_of(st.none(), st.dates(min_value=date(2014, 1, 1), max_value=date(2031, 1, 1))),
    st.sampled_from(
        [ClockRules(), ClockRules(receipt_is_day_one=True, advice_receipt_lag_days=2, draft_service_lag_days=1)]
    ),
)
def test_columnar_fast_path_agrees_with_the_reference_parser(cases, today, rules):
    fast = compute_many(cases, today=today, rules=rules, fast=True)
    slow = compute_many(cases, today=today, rules=rules, fast=False)
    assert fast == slow
