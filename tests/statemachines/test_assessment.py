"""The EHC needs assessment to the first final plan, driven by random sequences of service calls as random
roles (hypothesis RuleBasedStateMachine), with the invariants checked after every step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule, run_state_machine_as_test

from highneeds.casework import flows as cw_flows
from highneeds.casework import services as cw
from highneeds.casework.models import AdviceRequest, AssessmentRequest
from highneeds.casework.queries import is_giver
from highneeds.engine.clock.machines import ASSESSMENT, PLAN_VERSION, REPRESENTATION_DAYS
from highneeds.plans import queries as plan_queries
from highneeds.plans import services as plans
from highneeds.plans.models import PlanVersion

from .harness import (
    COMPLETE_F,
    NEED_B,
    SETTINGS,
    STAFF,
    TODAY,
    VAGUE_F,
    ProcessMachine,
    check_plans,
    make_child,
    make_school,
    make_users,
    mostly_staff,
    roles,
    setup,
    state,
)

REACHED: set[str] = set()


class Assessment(ProcessMachine):
    @initialize(lawful=st.sampled_from((0, 3, 8)))
    def request(self, lawful=0):
        """A request, then (sometimes) the first lawful steps, so runs start at different points."""
        self.child = make_child(self.users, school=self.school)
        self.request_pk = cw.submit_request(
            actor=self.users["caseworker"],
            child=self.child,
            received_on=self.day,
            source="1",
            caseworker=self.users["caseworker"],
        ).pk
        for _ in range(lawful):
            self._next_lawful_step()

    def _status(self):
        return state(AssessmentRequest, self.request_pk, "status")

    def _req(self):
        return AssessmentRequest.objects.get(pk=self.request_pk)

    def _step(self, step, role, call, **kw):
        return self.attempt(ASSESSMENT, self._status, step, role, call, **kw)

    @rule(days=st.integers(1, 40))
    def days_pass(self, days):
        self.move_on(days)

    @rule(role=mostly_staff, assess=st.booleans())
    def decide_whether_to_assess(self, role, assess):
        self._step(
            "decide_whether_to_assess",
            role,
            lambda actor: cw.decide_whether_to_assess(
                actor=actor, request=self._req(), assess=assess, decided_on=self.day, reasons="Evidence"
            ),
        )

    # "setting": the school's advice, asked of the child's school, so the SENCO there gives it.
    @rule(role=mostly_staff, kind=st.sampled_from(("educational_psychology", "health", "setting")))
    def request_advice(self, role, kind):
        self._step(
            "request_advice",
            role,
            lambda actor: cw.request_advice(
                actor=actor, request=self._req(), adviser_type=kind, requested_on=self.day, adviser_name="Service"
            ),
        )

    @rule(role=mostly_staff)
    def submit_advice(self, role):
        advice = AdviceRequest.objects.filter(request_id=self.request_pk, received_on__isnull=True).first()
        if advice is not None:
            self._step(
                "submit_advice",
                role,
                lambda actor: cw.submit_advice(actor=actor, advice=advice, text="Advice", received_on=self.day),
                allowed_roles=STAFF | ({"senco"} if advice.establishment_id else set()),
            )

    @rule(role=st.one_of(st.just("senco"), roles))
    def save_advice_draft(self, role):
        """A draft: only the person asked, only while the case is open; it never moves the case or gives advice."""
        advice = AdviceRequest.objects.filter(request_id=self.request_pk, received_on__isnull=True).first()
        if advice is None:
            return
        before, actor = self._status(), self.users[role]
        may = is_giver(actor, advice) and before in AssessmentRequest.OPEN
        try:
            cw.save_advice_draft(actor=actor, advice=advice, parts={"needs": "Draft advice"})
        except (PermissionDenied, ValidationError):
            assert not may, f"{role} was refused a draft of advice asked of them"
            assert AdviceRequest.objects.get(pk=advice.pk).draft_saved_at == advice.draft_saved_at
        else:
            assert may, f"{role} saved a draft of advice not asked of them"
            REACHED.add("advice_draft")
        assert self._status() == before and AdviceRequest.objects.get(pk=advice.pk).received_on is None

    @rule(role=mostly_staff, issue=st.booleans())
    def decide_whether_to_issue(self, role, issue):
        self._step(
            "decide_whether_to_issue",
            role,
            lambda actor: cw.decide_whether_to_issue(
                actor=actor, request=self._req(), issue=issue, decided_on=self.day, reasons="Evidence"
            ),
        )

    @rule(role=mostly_staff)
    def send_draft_plan(self, role):
        self._step(
            "send_draft_plan",
            role,
            lambda actor: cw_flows.send_draft_plan(actor=actor, request=self._req(), sent_on=self.day),
        )

    @rule(role=mostly_staff, complete=st.booleans())
    def write_the_plan(self, role, complete):
        plan = plan_queries.current_plan(self.child)
        version = plan_queries.editable_version(plan) if plan else None
        if version is None:
            return
        before = version.state

        def write(actor):
            plans.save_items(actor=actor, version=version, section="B", items=NEED_B)
            return plans.save_items(
                actor=actor, version=version, section="F", items=COMPLETE_F if complete else VAGUE_F
            )

        self.attempt(PLAN_VERSION, lambda: state(PlanVersion, version.pk, "state"), "edit", role, write)
        assert state(PlanVersion, version.pk, "state") == before

    @rule(role=st.sampled_from(("parent", "caseworker", "senco")))
    def record_representation(self, role):
        self._step(
            "record_representation",
            role,
            lambda actor: cw.record_representation(
                actor=actor, request=self._req(), received_on=self.day, text="We would like more therapy"
            ),
            allowed_roles=STAFF | {"parent"},
        )

    @rule(role=mostly_staff, named=st.booleans())
    def issue_final_plan(self, role, named):
        self._step(
            "issue_final_plan",
            role,
            lambda actor: cw_flows.issue_final_plan(
                actor=actor, request=self._req(), issued_on=self.day, establishment=self.school if named else None
            ),
        )

    @rule(role=mostly_staff)
    def issue_the_draft_directly(self, role):
        """The attack: issue the draft from the plan's side, skipping the assessment. Always refused."""
        plan = plan_queries.current_plan(self.child)
        version = plan_queries.editable_version(plan) if plan else None
        if version is None:
            return
        with pytest.raises((ValidationError, PermissionDenied)):
            plans.issue_version(actor=self.users[role], version=version, issued_on=self.day, establishment=self.school)

    @rule(role=mostly_staff)
    def withdraw_request(self, role):
        self._step(
            "withdraw_request",
            role,
            lambda actor: cw.withdraw_request(
                actor=actor, request=self._req(), withdrawn_on=self.day, reason="Family moved away"
            ),
        )

    @rule(steps=st.integers(1, 10))
    def the_next_lawful_steps(self, steps):
        """The caseworker takes the steps the case needs next, so that runs reach the end of the process."""
        for _ in range(steps):
            self._next_lawful_step()

    def _next_lawful_step(self):
        request, worker = self._req(), "caseworker"
        if request.status == "pending":
            self.decide_whether_to_assess(worker, True)
        elif request.status == "assess" and not request.advice_requests.exists():
            self.request_advice(worker, "setting")
        elif request.status == "assess" and request.advice_requests.filter(received_on__isnull=True).exists():
            school = request.advice_requests.filter(received_on__isnull=True).first().establishment_id
            self.save_advice_draft("senco")  # the school's SENCO drafts, then gives the school's advice
            self.move_on(10)
            self.submit_advice("senco" if school else worker)
        elif request.status == "assess" and not request.decisions.filter(kind="issue").exists():
            self.decide_whether_to_issue(worker, True)
        elif request.status == "assess":
            self.send_draft_plan(worker)
            self.write_the_plan(worker, True)
        elif request.status == "draft":
            self.move_on(REPRESENTATION_DAYS)
            self.issue_final_plan(worker, True)

    @invariant()
    def the_case_the_plan_and_the_child_agree(self):
        if not hasattr(self, "child"):
            return
        request = self._req()
        assert request.status in ASSESSMENT.states
        check_plans(self.child)
        REACHED.add(request.status)
        plan = plan_queries.current_plan(self.child)
        issued = plan is not None and plan.status == "final"
        assert issued == (request.status == "plan_issued"), f"case {request.status} but plan {plan and plan.status}"
        assert (self.child.sen_status == "E") == issued
        assert (request.events.filter(event_type="final_plan_issued").exists()) == issued
        if request.status in ("draft", "plan_issued"):
            assert request.decisions.filter(kind="issue", outcome=True).exists()
            assert request.events.filter(event_type="draft_plan_sent").exists()
        if request.status == "draft":
            assert plan is not None and plan_queries.editable_version(plan).state == "sent"


