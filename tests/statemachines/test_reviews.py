"""Annual review, phase transfer and reassessment: random sequences of service calls as random roles, with
the invariants checked after every step."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule, run_state_machine_as_test

from highneeds.engine.clock.machines import (
    ANNUAL_REVIEW,
    PHASE_TRANSFER,
    PLAN_VERSION,
    REASSESSMENT,
    REPRESENTATION_DAYS,
)
from highneeds.plans import queries as plan_queries
from highneeds.plans import services as plans
from highneeds.plans.models import Plan, PlanVersion
from highneeds.reviews import flows as review_flows
from highneeds.reviews import services as review_services
from highneeds.reviews.models import AnnualReview, PhaseTransfer, Reassessment, SchoolReviewReport

from .harness import (
    SETTINGS,
    TODAY,
    ProcessMachine,
    check_plans,
    make_plan_in_force,
    make_school,
    mostly_staff,
    roles,
    setup,
    state,
)

# The reviews' own steps and those that move the plan (reviews.flows), under one name for the rules below.
rv = SimpleNamespace(
    **{name: getattr(review_services, name) for name in review_services.__all__},
    **{
        name: getattr(review_flows, name)
        for name in ("decide", "issue_amended_plan", "amend_for_transfer", "issue_reassessed_plan")
    },
)

CONSIDERED = {
    "step_down_considered": True,
    "step_down_reason": "Needs still need the plan's provision",
    "cessation_considered": True,
    "cessation_reason": "Outcomes not yet met",
}
REACHED: set[str] = set()


class PlanProcess(ProcessMachine):
    """A plan in force, and proposed amendments that the caseworker may send from the plan's page."""

    def _plan(self):
        return Plan.objects.get(pk=self.plan.pk)

    @rule(days=st.integers(1, 30))
    def days_pass(self, days):
        self.move_on(days)

    @rule(role=mostly_staff, source=st.sampled_from(("phase_transfer", "reassessment")))
    def send_amendments(self, role, source):
        version = plan_queries.editable_version(self._plan())
        if version is None:
            version = plans.start_amendment(
                actor=self.users["caseworker"], plan=self._plan(), source=source, started_on=self.day
            )
        self.attempt(
            PLAN_VERSION,
            lambda: state(PlanVersion, version.pk, "state"),
            "send",
            role,
            lambda actor: plans.send_proposed_amendments(actor=actor, version=version, sent_on=self.day),
        )

    def common_invariants(self, record):
        check_plans(self.plan.child)
        REACHED.add(f"{type(record).__name__}:{record.stage}")
        if getattr(record, "version_id", None):  # the plan this process issued
            version = record.version
            assert version.state in ("issued", "superseded")
            assert version.issued_on >= version.sent_on + timedelta(days=REPRESENTATION_DAYS)


