"""A small council recorded through casework's own services, for the SEN2 export."""

from __future__ import annotations

from datetime import date

import pytest

from highneeds.accounts.roles import SYSTEM


@pytest.fixture
def council(db, make_child, make_establishment):
    """Four children: a plan issued in 2026 with an exception; a refusal to assess that went to mediation and
    tribunal; an open request; and a plan with no placement, no UPN and no postcode (gaps to report)."""
    from highneeds.casework import flows as cw_flows
    from highneeds.casework import services as cw
    from highneeds.council.models import CouncilSettings
    from highneeds.disputes.models import Appeal, DecisionNotice, Mediation
    from highneeds.plans.queries import current_plan
    from tests.conftest import fill_plan_version

    CouncilSettings.objects.update_or_create(pk=1, defaults={"old_la_code": "384"})
    school = make_establishment(name="Testbrook Primary", urn=100001)
    special = make_establishment(name="Oakfield Special", urn=100002, establishment_type="SP_LA")
    planned = make_child(
        first_name="Alex",
        last_name="Example",
        upn="A123456789012",
        postcode="LS1 4AP",
        needs=("ASD", "SLCN"),
        establishment=school,
        dob=date(2015, 3, 2),
    )
    r1 = cw.submit_request(actor=SYSTEM, child=planned, received_on=date(2026, 1, 5), source="1")
    cw.decide_whether_to_assess(actor=SYSTEM, request=r1, assess=True, decided_on=date(2026, 2, 10), reasons="x")
    cw.record_exception(
        actor=SYSTEM,
        request=r1,
        code="PERSONAL_CIRCS",
        date_from=date(2026, 3, 1),
        date_to=date(2026, 4, 1),
        reason="Family bereavement",
    )
    advice = cw.request_advice(
        actor=SYSTEM,
        request=r1,
        adviser_type="educational_psychology",
        requested_on=date(2026, 2, 12),
        adviser_name="Educational psychology",
    )
    cw.submit_advice(actor=SYSTEM, advice=advice, text="Needs in communication", received_on=date(2026, 3, 20))
    cw.decide_whether_to_issue(actor=SYSTEM, request=r1, issue=True, decided_on=date(2026, 4, 20), reasons="x")
    cw_flows.send_draft_plan(actor=SYSTEM, request=r1, sent_on=date(2026, 5, 1))
    fill_plan_version(current_plan(planned).versions.get(state="sent"), SYSTEM)
    cw_flows.issue_final_plan(actor=SYSTEM, request=r1, issued_on=date(2026, 6, 20), establishment=special)

    refused = make_child(
        first_name="Bea", last_name="Sample", uln="1234567899", postcode="LS2 7AB", dob=date(2012, 1, 1)
    )
    r2 = cw.submit_request(actor=SYSTEM, child=refused, received_on=date(2026, 3, 2), source="2")
    cw.decide_whether_to_assess(actor=SYSTEM, request=r2, assess=False, decided_on=date(2026, 4, 1), reasons="x")
    notice = DecisionNotice.objects.create(child=refused, matter="refuse_assess", sent_on=date(2026, 4, 1), request=r2)
    Mediation.objects.create(notice=notice, stage="held", held_on=date(2026, 5, 1))
    Appeal.objects.create(notice=notice, child=refused, lodged_on=date(2026, 6, 1), response_due=date(2026, 7, 1))

    waiting = make_child(
        first_name="Cal", last_name="Testing", uln="1000000000", postcode="LS3 1AA", dob=date(2018, 6, 6)
    )
    cw.submit_request(actor=SYSTEM, child=waiting, received_on=date(2026, 11, 2), source="3")

    from highneeds.plans.models import Plan

    lacking = make_child(first_name="Dee", last_name="Gapfield", needs=(), dob=date(2010, 2, 2), sen_status="E")
    Plan.objects.create(child=lacking, status="final", first_issued_on=date(2023, 3, 1))
    return {
        "planned": planned,
        "refused": refused,
        "waiting": waiting,
        "lacking": lacking,
        "school": school,
        "special": special,
    }
