"""The SEN2 export from casework: every module, values traced to what casework recorded, and the gaps."""

from __future__ import annotations

from datetime import date

from highneeds.engine.sen2 import model as m
from highneeds.engine.sen2.safexml import parse
from highneeds.engine.sen2.validate import validate_bytes
from highneeds.returns import extract


def _person(ex, child):
    return ex.ret.persons[ex.child_ids.index(child.pk)]


def test_header_and_persons(council):
    ex = extract.build(year=2027, la="384")
    assert ex.ret.header.reference_date == date(2027, 1, 21)
    assert set(ex.child_ids) == {c.pk for k, c in council.items() if k in ("planned", "refused", "waiting", "lacking")}
    root = parse(m.to_xml(ex.ret))
    assert root.findtext("Header/CollectionDetails/Year") == "2027"
    assert root.findtext("Header/Source/LEA") == "384"


def test_plan_issued_with_exception(council):
    ex = extract.build(year=2027, la="384")
    p = _person(ex, council["planned"])
    assert (p.surname, p.upn, p.postcode) == ("Example", "A123456789012", "LS1 4AP")
    req = p.requests[0]
    assert (req.received_date, req.source, req.outcome, req.outcome_date) == (
        date(2026, 1, 5),
        "1",
        "A",
        date(2026, 2, 10),
    )
    a = req.assessments[0]
    assert (a.outcome, a.outcome_date, a.week20) == ("I", date(2026, 4, 20), True)
    plan = a.plans[0]
    assert plan.start_date == date(2026, 6, 20)
    assert [d.urn for d in plan.details] == ["100002"]  # the school named in the plan
    active = req.active_plans[0]
    assert [(n.code, n.rank) for n in active.needs] == [("ASD", 1), ("SLCN", 2)]
    assert [d.rank for d in active.placements].count(1) == 1


def test_refusal_with_mediation_and_tribunal(council):
    ex = extract.build(year=2027, la="384")
    req = _person(ex, council["refused"]).requests[0]
    assert (req.outcome, req.mediation, req.tribunal) == ("N", True, True)
    assert req.assessments == []


def test_open_request_has_no_outcome(council):
    req = _person(extract.build(year=2027, la="384"), council["waiting"]).requests[0]
    assert req.outcome == "" and req.outcome_date is None and req.source == "3"


def test_events_after_the_census_day_are_left_out(council):
    ex = extract.build(year=2026, la="384")  # census 15 January 2026: nothing had happened yet
    assert council["planned"].pk not in ex.child_ids


def test_gaps_name_the_child_and_the_item(council):
    ex = extract.build(year=2027, la="384")
    gaps = {(g.child_id, g.item) for g in ex.gaps}
    lacking = council["lacking"].pk
    assert {
        (lacking, "UPN"),
        (lacking, "PostCode"),
        (lacking, "PlacementDetail"),
        (lacking, "SENneed"),
        (lacking, "PlanDetail"),
    } <= gaps
    assert not {g for g in gaps if g[0] == council["planned"].pk}
    issues = validate_bytes(m.to_xml(ex.ret))
    assert {i.rule for i in issues if i.severity == "error"} == {"SEN2-103", "SEN2-141", "SEN2-142"}


def test_ceased_plan_carries_its_reason(council):
    from highneeds.plans.models import Plan

    Plan.objects.filter(child=council["lacking"]).update(status="ceased", ceased_on=date(2026, 7, 20), cease_reason="3")
    ex = extract.build(year=2027, la="384")
    req = _person(ex, council["lacking"]).requests[0]
    assert (req.assessments[0].plans[0].cease_date, req.assessments[0].plans[0].cease_reason) == (
        date(2026, 7, 20),
        "3",
    )
    assert req.active_plans == []


def test_setting_without_urn_uses_sen2_setting_codes(council, make_establishment):
    from highneeds.accounts.roles import SYSTEM
    from highneeds.people import services as people

    hospital = make_establishment(name="Hillside Hospital School", urn=None, establishment_type="OTHER")
    people.add_placement(
        actor=SYSTEM,
        child=council["lacking"],
        establishment=hospital,
        placement_type="ON_ROLL",
        start_date=date(2025, 9, 1),
    )
    from highneeds.plans.models import Plan, PlanVersion

    PlanVersion.objects.create(
        plan=Plan.objects.get(child=council["lacking"]),
        number=1,
        kind="final",
        state="issued",
        issued_on=date(2023, 3, 1),
        establishment=hospital,
    )
    ex = extract.build(year=2027, la="384")
    req = _person(ex, council["lacking"]).requests[0]
    detail = req.active_plans[0].placements[0]
    assert (detail.urn, detail.sen_setting, detail.sen_setting_other) == ("", "OTH", "Hillside Hospital School")
    named = req.assessments[0].plans[0].details[0]
    assert (named.sen_setting, named.sen_setting_other, named.rank) == ("OTH", "Hillside Hospital School", 1)
    assert not {"PlacementDetail", "PlanDetail"} & {g.item for g in ex.gaps if g.child_id == council["lacking"].pk}


def test_cut_to_one_council_by_responsible_la_or_children(council, make_child):
    from highneeds.accounts.roles import SYSTEM
    from highneeds.casework import services as cw

    elsewhere = make_child(first_name="Eli", last_name="Away", responsible_la="380", dob=date(2016, 1, 1))
    cw.submit_request(actor=SYSTEM, child=elsewhere, received_on=date(2026, 5, 5), source="1")
    assert elsewhere.pk in extract.build(year=2027, la="384").child_ids  # one council's database: no cut
    assert elsewhere.pk not in extract.build(year=2027, la="999", only_responsible=True).child_ids
    assert extract.build(year=2027, la="380", only_responsible=True).child_ids == [elsewhere.pk]
    assert extract.build(year=2027, la="380", children=[elsewhere.pk]).child_ids == [elsewhere.pk]


def test_a_plan_behind_a_request_with_no_recorded_decision_is_still_written(council):
    from highneeds.casework.models import CaseEvent
    from highneeds.plans.models import Plan

    plan = Plan.objects.get(child=council["planned"])
    CaseEvent.objects.filter(request=plan.request, event_type="decision_to_assess").delete()
    ex = extract.build(year=2027, la="384")
    req = _person(ex, council["planned"]).requests[0]
    assert req.outcome == "" and req.assessments[0].plans[0].start_date == date(2026, 6, 20)
