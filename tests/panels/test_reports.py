"""Panel outcomes by panel and period and by member agency: counts only, no child named."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from highneeds.casework import services as cw
from highneeds.panels import reports
from highneeds.panels import services as ps

from .conftest import sign_in

TODAY = date.today()


@pytest.fixture
def history(world, make_child):
    """Meeting 1 (80 days ago): A, not assess, council assessed anyway. Meeting 2 (10 days ago): B, assess, council
    agreed, parent carer forum conflicted; C, deferred."""
    m = world.members
    first = ps.schedule_meeting(actor=world.manager, panel=world.panel, meets_on=TODAY - timedelta(days=80))
    second = ps.schedule_meeting(actor=world.manager, panel=world.panel, meets_on=TODAY - timedelta(days=10))

    def case(name, received):
        child = make_child(first_name=name, last_name="Reportson")
        return cw.submit_request(actor=world.caseworker, child=child, received_on=received, source="1")

    a = case("Alpha", TODAY - timedelta(days=90))
    b, c = case("Bravo", TODAY - timedelta(days=30)), case("Charlie", TODAY - timedelta(days=30))
    item_a = ps.add_to_agenda(actor=world.manager, meeting=first, request=a)
    ps.record_attendance(actor=world.manager, meeting=first, present=[m["education"], m["health"], m["social_care"]])
    rec_a = ps.record_recommendation(actor=world.manager, item=item_a, outcome="not_assess", reasons="r")
    cw.decide_whether_to_assess(
        actor=world.caseworker,
        request=a,
        assess=True,
        decided_on=TODAY - timedelta(days=75),
        reasons="New evidence",
        recommendation=rec_a,
        departure_reasons="School report",
    )
    item_b = ps.add_to_agenda(actor=world.manager, meeting=second, request=b)
    item_c = ps.add_to_agenda(actor=world.manager, meeting=second, request=c)
    ps.record_attendance(actor=world.manager, meeting=second, present=list(m.values()))
    ps.declare_conflict(actor=world.manager, item=item_b, member=m["parent_carer_forum"], note="Knows the family")
    ps.record_recommendation(actor=world.manager, item=item_b, outcome="assess", reasons="r")
    ps.record_recommendation(actor=world.manager, item=item_c, outcome="defer", reasons="r")
    # Recorded on the case without choosing the panel: still matched to the recommendation.
    cw.decide_whether_to_assess(
        actor=world.caseworker, request=b, assess=True, decided_on=TODAY - timedelta(days=5), reasons="As advised"
    )
    return first, second


def test_outcomes_by_panel_and_period(history):
    first, second = history
    report = reports.outcomes(date_from=TODAY - timedelta(days=365), date_to=TODAY)
    [panel] = report.panels
    assert [p.label for p in panel.periods] == [f"{first.meets_on:%B %Y}", f"{second.meets_on:%B %Y}"]
    early, late = panel.periods
    assert (early.considered, early.by_outcome["not_assess"], early.decided, early.departed) == (1, 1, 1, 1)
    assert (late.considered, late.by_outcome["assess"], late.by_outcome["defer"], late.decided, late.departed) == (
        2,
        1,
        1,
        1,
        0,
    )
    assert (panel.total.considered, panel.total.decided, panel.total.departed) == (3, 2, 1)
    assert dict(report.totals_by_outcome) == {"Assess": 1, "Do not assess": 1, "Defer for more information": 1}


def test_outcomes_by_member_agency(history):
    report = reports.outcomes(date_from=TODAY - timedelta(days=365), date_to=TODAY)
    rows = {a.agency: a for a in report.agencies}
    for agency in ("education", "health", "social_care"):
        row = rows[agency]
        assert (row.meetings_attended, row.items_considered, row.compared, row.matched) == (2, 3, 2, 1), agency
        assert report.rate(row.matched, row.compared) == "50%"
    pcf = rows["parent_carer_forum"]
    assert (pcf.meetings_attended, pcf.items_considered, pcf.compared) == (1, 1, 0)
    assert report.rate(pcf.matched, pcf.compared) == "No decisions yet"


def test_date_range_and_quarters(history):
    report = reports.outcomes(date_from=TODAY - timedelta(days=30), date_to=TODAY, period="quarter")
    [panel] = report.panels
    assert panel.total.considered == 2 and len(panel.periods) == 1
    assert panel.periods[0].label.endswith(str((TODAY - timedelta(days=10)).year)) and " to " in panel.periods[0].label
    assert reports.outcomes(date_from=TODAY + timedelta(days=1), date_to=TODAY + timedelta(days=9)).panels == []


def test_small_counts_suppressed_for_readers_who_cannot_open_records(history):
    from highneeds.engine.disclosure import Policy

    report = reports.outcomes(date_from=TODAY - timedelta(days=365), date_to=TODAY, policy=Policy(5, 5))
    assert report.one(3) == "Not shown" and report.one(0) == "0" and report.one(7) == "5"
    assert report.rate(1, 2) == "Not shown" and report.rate(10, 20) == "50%"
    [panel] = report.panels
    assert all(v == "Not shown" or v == "0" for row in report.panel_rows(panel) for v in row["outcomes"])
    assert "Not shown" in reports.bar_chart(report.shown_totals, title="t")
    exact = reports.outcomes(date_from=TODAY - timedelta(days=365), date_to=TODAY)
    assert exact.panel_rows(exact.panels[0])[-1]["considered"] == "3"


def test_outcomes_page_names_no_child(client, history, world, make_user):
    sign_in(client, world.manager)
    body = client.get("/panels/outcomes/").content.decode()
    assert "Assessment panel" in body and "<svg" in body and "Parent carer forum" in body
    assert "Reportson" not in body and "Amara" not in body and "EHC-" not in body
    response = client.get(
        "/panels/outcomes/",
        {
            "date_from-day": "1",
            "date_from-month": "1",
            "date_from-year": "2030",
            "date_to-day": "1",
            "date_to-month": "1",
            "date_to-year": "2029",
        },
    )
    assert "The end date must be the same as or after the start date" in response.content.decode()
    client.logout()
    sign_in(client, make_user("strategic_lead"))
    assert "Not shown" in client.get("/panels/outcomes/").content.decode()
    for role in ("panel_member", "parent"):
        client.logout()
        sign_in(client, make_user(role))
        assert client.get("/panels/outcomes/").status_code == 403
