"""/insight/timeliness/: DfE timeliness measures computed live from casework, checked by hand on a small
constructed set of cases, with small numbers suppressed for people who cannot open records."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from highneeds.casework import flows as cw_flows
from highneeds.casework import services as cw
from highneeds.casework.clock import run_clock
from highneeds.engine import timeliness as engine
from highneeds.insight import timeliness

PASSWORD = "correct horse battery staple"
Y2024 = {
    "start-day": "1",
    "start-month": "1",
    "start-year": "2024",
    "end-day": "31",
    "end-month": "12",
    "end-year": "2024",
}


def D(text: str) -> date:
    return date.fromisoformat(text)


@pytest.fixture
def casework(make_user, make_child, fill_plan):
    """Seven requests whose figures for 2024 are worked out by hand in the tests below."""
    from highneeds.plans.queries import current_plan

    worker = make_user("caseworker")

    def request(received):
        child = make_child(first_name=f"Secretchild{len(made) + 1}")
        return cw.submit_request(actor=worker, child=child, received_on=D(received), source="1", caseworker=worker)

    def plan(r, decided, issue_decided, draft, final):
        cw.decide_whether_to_assess(actor=worker, request=r, assess=True, decided_on=D(decided), reasons="x")
        # A final plan needs advice on file and a plan that says what it must (the dates below do not depend on it).
        advice = cw.request_advice(
            actor=worker,
            request=r,
            adviser_type="educational_psychology",
            requested_on=D(decided),
            adviser_name="EP service",
        )
        cw.submit_advice(actor=worker, advice=advice, text="Advice", received_on=D(decided))
        cw.decide_whether_to_issue(actor=worker, request=r, issue=True, decided_on=D(issue_decided), reasons="x")
        cw_flows.send_draft_plan(actor=worker, request=r, sent_on=D(draft))
        fill_plan(current_plan(r.child).versions.get(), worker)
        cw_flows.issue_final_plan(actor=worker, request=r, issued_on=D(final), setting_type="Mainstream school")

    made = {}
    # A: decision in 5 weeks; plan on day 139 of 140: both in time.
    made["A"] = request("2024-01-10")
    plan(made["A"], "2024-02-14", "2024-04-10", "2024-04-20", "2024-05-28")
    # B: decision in 46 days (late); plan 4 weeks late, within a year.
    made["B"] = request("2024-01-15")
    plan(made["B"], "2024-03-01", "2024-05-01", "2024-05-10", "2024-07-01")
    # C: late on both, but exceptional personal circumstances were recorded over both windows.
    made["C"] = request("2024-02-01")
    cw.record_exception(
        actor=worker,
        request=made["C"],
        code="PERSONAL_CIRCS",
        date_from=D("2024-02-10"),
        date_to=D("2024-03-15"),
        reason="Family bereavement",
    )
    plan(made["C"], "2024-03-20", "2024-06-01", "2024-06-10", "2024-08-01")
    # D: assessed, then a decision not to issue in 14 weeks (limit 16).
    made["D"] = request("2024-03-01")
    cw.decide_whether_to_assess(actor=worker, request=made["D"], assess=True, decided_on=D("2024-04-01"), reasons="x")
    cw.decide_whether_to_issue(actor=worker, request=made["D"], issue=False, decided_on=D("2024-06-10"), reasons="x")
    # E: a decision not to assess after 8 weeks (late).
    made["E"] = request("2024-03-05")
    cw.decide_whether_to_assess(actor=worker, request=made["E"], assess=False, decided_on=D("2024-04-30"), reasons="x")
    # F: received in 2023, plan issued in 2024 after more than a year.
    made["F"] = request("2023-01-02")
    plan(made["F"], "2023-02-01", "2023-12-01", "2024-01-10", "2024-02-01")
    # G: received in December 2024, decided in January 2025 (in time).
    made["G"] = request("2024-12-20")
    cw.decide_whether_to_assess(actor=worker, request=made["G"], assess=True, decided_on=D("2025-01-10"), reasons="x")
    # Still open and undecided: counted nowhere.
    request("2024-11-01")
    return made


def test_figures_for_2024_checked_by_hand(casework):
    got = timeliness.figures(D("2024-01-01"), D("2024-12-31"))
    plans = got["plans"]
    # Plans issued in 2024: A (in time), B (late), C (late, exception), F (over 52 weeks).
    assert (plans.denominator, plans.within) == (4, 1) and plans.pct == 25.0
    # Excluding exceptions leaves out C from both: 1 of 3.
    assert (plans.denominator_ex, plans.within_ex) == (3, 1) and plans.pct_ex == 33.3
    assert (plans.late_within_year, plans.late_within_year_ex) == (2, 1)  # B and C; B
    assert (plans.over_a_year, plans.over_a_year_ex) == (1, 1)  # F
    decisions = got["decisions"]
    # Requests received in 2024 with a decision: A, D, G in time; B, C, E late; C excepted.
    assert (decisions.denominator, decisions.within, decisions.pct) == (6, 3, 50.0)
    assert (decisions.denominator_ex, decisions.within_ex, decisions.pct_ex) == (5, 3, 60.0)
    not_issue = got["not_issue"]
    assert (not_issue.denominator, not_issue.within, not_issue.pct) == (1, 1, 100.0)


def test_figures_match_the_engine_over_a_fresh_clock_run(casework):
    """The cached deadlines give what running the clock on every case now would."""
    from highneeds.casework.models import AssessmentRequest

    fresh = [run_clock(r) for r in AssessmentRequest.objects.all()]
    period = (D("2024-01-01"), D("2024-12-31"))
    cached = timeliness.figures(*period)
    assert cached["plans"] == engine.plans_within_20_weeks(fresh, period)
    assert cached["decisions"] == engine.decisions_within_6_weeks(fresh, period)
    assert cached["not_issue"] == engine.not_issue_within_16_weeks(fresh, period)


def test_other_periods(casework):
    first_half = timeliness.figures(D("2024-01-01"), D("2024-06-30"))
    assert (first_half["plans"].denominator, first_half["plans"].within) == (2, 1)  # F and A
    assert first_half["decisions"].denominator == 5  # A, B, C, D, E by date received
    y2023 = timeliness.figures(D("2023-01-01"), D("2023-12-31"))
    assert y2023["plans"].denominator == 0 and y2023["plans"].pct is None
    assert (y2023["decisions"].denominator, y2023["decisions"].within) == (1, 1)  # F


def sign_in(client, user):
    assert client.post("/sign-in/", {"username": user.username, "password": PASSWORD}).status_code == 302


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_the_page_for_a_manager_shows_exact_figures(client, casework, make_user):
    sign_in(client, make_user("manager"))
    response = client.get("/insight/timeliness/", Y2024)
    assert response.status_code == 200
    page = text(response)
    assert "1 January 2024 to 31 December 2024" in page
    assert "EHC plans issued within 20 weeks" in page
    assert "Percentage within 20 weeks 25.0% 33.3%" in page
    assert "Percentage within 6 weeks 50.0% 60.0%" in page
    assert "Percentage within 16 weeks 100.0% 100.0%" in page
    assert "Issued after more than 52 weeks 1 (25.0%) 1 (33.3%)" in page
    assert "Secretchild" not in page


def test_the_page_for_a_strategic_lead_suppresses_small_numbers(client, casework, make_user):
    sign_in(client, make_user("strategic_lead"))
    page = text(client.get("/insight/timeliness/", Y2024))
    assert "Number Not shown Not shown" in page  # 4 plans, 3 excluding exceptions
    assert "Percentage within 20 weeks Not shown Not shown" in page
    # 6 decisions, rounded to 5; the 5 without an exception would give away the 1 with one, so it is hidden;
    # 3 of 6 within would name the 3 late ones
    assert "Number 5 Not shown" in page and "Percentage within 6 weeks Not shown Not shown" in page
    assert "counts from 1 to 4 are not shown" in page
    assert "Secretchild" not in page


def test_periods_one_day_apart_cannot_be_differenced(client, casework, make_user):
    """Finding 6: two ranges one day apart revealed one child's decision (D: not to issue, 10 June 2024)."""
    sign_in(client, make_user("manager"))
    before = {**Y2024, "start-month": "3", "start-day": "1", "end-month": "6", "end-day": "9"}
    through = {**before, "end-day": "10"}

    def figures(response):
        page = text(response)
        return page[page.index("EHC plans issued within 20 weeks") : page.index("Decisions not to issue a plan after")]

    assert figures(client.get("/insight/timeliness/", before)) != figures(client.get("/insight/timeliness/", through))
    client.logout()
    sign_in(client, make_user("strategic_lead"))
    a, b = client.get("/insight/timeliness/", before), client.get("/insight/timeliness/", through)
    assert figures(a) == figures(b)
    assert "widened to 1 January 2024 to 30 June 2024" in text(a)


def test_the_default_period_is_last_calendar_year(client, db, make_user):
    sign_in(client, make_user("finance"))
    last_year = date.today().year - 1
    page = text(client.get("/insight/timeliness/"))
    assert f"1 January {last_year} to 31 December {last_year}" in page
    assert "No cases" in page


def test_a_bad_period_is_reported(client, db, make_user):
    sign_in(client, make_user("manager"))
    page = text(client.get("/insight/timeliness/", {**Y2024, "end-year": "2023"}))
    assert "There is a problem" in page and "must be the same as or after the start" in page
    page = text(client.get("/insight/timeliness/", {**Y2024, "start-month": "13"}))
    assert "There is a problem" in page


@pytest.mark.parametrize(
    "role,status",
    [
        ("strategic_lead", 200),
        ("manager", 200),
        ("finance", 200),
        ("caseworker", 403),
        ("parent", 403),
        ("professional", 403),
        ("panel_member", 403),
        ("admin", 403),
    ],
)
def test_permission(client, make_user, role, status):
    sign_in(client, make_user(role))
    assert client.get("/insight/timeliness/").status_code == status