@pytest.mark.django_db
def test_assessment_machine():
    setup(Assessment)
    run_state_machine_as_test(Assessment, settings=SETTINGS)
    assert "plan_issued" in REACHED  # the runs reach the end of the process, not only refusals
    assert "advice_draft" in REACHED


# ---------------------------------------------------------------------------------------------------------
# Regression: "a final EHC plan could be issued empty" (finding 3). On the code before the state machines
# both calls below issued a plan with no decision, no draft, no 15 days, no advice and no content, and the
# child's SEN status and the case stayed as they were.


@pytest.mark.django_db
def test_a_final_plan_cannot_be_issued_empty():
    school = make_school()
    users = make_users(school)
    child = make_child(users, school=school)
    worker = users["caseworker"]
    # The plan page's "start a plan" then "issue": an empty draft, never sent.
    plan = plans.create_plan(actor=worker, child=child, source="other")
    with pytest.raises(ValidationError) as refused:
        plans.issue_version(actor=worker, version=plan.versions.get(), issued_on=TODAY, establishment=school)
    assert "Issue the plan" in str(refused.value)
    plan.refresh_from_db()
    child.refresh_from_db()
    assert plan.status == "draft" and not plan.versions.filter(state="issued").exists() and child.sen_status == "K"


@pytest.mark.django_db
def test_the_assessment_cannot_issue_an_empty_or_early_plan():
    school = make_school()
    users = make_users(school)
    child = make_child(users, school=school)
    worker = users["caseworker"]
    start = TODAY - timedelta(days=100)
    request = cw.submit_request(actor=worker, child=child, received_on=start, source="1")
    cw.decide_whether_to_assess(
        actor=worker, request=request, assess=True, decided_on=start + timedelta(days=10), reasons="x"
    )
    cw.decide_whether_to_issue(
        actor=worker, request=request, issue=True, decided_on=start + timedelta(days=20), reasons="x"
    )
    cw_flows.send_draft_plan(actor=worker, request=request, sent_on=TODAY - timedelta(days=3))
    with pytest.raises(ValidationError) as refused:
        cw_flows.issue_final_plan(actor=worker, request=request, issued_on=TODAY, establishment=None)
    errors = refused.value.message_dict
    text = " ".join(m for ms in errors.values() for m in ms)
    for expected in (
        "to comment on the draft",
        "No advice is on file",
        "Section B must describe",
        "Section F has no provision",
        "Section I must name",
    ):
        assert expected in text, expected
    request.refresh_from_db()
    child.refresh_from_db()
    assert request.status == "draft" and child.sen_status == "K"
    assert plan_queries.current_plan(child).status == "draft"
