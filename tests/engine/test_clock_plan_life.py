"""The clock for a plan's life: annual reviews, phase transfer, reassessment, mediation, appeals
(DOMAIN.md sections 2 and 3; docs/statutory-clock.md)."""

from datetime import date

import pytest

from highneeds.engine.calendar import ENGLAND_AND_WALES
from highneeds.engine.clock import ClockInputError, ClockRules, compute_case, compute_many


def ev(type_, on, **fields):
    return {"type": type_, "date": on, **fields}


PLAN = ev("final_plan_issued", "2023-01-31")


def plan(*events, **top):
    return {"events": [PLAN, *events], **top}


def steps(result, name):
    return [s for s in result.deadlines if s.step == name]


def one(result, name):
    found = steps(result, name)
    assert len(found) == 1, found
    return found[0]


def errors_of(data, **kw):
    with pytest.raises(ClockInputError) as exc:
        compute_case(data, **kw)
    return exc.value.errors


def d(s):
    return date.fromisoformat(s)


# -- a plan on its own, and an assessment that ends with a plan -----------------------------------


def test_a_plan_without_an_assessment_starts_the_review_clock():
    result = compute_case(plan())
    assert result.clock_start is None
    assert [(s.step, s.due, s.status) for s in result.deadlines] == [("review_due", d("2024-01-31"), "pending")]


def test_an_assessment_alone_is_shown_without_the_plan_life():
    case = {
        "request_received": "2024-01-10",
        "events": [
            ev("decision_to_assess", "2024-02-01", outcome="assess"),
            ev("draft_plan_sent", "2024-04-01"),
            ev("final_plan_issued", "2024-05-01"),
        ],
    }
    assert not steps(compute_case(case), "review_due")
    case["events"].append(ev("annual_review_meeting", "2025-04-20"))
    got = steps(compute_case(case), "review_due")
    assert [(s.start, s.due, s.done, s.status) for s in got] == [
        (d("2024-05-01"), d("2025-05-01"), d("2025-04-20"), "met"),
        (d("2025-04-20"), d("2026-04-20"), None, "pending"),
    ]


def test_assessment_events_need_a_clock_start():
    assert errors_of(plan(ev("decision_to_assess", "2023-02-01", outcome="assess"))) == [
        "events[1]: decision_to_assess is part of an assessment: the case needs request_received (or responsible_from)"
    ]


# -- annual reviews ----------------------------------------------------------------------------


def test_review_due_recurs_12_months_after_each_meeting_with_done_ones_met_or_missed():
    result = compute_case(
        plan(ev("annual_review_meeting", "2024-02-10"), ev("annual_review_meeting", "2025-01-15")),
        today=date(2026, 2, 1),
    )
    assert [(s.start, s.due, s.done, s.status) for s in steps(result, "review_due")] == [
        (d("2023-01-31"), d("2024-01-31"), d("2024-02-10"), "missed"),
        (d("2024-02-10"), d("2025-02-10"), d("2025-01-15"), "met"),
        (d("2025-01-15"), d("2026-01-15"), None, "overdue"),
    ]


def test_review_due_clamps_to_the_month_end():
    result = compute_case({"events": [ev("final_plan_issued", "2024-02-29")]})
    assert one(result, "review_due").due == d("2025-02-28")


def test_under_fives_interval_is_a_setting_off_by_default():
    case = plan(ev("annual_review_meeting", "2023-07-10"), date_of_birth="2019-09-01")
    default = [s.due for s in steps(compute_case(case), "review_due")]
    assert default == [d("2024-01-31"), d("2024-07-10")]
    rules = ClockRules(under5_review_months=6)
    # under 5 on 31 Jan 2023 (6 months), 4 on 10 Jul 2023 as well (turns 5 on 1 Sep 2024)
    assert [s.due for s in steps(compute_case(case, rules=rules), "review_due")] == [d("2023-07-31"), d("2024-01-10")]
    older = plan(date_of_birth="2010-01-01")
    assert one(compute_case(older, rules=rules), "review_due").due == d("2024-01-31")
    with pytest.raises(ValueError):
        ClockRules(under5_review_months=2)
    with pytest.raises(ValueError):
        ClockRules(under5_review_months=7)


def test_invitations_and_advice_are_due_two_weeks_before_the_meeting():
    result = compute_case(
        plan(
            ev("review_meeting_arranged", "2023-12-01", meeting_on="2024-01-20"),
            ev("review_invitations_sent", "2023-12-10"),
            ev("review_advice_circulated", "2024-01-10"),
            ev("annual_review_meeting", "2024-01-20"),
        )
    )
    inv, adv = one(result, "review_invitations"), one(result, "review_advice")
    assert (inv.start, inv.due, inv.done, inv.status) == (d("2023-12-01"), d("2024-01-06"), d("2023-12-10"), "met")
    assert (adv.due, adv.done, adv.status) == (d("2024-01-06"), d("2024-01-10"), "missed")
    three_weeks = compute_case(
        plan(ev("review_meeting_arranged", "2023-12-01", meeting_on="2024-01-20")),
        rules=ClockRules(review_advice_weeks=3),
    )
    assert one(three_weeks, "review_advice").due == d("2023-12-30")
    assert one(three_weeks, "review_invitations").due == d("2024-01-06")