class Review(PlanProcess):
    @initialize(lawful=st.sampled_from((0, 4, 9)))
    def review(self, lawful=0):
        self.plan = make_plan_in_force(self.users, self.school, self.day)
        self.day += timedelta(days=270)  # leaves two months before today for the lawful path to "closed"
        self.pk = rv.schedule_review(actor=self.users["caseworker"], plan=self.plan).pk
        self.the_next_lawful_steps(lawful)

    def _review(self):
        return AnnualReview.objects.get(pk=self.pk)

    def _step(self, step, role, call, **kw):
        return self.attempt(ANNUAL_REVIEW, lambda: state(AnnualReview, self.pk), step, role, call, **kw)

    @rule(role=mostly_staff, weeks=st.integers(0, 5))
    def arrange_meeting(self, role, weeks):
        self._step(
            "arrange_meeting",
            role,
            lambda actor: rv.arrange_meeting(
                actor=actor,
                review=self._review(),
                meeting_on=self.day + timedelta(weeks=weeks),
                arranged_on=self.day,
                invitees=[{"role": "parent"}, {"role": "setting"}],
            ),
        )

    @rule(role=mostly_staff)
    def send_invitations(self, role):
        self._step(
            "send_invitations",
            role,
            lambda actor: rv.send_invitations(actor=actor, review=self._review(), sent_on=self.day),
        )

    @rule(role=mostly_staff)
    def circulate_advice(self, role):
        self._step(
            "circulate_advice",
            role,
            lambda actor: rv.circulate_advice(actor=actor, review=self._review(), circulated_on=self.day),
        )

    @rule(role=roles)
    def contribute(self, role):
        self._step(
            "contribute",
            role,
            lambda actor: rv.contribute(actor=actor, review=self._review(), text="Happier at school this year"),
            allowed_roles={"parent", "senco"},
        )

    @rule(role=mostly_staff)
    def record_meeting(self, role):
        meeting_on = self._review().meeting_on
        if meeting_on and self.day < meeting_on <= TODAY:
            self.day = meeting_on
        self._step(
            "record_meeting",
            role,
            lambda actor: rv.record_meeting(
                actor=actor,
                review=self._review(),
                held_on=self.day,
                attendees="Parent, SENCO, caseworker",
                outcomes_met="partly",
            ),
        )

    @rule(role=mostly_staff)
    def send_report(self, role):
        self._step(
            "send_report", role, lambda actor: rv.send_report(actor=actor, review=self._review(), sent_on=self.day)
        )

    @rule(role=roles)
    def save_school_report(self, role):
        """The SENCO's draft: any time before the decision, never moving the review."""
        before = self._review().stage
        try:
            rv.save_school_report(
                actor=self.users[role],
                review=self._review(),
                school_views="Settled this year",
                outcomes_met="partly",
                progress="Reading age up 8 months",
                attendance="96.5",
            )
        except (PermissionDenied, ValidationError):
            assert role != "senco" or before not in rv.WRITABLE_STAGES or self._submitted()
        else:
            assert role == "senco" and before in rv.WRITABLE_STAGES
        assert self._review().stage == before

    def _submitted(self) -> bool:
        return SchoolReviewReport.objects.filter(review_id=self.pk, submitted_on__isnull=False).exists()

    @rule(role=roles)
    def submit_school_report(self, role):
        """The school's report (reg 20(7)-(8)): records the meeting if the council has not, then the report."""
        meeting_on = self._review().meeting_on
        if meeting_on and self.day < meeting_on <= TODAY:
            self.day = meeting_on
        # The review's own steps: from "arranged" the report records the meeting too, else it is the report.
        done = self._step(
            "record_meeting" if self._review().stage == "arranged" else "send_report",
            role,
            lambda actor: rv.submit_school_report(
                actor=actor, review=self._review(), submitted_on=self.day, held_on=self.day, attendees="Parent, SENCO"
            ),
            allowed_roles={"senco"},
        )
        if done is not None:
            review = self._review()
            assert review.held_on and review.report_sent_on and done.submitted_on == self.day
            REACHED.add("SchoolReviewReport:submitted")

    @rule(role=mostly_staff, decision=st.sampled_from(("maintain", "amend", "amend", "cease")))
    def decide(self, role, decision):
        self._step(
            "decide",
            role,
            lambda actor: rv.decide(
                actor=actor,
                review=self._review(),
                decision=decision,
                decided_on=self.day,
                reasons="Reviewed",
                cease_reason="2" if decision == "cease" else "",
                **CONSIDERED,
            ),
        )

    @rule(role=mostly_staff)
    def issue_amended_plan(self, role):
        self._step(
            "issue_amended_plan",
            role,
            lambda actor: rv.issue_amended_plan(actor=actor, review=self._review(), issued_on=self.day),
        )

    @rule(steps=st.integers(1, 9))
    def the_next_lawful_steps(self, steps):
        worker = "caseworker"
        for _ in range(steps):
            review = self._review()
            if review.stage == "due":
                self.arrange_meeting(worker, 3)
            elif review.stage == "arranged" and not review.invitations_sent_on:
                self.send_invitations(worker)
                self.circulate_advice(worker)
            elif review.stage == "arranged":
                self.move_on(21)
                if steps % 2:  # a school-led meeting: the school's report records it
                    self.save_school_report("senco")
                    self.submit_school_report("senco")
                else:
                    self.record_meeting(worker)
            elif review.stage == "held" and not review.report_sent_on:
                self.send_report(worker)
            elif review.stage == "held":
                self.decide(worker, "amend")
            elif review.stage == "amending":
                self.move_on(REPRESENTATION_DAYS)
                self.issue_amended_plan(worker)

    @invariant()
    def the_review_and_the_plan_agree(self):
        if not hasattr(self, "pk"):
            return
        review = self._review()
        assert review.stage in ANNUAL_REVIEW.states
        self.common_invariants(review)
        if review.stage in ("held", "amending", "closed"):
            assert review.held_on and review.meeting_arranged_on
        if review.stage == "amending":
            assert review.amendment.state == "sent" and review.decision == "amend"
        if review.stage == "closed" and review.decision == "amend":
            assert review.amendment.state in ("issued", "superseded")
            assert review.amended_plan_issued_on >= review.amendments_sent_on + timedelta(days=REPRESENTATION_DAYS)
        if review.decision == "cease":
            assert review.plan.cessations.filter(review=review).exists()


