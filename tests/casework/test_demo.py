"""casework.demo: the demo professional has advice due, one overdue and one draft; the demo SENCO the
school's advice for a pupil."""

from __future__ import annotations

from datetime import date, timedelta

from highneeds.accounts.roles import SYSTEM, SystemActor
from highneeds.casework import demo
from highneeds.casework import services as cw
from highneeds.casework.models import AssessmentRequest, CaseEvent
from highneeds.casework.queries import OVERDUE, advice_counts, due_dates, my_advice_requests
from highneeds.demo.extras import prepare_app
from highneeds.people.services import grant_access
from tests.conftest import allow_writes

TODAY = date.today()


def test_demo_advice_for_the_professional_and_the_senco(make_user, make_child, make_establishment):
    school = make_establishment()
    worker = make_user("caseworker", username="caseworker")
    professional = make_user("professional", username="professional")
    senco = make_user("senco", username="senco", establishment=school)
    for days_ago, at_school in ((120, False), (70, False), (60, False), (50, True)):
        received = TODAY - timedelta(days=days_ago)
        case = cw.submit_request(
            actor=worker,
            child=make_child(establishment=school if at_school else None),
            received_on=received,
            source="1",
        )
        cw.decide_whether_to_assess(
            actor=worker, request=case, assess=True, decided_on=received + timedelta(days=20), reasons="x"
        )
    counts = prepare_app(actor=SystemActor("demo"), module=demo)
    assert counts == {"advice_requests": 4}
    rows = list(my_advice_requests(professional))
    assert rows[0].bucket == OVERDUE and {r.stage for r in rows} == {"not_started", "draft"}
    assert advice_counts(my_advice_requests(professional)) == {
        "total": 3,
        "overdue": 1,
        "to_give": 3,
        "drafts": 1,
        "submitted": 0,
    }
    school_advice = list(my_advice_requests(senco))
    assert [a.adviser_type for a in school_advice] == ["setting"] and school_advice[0].establishment == school
    assert prepare_app(actor=SystemActor("demo"), module=demo) == {"advice_requests": 0}


def test_demo_adopts_the_synthetic_historys_unanswered_requests(make_user, make_child):
    worker = make_user("caseworker", username="caseworker")
    professional = make_user("professional", username="professional")
    cases = []
    for days_ago in (80, 30, 20):
        received = TODAY - timedelta(days=days_ago + 20)
        case = cw.submit_request(actor=worker, child=make_child(), received_on=received, source="1")
        cw.decide_whether_to_assess(
            actor=worker, request=case, assess=True, decided_on=received + timedelta(days=10), reasons="x"
        )
        with allow_writes():  # as the synthetic loader writes history: the event, no AdviceRequest row
            CaseEvent.objects.create(
                child=case.child,
                request=case,
                event_type="advice_requested",
                occurred_on=TODAY - timedelta(days=days_ago),
                detail={"adviser": "educational_psychology"},
            )
        cases.append(case)
    cw.recalculate_clocks(actor=SYSTEM, requests=AssessmentRequest.objects.all())
    assert prepare_app(actor=SystemActor("demo"), module=demo) == {"advice_requests": 3}
    rows = list(my_advice_requests(professional))
    assert [r.request_id for r in rows] == [c.pk for c in cases]
    for row in rows:  # the clock's date, not a new sum
        row.request.refresh_from_db()
        assert row.due_on == due_dates(row.request)["advice:educational_psychology"]
    assert [r.bucket for r in rows] == [OVERDUE, 1, 1] and [r.stage for r in rows][1] == "draft"


def test_every_child_the_professional_was_invited_to_advise_on_has_advice_asked(make_user, make_child):
    """The demo professional's home lists the children they were invited to advise on, beside their deadlines:
    each invited child (demo.loader grants five) has an advice request, so the two agree."""
    worker = make_user("caseworker", username="caseworker")
    professional = make_user("professional", username="professional")
    invited = []
    for days_ago in (90, 80, 70, 60, 50, 40):
        received = TODAY - timedelta(days=days_ago)
        case = cw.submit_request(actor=worker, child=make_child(), received_on=received, source="1")
        cw.decide_whether_to_assess(
            actor=worker, request=case, assess=True, decided_on=received + timedelta(days=20), reasons="x"
        )
        if days_ago <= 70:  # the four newest: past the three a professional would otherwise get
            grant_access(actor=worker, child=case.child, user=professional, reason="Advice")
            invited.append(case.child_id)
    prepare_app(actor=SystemActor("demo"), module=demo)
    asked = {r.request.child_id for r in my_advice_requests(professional)}
    assert set(invited) <= asked


def test_an_invited_childs_answered_history_is_adopted_as_submitted(make_user, make_child):
    worker = make_user("caseworker", username="caseworker")
    professional = make_user("professional", username="professional")
    received = TODAY - timedelta(days=60)
    case = cw.submit_request(actor=worker, child=make_child(), received_on=received, source="1")
    cw.decide_whether_to_assess(
        actor=worker, request=case, assess=True, decided_on=received + timedelta(days=10), reasons="x"
    )
    grant_access(actor=worker, child=case.child, user=professional, reason="Advice")
    with allow_writes():  # the synthetic history: asked and answered, no AdviceRequest row
        for event_type, days_ago in (("advice_requested", 50), ("advice_received", 20)):
            CaseEvent.objects.create(
                child=case.child,
                request=case,
                event_type=event_type,
                occurred_on=TODAY - timedelta(days=days_ago),
                detail={"adviser": "educational_psychology"},
            )
    cw.recalculate_clocks(actor=SYSTEM, requests=AssessmentRequest.objects.all())
    prepare_app(actor=SystemActor("demo"), module=demo)
    row = next(r for r in my_advice_requests(professional) if r.request_id == case.pk)
    assert row.stage == "submitted" and row.received_on == TODAY - timedelta(days=20)