def test_a_rebooked_meeting_moves_the_invitation_deadline_and_each_cycle_has_its_own():
    result = compute_case(
        plan(
            ev("review_meeting_arranged", "2023-11-01", meeting_on="2023-12-10"),
            ev("review_invitations_sent", "2023-11-05"),
            ev("review_meeting_arranged", "2023-11-20", meeting_on="2024-01-20"),  # rebooked
            ev("annual_review_meeting", "2024-01-20"),
            ev("review_meeting_arranged", "2024-12-01", meeting_on="2025-01-10"),
        ),
        today=date(2025, 1, 1),
    )
    got = steps(result, "review_invitations")
    assert [(s.start, s.due, s.done, s.status) for s in got] == [
        (d("2023-11-01"), d("2024-01-06"), d("2023-11-05"), "met"),
        (d("2024-12-01"), d("2024-12-27"), None, "overdue"),
    ]


def test_report_and_decision_after_each_meeting_and_the_amended_plan():
    result = compute_case(
        plan(
            ev("annual_review_meeting", "2024-01-20"),
            ev("review_report_sent", "2024-02-05"),
            ev("review_decision", "2024-02-16", outcome="amend"),
            ev("amendments_proposed", "2024-02-16"),
            ev("amended_plan_issued", "2024-04-12"),
            ev("annual_review_meeting", "2025-01-10"),
        ),
        today=date(2025, 3, 1),
    )
    assert [(s.due, s.status) for s in steps(result, "review_report")] == [
        (d("2024-02-03"), "missed"),
        (d("2025-01-24"), "overdue"),
    ]
    assert [(s.due, s.status) for s in steps(result, "review_decision")] == [
        (d("2024-02-17"), "met"),
        (d("2025-02-07"), "overdue"),
    ]
    amended = one(result, "amended_plan")
    assert (amended.start, amended.due, amended.status) == (d("2024-02-16"), d("2024-04-12"), "met")
    longer = compute_case(plan(ev("amendments_proposed", "2024-02-16")), rules=ClockRules(amended_plan_weeks=12))
    assert one(longer, "amended_plan").due == d("2024-05-10")


# -- phase transfer ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "transfer, transfer_on, due",
    [
        ("school", "2025-09-01", "2025-02-15"),
        ("secondary_to_post16", "2025-09-03", "2025-03-31"),
        ("post16", "2025-09-01", "2025-04-01"),
        ("post16", "2025-07-31", "2025-02-28"),  # 5 calendar months back, clamped
    ],
)
def test_phase_transfer_deadlines(transfer, transfer_on, due):
    result = compute_case(
        plan(ev("phase_transfer_identified", "2024-06-01", transfer=transfer, transfer_on=transfer_on))
    )
    assert one(result, "phase_transfer").due == d(due)


def test_phase_transfer_done_and_the_strict_reading_of_before():
    case = plan(
        ev("phase_transfer_identified", "2024-06-01", transfer="school", transfer_on="2025-09-01"),
        ev("phase_transfer_amended", "2025-02-15"),
    )
    assert one(compute_case(case), "phase_transfer").status == "met"
    strict = one(compute_case(case, rules=ClockRules(phase_transfer_day_before=True)), "phase_transfer")
    assert (strict.due, strict.status) == (d("2025-02-14"), "missed")


# -- reassessment ------------------------------------------------------------------------------


def test_reassessment_decision_and_plan():
    result = compute_case(
        plan(
            ev("reassessment_requested", "2024-03-01"),
            ev("reassessment_decision", "2024-03-20", outcome="refuse"),
            ev("reassessment_requested", "2024-06-03"),
            ev("reassessment_decision", "2024-06-10", outcome="reassess"),
            ev("reassessed_plan_issued", "2024-09-01"),
        )
    )
    assert [(s.due, s.done, s.status) for s in steps(result, "reassessment_decision")] == [
        (d("2024-03-16"), d("2024-03-20"), "missed"),
        (d("2024-06-18"), d("2024-06-10"), "met"),
    ]
    got = one(result, "reassessed_plan")
    assert (got.start, got.due, got.status) == (d("2024-06-10"), d("2024-09-16"), "met")
    longer = compute_case(
        plan(ev("reassessment_requested", "2024-03-01")), rules=ClockRules(reassessment_decision_days=20)
    )
    assert one(longer, "reassessment_decision").due == d("2024-03-21")


