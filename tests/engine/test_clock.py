"""The statutory clock: each step, status, setting, exception and error, on worked examples."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from highneeds.engine.calendar import ENGLAND_AND_WALES
from highneeds.engine.clock import (
    EVENT_SPECS,
    EXCEPTION_CODES,
    STATUSES,
    STEP_RULES,
    ClockInputError,
    ClockRules,
    Limit,
    StepRule,
    compute_case,
    compute_many,
)
from highneeds.engine.clock.evaluate import _period_end
from highneeds.engine.clock.steps import CLOCK, MONTHS, WORKING_DAYS

ISSUE_EXAMPLE = {
    "request_received": "2024-01-10",
    "events": [
        {"type": "decision_to_assess", "date": "2024-02-14", "outcome": "assess"},
        {"type": "advice_requested", "date": "2024-02-15", "adviser": "educational_psychology"},
        {"type": "advice_received", "date": "2024-03-20", "adviser": "educational_psychology"},
        {"type": "draft_plan_sent", "date": "2024-05-01"},
        {"type": "final_plan_issued", "date": "2024-05-28"},
    ],
    "exceptions": [{"type": "PERSONAL_CIRCS", "from": "2024-03-01", "to": "2024-03-20"}],
}


def ev(type_, day, **fields):
    return {"type": type_, "date": day, **fields}


def case(*events, request="2024-01-10", exceptions=(), **top):
    return {"request_received": request, "events": list(events), "exceptions": list(exceptions), **top}


ASSESS = ev("decision_to_assess", "2024-02-14", outcome="assess")


def steps(result):
    return {s.step: s for s in result.deadlines}


def errors_of(data, **kw):
    with pytest.raises(ClockInputError) as info:
        compute_case(data, **kw)
    return info.value.errors


# -- the issue's example -------------------------------------------------------------------------


def test_issue_example_output():
    out = compute_case(ISSUE_EXAMPLE).as_json()
    assert out == {
        "clock_start": "2024-01-10",
        "withdrawn": None,
        "deadlines": [
            {
                "step": "decide_whether_to_assess",
                "due": "2024-02-21",
                "done": "2024-02-14",
                "status": "met",
                "exceptions": [],
                "start": "2024-01-10",
            },
            {
                "step": "advice:educational_psychology",
                "due": "2024-03-28",
                "done": "2024-03-20",
                "status": "met",
                "exceptions": ["PERSONAL_CIRCS"],
                "start": "2024-02-15",
            },
            {
                "step": "earliest_finalisation",
                "due": "2024-05-16",
                "done": "2024-05-28",
                "status": "met",
                "exceptions": [],
                "start": "2024-05-01",
            },
            {
                "step": "final_plan",
                "due": "2024-05-29",
                "done": "2024-05-28",
                "status": "met",
                "exceptions": ["PERSONAL_CIRCS"],
                "start": "2024-01-10",
            },
        ],
    }


def test_issue_example_error_message():
    data = {
        **ISSUE_EXAMPLE,
        "events": [
            *ISSUE_EXAMPLE["events"][:3],
            ev("final_plan_issued", "2024-04-01"),
            ev("draft_plan_sent", "2024-05-01"),
        ],
    }
    assert errors_of(data) == ["events[3]: final_plan_issued on 2024-04-01 is before draft_plan_sent on 2024-05-01"]


# -- day counting: the setting, both readings ------------------------------------------------------


@pytest.mark.parametrize(
    "day_one, decide_due, final_due",
    [
        (False, "2024-02-21", "2024-05-29"),  # receipt + 42 / + 140 days
        (True, "2024-02-20", "2024-05-28"),  # receipt is day 1: a day earlier
    ],
)
def test_receipt_day_counting_setting(day_one, decide_due, final_due):
    result = compute_case(case(), rules=ClockRules(receipt_is_day_one=day_one))
    assert steps(result)["decide_whether_to_assess"].due == date.fromisoformat(decide_due)
    assert steps(result)["final_plan"].due == date.fromisoformat(final_due)


@pytest.mark.parametrize("day_one, status", [(False, "met"), (True, "missed")])
def test_plan_on_day_140_is_in_time_only_under_the_default_reading(day_one, status):
    data = case(ASSESS, ev("draft_plan_sent", "2024-05-01"), ev("final_plan_issued", "2024-05-29"))
    result = compute_case(data, rules=ClockRules(receipt_is_day_one=day_one))
    assert steps(result)["final_plan"].status == status


def test_representation_period_is_not_affected_by_the_setting():
    data = case(ASSESS, ev("draft_plan_sent", "2024-05-01"))
    for day_one in (False, True):
        got = steps(compute_case(data, rules=ClockRules(receipt_is_day_one=day_one)))["earliest_finalisation"]
        assert got.due == date(2024, 5, 16)  # served 1 May is day 1 of 15; 15 May the last; 16 May the earliest


# -- statuses ------------------------------------------------------------------------------------


def test_pending_and_overdue_depend_on_today():
    data = case()
    assert steps(compute_case(data))["decide_whether_to_assess"].status == "pending"
    on_due = steps(compute_case(data, today=date(2024, 2, 21)))["decide_whether_to_assess"]
    assert on_due.status == "pending"  # the due day itself is still in time
    after = steps(compute_case(data, today=date(2024, 2, 22)))["decide_whether_to_assess"]
    assert after.status == "overdue"


def test_missed_and_excepted():
    late = case(ev("decision_to_assess", "2024-02-22", outcome="assess"))
    assert steps(compute_case(late))["decide_whether_to_assess"].status == "missed"
    excused = dict(late, exceptions=[{"type": "ABSENT_AREA", "from": "2024-01-20", "to": "2024-02-20"}])
    got = steps(compute_case(excused))["decide_whether_to_assess"]
    assert (got.status, got.exceptions) == ("excepted", ("ABSENT_AREA",))


def test_overdue_with_an_exception_is_excepted():
    data = case(exceptions=[{"type": "PERSONAL_CIRCS", "from": "2024-02-01"}])
    got = steps(compute_case(data, today=date(2024, 3, 1)))["decide_whether_to_assess"]
    assert (got.status, got.exceptions) == ("excepted", ("PERSONAL_CIRCS",))


def test_met_keeps_its_exception_codes_for_the_excluding_exceptions_statistic():
    got = steps(compute_case(ISSUE_EXAMPLE))["final_plan"]
    assert (got.status, got.exceptions) == ("met", ("PERSONAL_CIRCS",))


def test_exception_after_the_due_date_does_not_apply():
    data = case(
        ev("decision_to_assess", "2024-03-01", outcome="assess"),
        exceptions=[{"type": "PERSONAL_CIRCS", "from": "2024-02-22", "to": "2024-02-28"}],
    )
    got = steps(compute_case(data))["decide_whether_to_assess"]
    assert (got.status, got.exceptions) == ("missed", ())
    assert steps(compute_case(data))["final_plan"].exceptions == ("PERSONAL_CIRCS",)


# -- each step -----------------------------------------------------------------------------------


def test_decision_not_to_assess_closes_the_case():
    result = compute_case(case(ev("decision_to_assess", "2024-02-01", outcome="not_assess")), today=date(2024, 12, 1))
    assert [s.step for s in result.deadlines] == ["decide_whether_to_assess"]


def test_advice_runs_from_the_advisers_receipt():
    data = case(
        ASSESS,
        ev("advice_requested", "2024-02-15", adviser="health", received_by_adviser="2024-02-19"),
        ev("advice_requested", "2024-02-15", adviser="social_care"),
    )
    got = steps(compute_case(data))
    assert got["advice:health"].start == date(2024, 2, 19) and got["advice:health"].due == date(2024, 4, 1)
    assert got["advice:social_care"].due == date(2024, 3, 28)
    lagged = steps(compute_case(data, rules=ClockRules(advice_receipt_lag_days=2)))
    assert lagged["advice:social_care"].due == date(2024, 3, 30)
    assert lagged["advice:health"].due == date(2024, 4, 1)  # a recorded receipt wins over the assumption


def test_advice_steps_are_ordered_by_start_then_adviser():
    data = case(
        ASSESS,
        ev("advice_requested", "2024-02-20", adviser="a_late"),
        ev("advice_requested", "2024-02-15", adviser="z_early"),
        ev("advice_requested", "2024-02-15", adviser="m"),
    )
    names = [s.step for s in compute_case(data).deadlines]
    assert names[1:4] == ["advice:m", "advice:z_early", "advice:a_late"]


def test_notify_not_issue_is_live_until_a_draft_or_plan():
    undecided = compute_case(case(ASSESS), today=date(2024, 5, 2))
    got = steps(undecided)["notify_not_issue"]
    assert (got.due, got.status) == (date(2024, 5, 1), "overdue")
    drafted = compute_case(case(ASSESS, ev("draft_plan_sent", "2024-04-01")))
    assert "notify_not_issue" not in steps(drafted)
    refused = compute_case(case(ASSESS, ev("decision_not_to_issue", "2024-04-30")))
    got = steps(refused)
    assert got["notify_not_issue"].status == "met" and "final_plan" not in got


def test_not_issue_after_16_weeks_is_missed():
    got = steps(compute_case(case(ASSESS, ev("decision_not_to_issue", "2024-05-02"))))["notify_not_issue"]
    assert got.status == "missed"


@pytest.mark.parametrize("final, status", [("2024-05-15", "missed"), ("2024-05-16", "met")])
def test_finalising_inside_the_representation_period_is_the_breach(final, status):
    data = case(ASSESS, ev("draft_plan_sent", "2024-05-01"), ev("final_plan_issued", final))
    assert steps(compute_case(data))["earliest_finalisation"].status == status


def test_earliest_finalisation_is_never_overdue():
    data = case(ASSESS, ev("draft_plan_sent", "2024-05-01"))
    got = steps(compute_case(data, today=date(2024, 9, 1)))
    assert got["earliest_finalisation"].status == "pending" and got["final_plan"].status == "overdue"
    # Work queues can tell a lower bound from a deadline.
    assert got["earliest_finalisation"].bound == "earliest" and got["final_plan"].bound == "latest"
    assert compute_case(dict(ISSUE_EXAMPLE)).deadlines[1].bound == "latest"  # advice:educational_psychology


def test_draft_service_date_and_lag():
    served = case(ASSESS, ev("draft_plan_sent", "2024-05-01", served="2024-05-03"))
    assert steps(compute_case(served))["earliest_finalisation"].due == date(2024, 5, 18)
    posted = case(ASSESS, ev("draft_plan_sent", "2024-05-01"))
    assert steps(compute_case(posted, rules=ClockRules(draft_service_lag_days=2)))["earliest_finalisation"].due == date(
        2024, 5, 18
    )


def test_school_consultations_by_urn_or_name():
    data = case(
        ASSESS,
        ev("draft_plan_sent", "2024-04-01"),
        ev("school_consultation_sent", "2024-04-03", urn=123456),
        ev("school_consultation_response", "2024-04-18", urn="123456"),
        ev("school_consultation_sent", "2024-04-03", school="Hilltop Academy"),
    )
    got = steps(compute_case(data, today=date(2024, 4, 20)))
    assert got["school_consultation:123456"].due == date(2024, 4, 18)
    assert got["school_consultation:123456"].status == "met"
    assert got["school_consultation:Hilltop Academy"].status == "overdue"
    longer = steps(compute_case(data, rules=ClockRules(school_consultation_days=21)))
    assert longer["school_consultation:Hilltop Academy"].due == date(2024, 4, 24)


def test_withdrawn_request_drops_open_steps_and_keeps_done_ones():
    data = case(ASSESS, ev("advice_requested", "2024-02-15", adviser="health"), ev("request_withdrawn", "2024-03-01"))
    result = compute_case(data, today=date(2024, 12, 1))
    assert result.withdrawn == date(2024, 3, 1)
    assert [s.step for s in result.deadlines] == ["decide_whether_to_assess"]
    assert compute_case(data).as_json()["withdrawn"] == "2024-03-01"


def test_child_moving_in_starts_the_clock_when_the_council_becomes_responsible():
    data = case(request="2024-01-10", responsible_from="2024-02-01")
    result = compute_case(data)
    assert result.clock_start == date(2024, 2, 1)
    assert steps(result)["final_plan"].due == date(2024, 2, 1) + timedelta(weeks=20)
    # Responsible already: a later request starts the clock.
    later = compute_case(case(request="2024-03-01", responsible_from="2024-02-01"))
    assert later.clock_start == date(2024, 3, 1)
    # No request: the council became responsible and considers assessment itself.
    alone = compute_case({"responsible_from": "2024-02-01"})
    assert alone.clock_start == date(2024, 2, 1)


def test_request_received_as_an_event():
    data = {"events": [ev("request_received", "2024-01-10"), ASSESS]}
    assert compute_case(data).clock_start == date(2024, 1, 10)
    clash = {"request_received": "2024-01-11", "events": [ev("request_received", "2024-01-10")]}
    assert errors_of(clash) == [
        "events[0]: request_received on 2024-01-10 differs from request_received 2024-01-11 given at the top level"
    ]


# -- exceptions: which limits they disapply ----------------------------------------------------------


def test_missed_appointment_only_touches_that_advisers_advice():
    data = case(
        ASSESS,
        ev("advice_requested", "2024-02-15", adviser="health"),
        ev("advice_requested", "2024-02-15", adviser="educational_psychology"),
        ev("advice_received", "2024-04-10", adviser="health"),
        ev("advice_received", "2024-04-10", adviser="educational_psychology"),
        exceptions=[{"type": "MISSED_APPT", "date": "2024-03-01", "adviser": "health"}],
    )
    got = steps(compute_case(data))
    assert (got["advice:health"].status, got["advice:health"].exceptions) == ("excepted", ("MISSED_APPT",))
    assert got["advice:educational_psychology"].status == "missed"
    assert got["final_plan"].exceptions == () and got["decide_whether_to_assess"].exceptions == ()


def test_personal_circumstances_and_absence_do_not_reach_school_consultation_or_representations():
    data = case(
        ASSESS,
        ev("draft_plan_sent", "2024-04-01"),
        ev("school_consultation_sent", "2024-04-03", urn=1),
        exceptions=[{"type": "PERSONAL_CIRCS", "from": "2024-01-10"}],
    )
    got = steps(compute_case(data))
    assert got["school_consultation:1"].exceptions == () and got["earliest_finalisation"].exceptions == ()
    assert got["final_plan"].exceptions == ("PERSONAL_CIRCS",)


def test_school_closure_rule():
    # Summer closure: first day closed Sat 20 July 2024, reopens Wed 4 September (46 days).
    closure = {"type": "SCHOOL_CLOSURE", "from": "2024-07-20", "reopens": "2024-09-04", "adviser": "school"}
    base = case(ev("decision_to_assess", "2024-07-10", outcome="assess"), request="2024-06-03")

    def with_advice(asked):
        return dict(
            base, events=[*base["events"], ev("advice_requested", asked, adviser="school")], exceptions=[closure]
        )

    for asked in ("2024-07-13", "2024-08-27"):  # a week before closing .. the day before a week before reopening
        got = steps(compute_case(with_advice(asked)))
        assert got["final_plan"].exceptions == ("SCHOOL_CLOSURE",), asked
        assert got["advice:school"].exceptions == ()  # reg 8(2) has no closure exception
    for asked in ("2024-07-12", "2024-08-28"):
        (msg,) = errors_of(with_advice(asked))
        assert msg.startswith(
            "exceptions[0]: SCHOOL_CLOSURE applies only to advice asked for from 2024-07-13 to 2024-08-27"
        ), msg


def test_closure_given_by_date_of_request_and_last_closed_day():
    data = case(
        exceptions=[
            {"type": "EY_CLOSURE", "from": "2024-01-15", "to": "2024-02-11", "advice_requested_on": "2024-01-12"}
        ]
    )
    assert steps(compute_case(data))["decide_whether_to_assess"].exceptions == ("EY_CLOSURE",)


def test_short_closures_and_absences_are_errors():
    short = case(
        exceptions=[
            {
                "type": "SCHOOL_CLOSURE",
                "from": "2024-02-12",
                "reopens": "2024-02-19",
                "advice_requested_on": "2024-02-10",
            }
        ]
    )
    assert "at least 4 continuous weeks" in errors_of(short)[0]
    away = case(exceptions=[{"type": "ABSENT_AREA", "from": "2024-02-01", "to": "2024-02-27"}])
    assert errors_of(away) == [
        "exceptions[0]: ABSENT_AREA from 2024-02-01 to 2024-02-27 is 27 days; the exception "
        "needs at least 4 continuous weeks (28 days)"
    ]
    ok = case(exceptions=[{"type": "ABSENT_AREA", "from": "2024-02-01", "to": "2024-02-28"}])
    assert compute_case(ok)


def test_covid_exception_only_in_its_window():
    data = case(request="2020-04-01", exceptions=[{"type": "COVID19", "from": "2020-03-20", "to": "2020-06-01"}])
    got = steps(compute_case(data))
    assert got["decide_whether_to_assess"].exceptions == ("COVID19",)  # clipped window 1 May .. 1 June overlaps
    outside = case(request="2021-04-01", exceptions=[{"type": "COVID19", "from": "2021-01-01", "to": "2021-02-01"}])
    assert errors_of(outside) == ["exceptions[0]: COVID19 had effect only from 2020-05-01 to 2020-09-25"]


def test_overlapping_exceptions_are_all_named_in_canonical_order():
    data = case(
        ev("decision_to_assess", "2024-03-01", outcome="assess"),
        exceptions=[
            {"type": "PERSONAL_CIRCS", "from": "2024-01-20", "to": "2024-02-10"},
            {"type": "ABSENT_AREA", "from": "2024-01-15", "to": "2024-02-25"},
            {"type": "PERSONAL_CIRCS", "from": "2024-02-05", "to": "2024-02-15"},
        ],
    )
    got = steps(compute_case(data))["decide_whether_to_assess"]
    assert got.exceptions == ("PERSONAL_CIRCS", "ABSENT_AREA") and got.status == "excepted"


# -- errors, not guesses ---------------------------------------------------------------------------

BAD_INPUTS = [
    (case(ev("assessment_started", "2024-02-01")), "events[0]: unknown event type 'assessment_started'"),
    (
        case(ev("annual_review_meeting", "2024-02-01")),
        "events[0]: annual_review_meeting on 2024-02-01 needs a final_plan_issued before it",
    ),
    (
        case(ev("decision_to_assess", "2024-02-30", outcome="assess")),
        "events[0].date: '2024-02-30' is not a valid date",
    ),
    (
        case(ev("decision_to_assess", "14/02/2024", outcome="assess")),
        "events[0].date: '14/02/2024' is not a date in the form YYYY-MM-DD",
    ),
    (case(ev("decision_to_assess", "2024-02-14")), "events[0]: decision_to_assess needs 'outcome'"),
    (
        case(ev("decision_to_assess", "2024-02-14", outcome="yes")),
        "events[0]: outcome 'yes' is not one of assess, not_assess",
    ),
    (
        case(ASSESS, ev("decision_to_assess", "2024-02-15", outcome="assess")),
        "events[1]: a second decision_to_assess (the first is events[0])",
    ),
    (
        case(ev("decision_to_assess", "2024-01-09", outcome="assess")),
        "events[0]: decision_to_assess on 2024-01-09 is before the clock starts on 2024-01-10",
    ),
    (
        case(ASSESS, ev("advice_received", "2024-03-01", adviser="health")),
        "events[1]: advice_received on 2024-03-01 needs an advice_requested for 'health' before it",
    ),
    (
        case(
            ASSESS,
            ev("advice_requested", "2024-03-01", adviser="health"),
            ev("advice_received", "2024-02-20", adviser="health"),
        ),
        "events[2]: advice_received on 2024-02-20 is before advice_requested on 2024-03-01",
    ),
    (
        case(ev("decision_to_assess", "2024-02-01", outcome="not_assess"), ev("draft_plan_sent", "2024-03-01")),
        "events[1]: draft_plan_sent on 2024-03-01 needs a decision_to_assess with outcome 'assess' before it "
        "(events[0] has outcome 'not_assess')",
    ),
    (
        case(ASSESS, ev("final_plan_issued", "2024-05-01")),
        "events[1]: final_plan_issued on 2024-05-01 needs a draft_plan_sent before it",
    ),
    (case(ASSESS, ev("advice_requested", "2024-02-15")), "events[1]: advice_requested needs 'adviser'"),
    (
        case(ASSESS, ev("school_consultation_sent", "2024-02-15")),
        "events[1]: school_consultation_sent needs 'urn' or 'school'",
    ),
    (
        case(ASSESS, ev("request_withdrawn", "2024-03-01"), ev("draft_plan_sent", "2024-03-02")),
        "events[2]: draft_plan_sent on 2024-03-02 is after request_withdrawn on 2024-03-01",
    ),
    ({"events": []}, "request_received (or responsible_from, for a child who moves in) is required"),
    (
        case(ASSESS, colour="blue"),
        "unknown field 'colour' (expected id, request_received, responsible_from, date_of_birth, events, exceptions)",
    ),
    (
        case(exceptions=[{"type": "HOLIDAY", "from": "2024-01-01"}]),
        "exceptions[0]: unknown exception type 'HOLIDAY' (expected one of " + ", ".join(EXCEPTION_CODES) + ")",
    ),
    (
        case(exceptions=[{"type": "PERSONAL_CIRCS", "from": "2024-02-01", "to": "2024-01-01"}]),
        "exceptions[0]: 'to' 2024-01-01 is before 'from' 2024-02-01",
    ),
    (
        case(exceptions=[{"type": "MISSED_APPT", "date": "2024-02-01"}]),
        "exceptions[0]: MISSED_APPT needs 'adviser' (the advice request whose appointment was missed)",
    ),
    (
        case(exceptions=[{"type": "MISSED_APPT", "date": "2024-02-01", "adviser": "health"}]),
        "exceptions[0]: no advice_requested event for adviser 'health'",
    ),
    ({"request_received": "2024-01-10", "events": {"type": "x"}}, "events: must be a list"),
    ({"request_received": "2024-01-10", "events": ["draft_plan_sent"]}, "events[0]: must be an object"),
    (
        case(ASSESS, ev("decision_not_to_issue", "2024-04-01"), ev("draft_plan_sent", "2024-04-02")),
        "events[1]: decision_not_to_issue cannot be in the same case as draft_plan_sent (events[2])",
    ),
    (
        case(
            ASSESS,
            ev("advice_requested", "2024-02-15", adviser="h", received_by_adviser="2024-03-01"),
            ev("advice_received", "2024-02-20", adviser="h"),
        ),
        "events[2]: advice_received on 2024-02-20 is before advice:h starts on 2024-03-01",
    ),
    (
        case(ASSESS, ev("advice_requested", "2024-02-15", adviser="h", received_by_adviser="2024-02-10")),
        "events[1]: received_by_adviser 2024-02-10 is before the advice_requested date 2024-02-15",
    ),
    (
        case(
            ASSESS, ev("advice_requested", "2024-02-15", adviser="h"), ev("advice_requested", "2024-02-16", adviser="h")
        ),
        "events[2]: a second advice_requested for 'h' (the first is events[1]); give a repeat its own name",
    ),
    (
        {"request_received": "2024-01-10", "responsible_from": "2024-02-30"},
        "responsible_from: '2024-02-30' is not a valid date",
    ),
    (
        {"request_received": "2024-01-11", "events": [ev("request_received", "2024-01-10")]},
        "events[0]: request_received on 2024-01-10 differs from request_received 2024-01-11 given at the top level",
    ),
    (
        case(ASSESS, exceptions=[{"type": "SCHOOL_CLOSURE", "from": "2024-01-15", "reopens": "2024-02-20"}]),
        "exceptions[0]: SCHOOL_CLOSURE needs 'advice_requested_on' (when the head or provider was asked for advice) "
        "or 'adviser' (naming that advice_requested event)",
    ),
    ({"request_received": "2024-01-10", "exceptions": "PERSONAL_CIRCS"}, "exceptions: must be a list"),
]


@pytest.mark.parametrize("data, message", BAD_INPUTS)
def test_bad_input_is_an_error_naming_where(data, message):
    assert message in errors_of(data)


def test_conflicting_outcomes():
    data = case(ASSESS, ev("decision_not_to_issue", "2024-04-01"), ev("draft_plan_sent", "2024-04-02"))
    assert errors_of(data) == [
        "events[1]: decision_not_to_issue cannot be in the same case as draft_plan_sent (events[2])"
    ]


def test_events_after_today_are_errors():
    assert errors_of(case(ASSESS), today=date(2024, 2, 1)) == [
        "events[0]: decision_to_assess on 2024-02-14 is after today (2024-02-01)"
    ]


def test_advice_received_before_the_adviser_received_the_request():
    data = case(
        ASSESS,
        ev("advice_requested", "2024-02-15", adviser="h", received_by_adviser="2024-03-01"),
        ev("advice_received", "2024-02-20", adviser="h"),
    )
    assert errors_of(data) == ["events[2]: advice_received on 2024-02-20 is before advice:h starts on 2024-03-01"]


def test_every_problem_is_listed():
    data = case(
        ev("nonsense", "2024-01-01"),
        ev("decision_to_assess", "2024-13-01", outcome="assess"),
        exceptions=[{"type": "NOPE"}],
    )
    errs = errors_of(data)
    assert errs[0].startswith("events[0]") and errs[1].startswith("events[1]")
    assert len(errs) >= 2


# -- batch -----------------------------------------------------------------------------------------


def test_batch_keeps_order_ids_and_isolates_bad_cases():
    good = dict(ISSUE_EXAMPLE, id="A1")
    bad = {"id": "B2", "request_received": "2024-01-10", "events": [ev("what", "2024-01-11")]}
    results = compute_many([good, bad, case()])
    assert [r.id for r in results] == ["A1", "B2", None]
    assert results[0].ok and not results[1].ok and results[2].ok
    assert results[1].as_json() == {"id": "B2", "errors": ["events[0]: unknown event type 'what'"]}
    assert results[0].deadlines == compute_case(ISSUE_EXAMPLE).deadlines


def test_large_batches_take_the_columnar_path_and_agree_with_the_reference():
    """Every bad input above, hidden in a batch big enough for the fast path, is still refused with
    the same messages, and every good case gets the same answer as when read one at a time."""
    good = [dict(ISSUE_EXAMPLE, id=n) for n in range(60)] + [
        case(
            ASSESS,
            ev("advice_requested", "2024-02-15", adviser="health"),
            exceptions=[{"type": "MISSED_APPT", "date": "2024-03-01", "adviser": "health"}],
        ),
        case(ASSESS, ev("request_withdrawn", "2024-03-01")),
        case(ev("decision_to_assess", "2024-02-01", outcome="not_assess")),
        case(request="2024-01-10", responsible_from="2024-02-01"),
    ]
    batch = (
        good
        + [data for data, _ in BAD_INPUTS]
        + [case(ASSESS, ev("final_plan_issued", "2024-03-01"), ev("request_withdrawn", "2024-02-20"))]
    )
    for today in (None, date(2024, 6, 1)):
        fast = compute_many(batch, today=today, fast=True)
        assert fast == compute_many(batch, today=today, fast=False)
        assert all(r.ok for r in fast[: len(good)])
        for (data, message), result in zip(BAD_INPUTS, fast[len(good) :]):
            assert message in result.errors
        assert not fast[-1].ok


def test_empty_batch():
    assert compute_many([]) == []


# -- settings and the table ------------------------------------------------------------------------


def test_clock_rules_validate_and_round_trip():
    rules = ClockRules(receipt_is_day_one=True, advice_receipt_lag_days=2)
    assert ClockRules.from_mapping(rules.as_dict()) == rules
    with pytest.raises(ValueError):
        ClockRules.from_mapping({"receipt_day": True})
    with pytest.raises(ValueError):
        ClockRules(advice_receipt_lag_days=-1)
    with pytest.raises(ValueError):
        ClockRules(receipt_is_day_one="yes")
    with pytest.raises(Exception):
        rules.receipt_is_day_one = False  # frozen


def test_step_table_is_consistent_with_the_vocabulary():
    names = [r.name for r in STEP_RULES]
    assert len(names) == len(set(names))
    assert names == [
        "decide_whether_to_assess",
        "advice",
        "notify_not_issue",
        "school_consultation",
        "earliest_finalisation",
        "final_plan",
        # the plan's life (tests/engine/test_clock_plan_life.py)
        "review_due",
        "review_invitations",
        "review_advice",
        "review_report",
        "review_decision",
        "amended_plan",
        "phase_transfer",
        "reassessment_decision",
        "reassessed_plan",
        "mediation_arranged",
        "mediation_certificate",
        "appeal_deadline",
    ]
    for rule in STEP_RULES:
        assert rule.starts == CLOCK or rule.starts in EVENT_SPECS
        assert rule.done_by in EVENT_SPECS
        assert rule.exceptions <= set(EXCEPTION_CODES)
        assert rule.source
        for when in rule.not_applicable_when:
            assert when.event in EVENT_SPECS
    assert set(STATUSES) == {"met", "missed", "pending", "overdue", "excepted"}


def test_exceptions_per_limit_match_domain_section_1():
    by_name = {r.name: r.exceptions for r in STEP_RULES}
    closures_and_circs = {"SCHOOL_CLOSURE", "EY_CLOSURE", "PERSONAL_CIRCS", "ABSENT_AREA"}
    for name in ("decide_whether_to_assess", "notify_not_issue", "final_plan"):
        assert closures_and_circs <= by_name[name] and "MISSED_APPT" not in by_name[name]
    assert {"PERSONAL_CIRCS", "ABSENT_AREA", "MISSED_APPT"} <= by_name["advice"]
    assert not by_name["advice"] & {"SCHOOL_CLOSURE", "EY_CLOSURE"}
    assert by_name["earliest_finalisation"] == frozenset() and by_name["school_consultation"] == frozenset()


def test_units_ready_for_the_next_steps():
    """Working days (mediation) and calendar months (tribunal) are evaluated by the same code."""
    starts = np.array([date(2022, 6, 1).toordinal(), date(2024, 1, 31).toordinal()])
    mediation = StepRule("mediation_certificate", Limit(3, WORKING_DAYS), starts="x", done_by="y")
    got = _period_end(mediation, starts, ClockRules(), ENGLAND_AND_WALES)
    assert [date.fromordinal(int(o)) for o in got] == [date(2022, 6, 8), date(2024, 2, 5)]
    appeal = StepRule("appeal", Limit(2, MONTHS), starts="x", done_by="y")
    got = _period_end(appeal, starts, ClockRules(), ENGLAND_AND_WALES)
    assert [date.fromordinal(int(o)) for o in got] == [date(2022, 8, 1), date(2024, 3, 31)]


def test_an_exception_arising_after_the_step_was_done_does_not_apply():
    # Plan issued on 1 May; the family's circumstances arose on 10 May, before the 29 May due date.
    data = case(
        ASSESS,
        ev("draft_plan_sent", "2024-04-10"),
        ev("final_plan_issued", "2024-05-01"),
        exceptions=[{"type": "PERSONAL_CIRCS", "from": "2024-05-10", "to": "2024-05-20"}],
    )
    got = steps(compute_case(data))["final_plan"]
    assert (got.status, got.exceptions) == ("met", ())
    # On the day it was done still counts.
    same_day = dict(data, exceptions=[{"type": "PERSONAL_CIRCS", "from": "2024-05-01", "to": "2024-05-20"}])
    assert steps(compute_case(same_day))["final_plan"].exceptions == ("PERSONAL_CIRCS",)