class Transfer(PlanProcess):
    @initialize(lawful=st.sampled_from((0, 4)))
    def transfer(self, lawful=0):
        self.plan = make_plan_in_force(self.users, self.school, self.day)
        self.new_school = make_school(name="Hilltop High", phase="SECONDARY", age_low=11, age_high=16)
        self.pk = rv.add_phase_transfer(
            actor=self.users["caseworker"],
            plan=self.plan,
            kind="school",
            transfer_on=TODAY + timedelta(days=200),
            identified_on=self.day,
        ).pk
        self.the_next_lawful_steps(lawful)

    def _transfer(self):
        return PhaseTransfer.objects.get(pk=self.pk)

    def _step(self, step, role, call):
        return self.attempt(PHASE_TRANSFER, lambda: state(PhaseTransfer, self.pk), step, role, call)

    @rule(role=mostly_staff)
    def record_preferences(self, role):
        self._step(
            "record_preferences",
            role,
            lambda actor: rv.record_preferences(
                actor=actor, transfer=self._transfer(), establishments=[self.new_school], gathered_on=self.day
            ),
        )

    @rule(role=mostly_staff)
    def consult_setting(self, role):
        self._step(
            "consult_setting",
            role,
            lambda actor: rv.consult_setting(
                actor=actor, transfer=self._transfer(), establishment=self.new_school, sent_on=self.day
            ),
        )

    @rule(role=mostly_staff)
    def record_consultation_reply(self, role):
        consultation = self._transfer().consultations.first()
        if consultation is not None:
            self._step(
                "record_consultation_reply",
                role,
                lambda actor: rv.record_consultation_reply(
                    actor=actor, consultation=consultation, reply_on=self.day, outcome="can_meet"
                ),
            )

    @rule(role=mostly_staff)
    def amend_for_transfer(self, role):
        self._step(
            "amend_for_transfer",
            role,
            lambda actor: rv.amend_for_transfer(
                actor=actor, transfer=self._transfer(), establishment=self.new_school, amended_on=self.day
            ),
        )

    @rule(steps=st.integers(1, 5))
    def the_next_lawful_steps(self, steps):
        worker = "caseworker"
        for _ in range(steps):
            transfer = self._transfer()
            if transfer.stage == "preferences":
                self.record_preferences(worker)
                self.consult_setting(worker)
            elif transfer.stage == "consulting" and not transfer.consultations.filter(outcome="can_meet").exists():
                self.record_consultation_reply(worker)
            elif transfer.stage == "consulting" and plan_queries.editable_version(self._plan()) is None:
                self.send_amendments(worker, "phase_transfer")
            elif transfer.stage == "consulting":
                self.move_on(REPRESENTATION_DAYS)
                self.amend_for_transfer(worker)

    @invariant()
    def the_transfer_and_the_plan_agree(self):
        if not hasattr(self, "pk"):
            return
        transfer = self._transfer()
        assert transfer.stage in PHASE_TRANSFER.states
        self.common_invariants(transfer)
        assert (transfer.stage == "amended") == (transfer.version_id is not None)
        if transfer.stage == "amended":
            assert transfer.version.sections["I"]["name"] == self.new_school.name


class Reassess(PlanProcess):
    @initialize(lawful=st.sampled_from((0, 3)))
    def request(self, lawful=0):
        self.plan = make_plan_in_force(self.users, self.school, self.day)
        self.day += timedelta(days=200)
        self.pk = rv.request_reassessment(
            actor=self.users["caseworker"], plan=self.plan, received_on=self.day, requested_by="parent"
        ).pk
        self.the_next_lawful_steps(lawful)

    def _item(self):
        return Reassessment.objects.get(pk=self.pk)

    def _step(self, step, role, call):
        return self.attempt(REASSESSMENT, lambda: state(Reassessment, self.pk), step, role, call)

    @rule(role=mostly_staff, decision=st.sampled_from(("reassess", "reassess", "refuse")))
    def decide(self, role, decision):
        self._step(
            "decide_reassessment",
            role,
            lambda actor: rv.decide_reassessment(
                actor=actor, reassessment=self._item(), decision=decision, decided_on=self.day, reasons="Needs changed"
            ),
        )

    @rule(role=mostly_staff)
    def issue(self, role):
        self._step(
            "issue_reassessed_plan",
            role,
            lambda actor: rv.issue_reassessed_plan(actor=actor, reassessment=self._item(), issued_on=self.day),
        )

    @rule(steps=st.integers(1, 3))
    def the_next_lawful_steps(self, steps):
        worker = "caseworker"
        for _ in range(steps):
            item = self._item()
            if item.stage == "deciding":
                self.decide(worker, "reassess")
            elif item.stage == "reassessing" and plan_queries.editable_version(self._plan()) is None:
                self.send_amendments(worker, "reassessment")
            elif item.stage == "reassessing":
                self.move_on(REPRESENTATION_DAYS)
                self.issue(worker)

    @invariant()
    def the_reassessment_and_the_plan_agree(self):
        if not hasattr(self, "pk"):
            return
        item = self._item()
        assert item.stage in REASSESSMENT.states
        self.common_invariants(item)
        assert (item.stage == "done") == (item.version_id is not None)
        if item.stage in ("reassessing", "done"):
            assert item.decision == "reassess" and item.decided_on >= item.received_on
        if item.stage == "refused":
            assert item.closed_on == item.decided_on


@pytest.mark.django_db
@pytest.mark.parametrize(
    "machine,reached",
    [(Review, "AnnualReview:closed"), (Transfer, "PhaseTransfer:amended"), (Reassess, "Reassessment:done")],
    ids=["review", "transfer", "reassess"],
)
def test_review_machines(machine, reached):
    setup(machine)
    run_state_machine_as_test(machine, settings=SETTINGS)
    assert reached in REACHED
    if machine is Review:
        assert "SchoolReviewReport:submitted" in REACHED