def test_reassessed_plan_exceptions_apply():
    result = compute_case(
        plan(
            ev("reassessment_requested", "2024-06-03"),
            ev("reassessment_decision", "2024-06-10", outcome="reassess"),
            exceptions=[{"type": "PERSONAL_CIRCS", "from": "2024-07-01", "to": "2024-07-20"}],
        ),
        today=date(2024, 10, 1),
    )
    got = one(result, "reassessed_plan")
    assert got.status == "excepted" and got.exceptions == ("PERSONAL_CIRCS",)


# -- mediation and appeals ---------------------------------------------------------------------


def test_mediation_arranged_certificate_and_appeal_per_decision():
    result = compute_case(
        plan(
            ev("decision_notice_sent", "2024-03-04", decision="cease-2024", matter="cessation"),
            ev("mediation_requested", "2024-03-20", decision="cease-2024"),
            ev("mediation_held", "2024-04-30", decision="cease-2024"),
            ev("mediation_certificate_issued", "2024-05-03", decision="cease-2024"),
            ev("decision_notice_sent", "2024-03-10", decision="refuse-amend"),
            ev("mediation_declined", "2024-03-28", decision="refuse-amend"),
            ev("mediation_certificate_issued", "2024-04-04", decision="refuse-amend"),
            ev("appeal_lodged", "2024-05-01", decision="refuse-amend"),
        ),
        today=date(2024, 7, 1),
    )
    arranged = one(result, "mediation_arranged:cease-2024")
    assert (arranged.due, arranged.status) == (d("2024-04-19"), "missed")
    cert = one(result, "mediation_certificate:cease-2024")
    assert (cert.start, cert.due, cert.status) == (d("2024-04-30"), d("2024-05-03"), "met")
    # declined on Thursday 28 March 2024: Good Friday and Easter Monday are not working days
    cert = one(result, "mediation_certificate:refuse-amend")
    assert (cert.start, cert.due, cert.status) == (d("2024-03-28"), d("2024-04-04"), "met")
    # later of notice + 2 months (10 May) and certificate + 1 month (4 May)
    appeal = one(result, "appeal_deadline:refuse-amend")
    assert (appeal.due, appeal.done, appeal.status) == (d("2024-05-10"), d("2024-05-01"), "met")
    assert appeal.bound == "window"
    # certificate + 1 month (3 June) is later than notice + 2 months (4 May); window closed by 1 July
    appeal = one(result, "appeal_deadline:cease-2024")
    assert (appeal.due, appeal.done, appeal.status) == (d("2024-06-03"), None, "met")
    assert not steps(result, "mediation_arranged:refuse-amend")  # declined: no mediation to arrange


@pytest.mark.parametrize(
    "notice, due",
    [
        ("2023-12-31", "2024-02-29"),  # leap year
        ("2024-12-31", "2025-02-28"),
        ("2024-08-31", "2024-10-31"),
        ("2024-01-15", "2024-03-15"),
    ],
)
def test_appeal_deadline_is_calendar_months_clamped_to_the_month_end(notice, due):
    result = compute_case({"events": [ev("decision_notice_sent", notice, decision="x")]})
    assert one(result, "appeal_deadline:x").due == d(due)


def test_family_window_statuses():
    notice = ev("decision_notice_sent", "2024-01-15", decision="x")
    open_ = one(compute_case({"events": [notice]}, today=date(2024, 3, 15)), "appeal_deadline:x")
    assert open_.status == "pending"
    closed = one(compute_case({"events": [notice]}, today=date(2024, 3, 16)), "appeal_deadline:x")
    assert closed.status == "met" and closed.done is None  # never "overdue": not the council's deadline
    late = one(compute_case({"events": [notice, ev("appeal_lodged", "2024-03-20", decision="x")]}), "appeal_deadline:x")
    assert late.status == "missed"  # a late appeal: the tribunal's permission is needed


def test_a_refusal_to_assess_can_be_appealed_without_a_plan():
    case = {
        "request_received": "2024-01-10",
        "events": [
            ev("decision_to_assess", "2024-02-14", outcome="not_assess"),
            ev("decision_notice_sent", "2024-02-14", decision="refuse-assess", matter="refusal_to_assess"),
        ],
    }
    result = compute_case(case)
    assert one(result, "appeal_deadline:refuse-assess").due == d("2024-04-14")
    assert not steps(result, "review_due")


# -- ceasing -----------------------------------------------------------------------------------


def test_plan_ceased_ends_the_undone_plan_steps_and_keeps_done_ones():
    result = compute_case(
        plan(
            ev("annual_review_meeting", "2024-01-20"),
            ev("review_decision", "2024-02-01", outcome="cease"),
            ev("plan_ceased", "2024-07-31"),
        ),
        today=date(2025, 6, 1),
    )
    assert [(s.step, s.status) for s in result.deadlines] == [("review_due", "met"), ("review_decision", "met")]


# -- impossible orders are refused, naming the event ------------------------------------------

IMPOSSIBLE = [
    (
        plan(ev("review_decision", "2023-05-01", outcome="maintain")),
        "events[1]: review_decision on 2023-05-01 needs an annual_review_meeting before it",
    ),
    (
        plan(ev("annual_review_meeting", "2024-01-20"), ev("review_decision", "2024-01-19", outcome="maintain")),
        "events[2]: review_decision on 2024-01-19 is before annual_review_meeting on 2024-01-20",
    ),
    (
        plan(ev("amended_plan_issued", "2023-05-01")),
        "events[1]: amended_plan_issued on 2023-05-01 needs an amendments_proposed before it",
    ),
    (
        plan(ev("plan_ceased", "2024-07-31"), ev("annual_review_meeting", "2024-09-01")),
        "events[2]: annual_review_meeting on 2024-09-01 is after plan_ceased on 2024-07-31 (events[1]); "
        "nothing may follow it",
    ),
    (
        plan(ev("review_decision", "2024-01-19", outcome="keep")),
        "events[1]: outcome 'keep' is not one of maintain, amend, cease",
    ),
    (plan(ev("review_meeting_arranged", "2024-01-01")), "events[1]: review_meeting_arranged needs 'meeting_on'"),
    (
        plan(ev("review_meeting_arranged", "2024-01-01", meeting_on="2023-12-01")),
        "events[1]: meeting_on 2023-12-01 is before the review_meeting_arranged date 2024-01-01",
    ),
    (
        plan(ev("phase_transfer_identified", "2024-01-01", transfer_on="2025-09-01", transfer="college")),
        "events[1]: transfer 'college' is not one of school, secondary_to_post16, post16",
    ),
    (
        plan(
            ev("reassessment_requested", "2024-01-01"),
            ev("reassessment_decision", "2024-01-05", outcome="refuse"),
            ev("reassessed_plan_issued", "2024-03-01"),
        ),
        "events[3]: reassessed_plan_issued on 2024-03-01 needs a reassessment_decision with outcome 'reassess' before "
        "it (events[2] has outcome 'refuse')",
    ),
    (
        plan(ev("mediation_requested", "2024-01-01", decision="x")),
        "events[1]: mediation_requested on 2024-01-01 needs a decision_notice_sent for 'x' before it",
    ),
    (
        plan(
            ev("decision_notice_sent", "2024-01-01", decision="x"),
            ev("appeal_lodged", "2024-02-01", decision="x"),
            ev("appeal_lodged", "2024-02-02", decision="x"),
        ),
        "events[3]: a second appeal_lodged for 'x' (the first is events[2]); give a repeat its own name",
    ),
    (
        plan(ev("annual_review_meeting", "2022-12-01")),
        "events[1]: annual_review_meeting on 2022-12-01 is before final_plan_issued on 2023-01-31",
    ),
    (
        {"events": [ev("final_plan_issued", "2023-01-31")], "date_of_birth": "2019-02-30"},
        "date_of_birth: '2019-02-30' is not a valid date",
    ),
]


@pytest.mark.parametrize("data, message", IMPOSSIBLE)
def test_impossible_orders_are_refused_naming_the_event(data, message):
    assert message in errors_of(data)


def test_batches_mix_assessments_and_plans_and_agree_with_one_at_a_time():
    assessment = {
        "request_received": "2024-01-10",
        "events": [ev("decision_to_assess", "2024-02-14", outcome="assess")],
    }
    plans = [plan(ev("annual_review_meeting", "2024-01-20"), id=n) for n in range(30)]
    batch = [dict(assessment, id=n) for n in range(60)] + plans + [data for data, _ in IMPOSSIBLE]
    fast = compute_many(batch, today=date(2024, 6, 1), fast=True)
    assert fast == compute_many(batch, today=date(2024, 6, 1), fast=False)
    assert [s.step for s in fast[60].deadlines] == ["review_due", "review_due", "review_report", "review_decision"]
    assert all(not r.ok for r in fast[90:])


def test_working_days_use_the_calendar_given():
    case = {
        "events": [
            ev("decision_notice_sent", "2031-01-01", decision="x"),
            ev("mediation_declined", "2031-01-02", decision="x"),
        ]
    }
    with pytest.raises(ValueError):
        compute_case(case)  # 2031 is not covered: refused rather than guessed
    calendar = ENGLAND_AND_WALES.extended(["2031-01-01", "2031-01-03"], covers=[2031])
    got = one(compute_case(case, calendar=calendar), "mediation_certificate:x")
    assert got.due == d("2031-01-08")  # Thu 2 Jan; Fri 3 Jan a (made-up) holiday; Mon 6, Tue 7, Wed 8
