"""Cessation, mediation and appeal: random sequences of service calls as random roles, with the invariants
checked after every step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule, run_state_machine_as_test

from highneeds.disputes import flows, queries
from highneeds.disputes import services as ds
from highneeds.disputes.models import Appeal, Cessation, DecisionNotice, Mediation
from highneeds.engine.clock.machines import APPEAL, CESSATION, MEDIATION, NEW
from highneeds.plans.models import Plan

from .harness import SETTINGS, ProcessMachine, check_plans, make_plan_in_force, mostly_staff, setup, state

REACHED: set[str] = set()
OUTCOMES = st.sampled_from(("dismissed", "allowed", "conceded", "withdrawn"))


def appeal_state(notice_pk) -> str:
    appeal = Appeal.objects.filter(notice_id=notice_pk).order_by("-lodged_on", "-id").first()
    return queries.appeal_state(appeal) if appeal else NEW


class Disagreement(ProcessMachine):
    """A plan in force and the family's disagreement with a decision (its notice): mediation, then appeal."""

    matter = "plan_content"

    def start(self):
        self.plan = make_plan_in_force(self.users, self.school, self.day)
        self.day += timedelta(days=60)

    def _notice(self):
        return DecisionNotice.objects.get(pk=self.notice_pk)

    @rule(days=st.integers(1, 40))
    def days_pass(self, days):
        self.move_on(days)

    # -- appeals (the notice's latest) ----------------------------------------------------------------
    def _appeal(self):
        return Appeal.objects.filter(notice_id=self.notice_pk).order_by("-lodged_on", "-id").first()

    def _appeal_step(self, step, role, call):
        if getattr(self, "notice_pk", None):
            return self.attempt(APPEAL, lambda: appeal_state(self.notice_pk), step, role, call)

    @rule(role=mostly_staff)
    def lodge_appeal(self, role):
        matters = ["cessation"] if self.matter == "cessation" else ["section_f"]
        self._appeal_step(
            "lodge_appeal",
            role,
            lambda actor: ds.lodge_appeal(actor=actor, notice=self._notice(), matters=matters, lodged_on=self.day),
        )

    @rule(role=mostly_staff)
    def record_appeal_response(self, role):
        if self._appeal() is not None:
            self._appeal_step(
                "record_appeal_response",
                role,
                lambda actor: ds.record_appeal_response(actor=actor, appeal=self._appeal(), sent_on=self.day),
            )

    @rule(role=mostly_staff, outcome=OUTCOMES)
    def record_appeal_outcome(self, role, outcome):
        if self._appeal() is not None:
            self._appeal_step(
                "record_appeal_outcome",
                role,
                lambda actor: ds.record_appeal_outcome(
                    actor=actor, appeal=self._appeal(), outcome=outcome, outcome_on=self.day
                ),
            )

    @rule(role=mostly_staff)
    def add_order(self, role):
        appeal = self._appeal()
        if appeal is not None:
            kind = "concede_content" if appeal.outcome == "conceded" else "amend_plan"
            self._appeal_step(
                "add_order",
                role,
                lambda actor: ds.add_order(actor=actor, appeal=self._appeal(), kind=kind, made_on=self.day),
            )

    def appeal_invariants(self):
        appeals = list(Appeal.objects.filter(notice_id=self.notice_pk))
        assert sum(not a.decided for a in appeals) <= 1, "two open appeals against one decision"
        for appeal in appeals:
            REACHED.add(f"appeal:{queries.appeal_state(appeal)}")
            assert appeal.decided == (appeal.outcome_on is not None)
            assert appeal.lodged_on >= self._notice().sent_on
            for order in appeal.orders.all():
                assert queries.appeal_state(appeal) == "upheld", "an order on an appeal not allowed or conceded"
                assert order.kind.startswith("concede_") == (appeal.outcome == "conceded")


class MediationAndAppeal(Disagreement):
    @initialize(lawful=st.sampled_from((0, 2, 5)))
    def notice(self, lawful=0):
        self.start()
        self.notice_pk = ds.record_decision_notice(
            actor=self.users["caseworker"], child=self.plan.child, matter=self.matter, sent_on=self.day
        ).pk
        self.the_next_lawful_steps(lawful)

    def _step(self, step, role, call):
        return self.attempt(
            MEDIATION,
            lambda: state(
                Mediation, Mediation.objects.filter(notice_id=self.notice_pk).values_list("pk", flat=True).first()
            ),
            step,
            role,
            call,
        )

    @rule(role=mostly_staff)
    def record_adviser_contact(self, role):
        self._step(
            "record_adviser_contact",
            role,
            lambda actor: ds.record_adviser_contact(actor=actor, notice=self._notice(), contacted_on=self.day),
        )

    @rule(role=mostly_staff)
    def record_mediation_declined(self, role):
        self._step(
            "record_mediation_declined",
            role,
            lambda actor: ds.record_mediation_declined(actor=actor, notice=self._notice(), declined_on=self.day),
        )

    @rule(role=mostly_staff, health_only=st.booleans())
    def record_mediation_request(self, role, health_only):
        self._step(
            "record_mediation_request",
            role,
            lambda actor: ds.record_mediation_request(
                actor=actor,
                notice=self._notice(),
                requested_on=self.day,
                issues="Section F",
                health_in_dispute=health_only,
                health_only=health_only,
            ),
        )

    @rule(role=mostly_staff)
    def record_icbs_told(self, role):
        self._step(
            "record_icbs_told",
            role,
            lambda actor: ds.record_icbs_told(actor=actor, notice=self._notice(), told_on=self.day),
        )

    @rule(role=mostly_staff)
    def record_mediation_arranged(self, role):
        self._step(
            "record_mediation_arranged",
            role,
            lambda actor: ds.record_mediation_arranged(
                actor=actor, notice=self._notice(), arranged_on=self.day, mediation_on=self.day + timedelta(days=10)
            ),
        )

    @rule(role=mostly_staff)
    def record_mediation_held(self, role):
        self._step(
            "record_mediation_held",
            role,
            lambda actor: ds.record_mediation_held(
                actor=actor, notice=self._notice(), held_on=self.day, outcome="partly"
            ),
        )

    @rule(role=mostly_staff)
    def record_certificate(self, role):
        self._step(
            "record_certificate",
            role,
            lambda actor: ds.record_certificate(actor=actor, notice=self._notice(), issued_on=self.day),
        )

    @rule(steps=st.integers(1, 6))
    def the_next_lawful_steps(self, steps):
        worker = "caseworker"
        for _ in range(steps):
            mediation = Mediation.objects.filter(notice_id=self.notice_pk).first()
            stage = mediation.stage if mediation else NEW
            {
                NEW: lambda: self.record_adviser_contact(worker),
                "contacted": lambda: self.record_mediation_request(worker, False),
                "requested": lambda: self.record_mediation_arranged(worker),
                "arranged": lambda: (self.move_on(10), self.record_mediation_held(worker)),
                "held": lambda: self.record_certificate(worker),
                "certificate": lambda: self.lodge_appeal(worker),
            }.get(stage, lambda: None)()

    @invariant()
    def mediation_follows_the_regulations(self):
        if not hasattr(self, "notice_pk"):
            return
        self.appeal_invariants()
        mediation = Mediation.objects.filter(notice_id=self.notice_pk).first()
        if mediation is None:
            return
        REACHED.add(f"mediation:{mediation.stage}")
        assert mediation.stage in MEDIATION.states
        assert mediation.adviser_contacted_on >= self._notice().sent_on
        if mediation.stage in ("requested", "arranged", "held"):
            assert mediation.requested_on >= mediation.adviser_contacted_on
        if mediation.held_on:
            assert mediation.requested_on and mediation.held_on >= mediation.requested_on
        if mediation.stage == "certificate":
            before = mediation.held_on or mediation.declined_on or mediation.requested_on
            assert before is not None and mediation.certificate_on >= before
            if mediation.held_on or mediation.declined_on:  # the clock's 3 working days start from these
                steps = {d["step"].split(":")[0]: d for d in self._notice().deadlines}
                assert steps["mediation_certificate"]["done"] == mediation.certificate_on.isoformat()


class Cease(Disagreement):
    matter = "cessation"

    @initialize(lawful=st.sampled_from((0, 3, 6)))
    def propose(self, lawful=0):
        self.start()
        self.notice_pk = None
        self.pk = ds.start_cessation(
            actor=self.users["caseworker"], plan=self.plan, proposed_on=self.day, reason="2"
        ).pk
        self.the_next_lawful_steps(lawful)

    def _cessation(self):
        return Cessation.objects.get(pk=self.pk)

    def _step(self, step, role, call):
        return self.attempt(CESSATION, lambda: state(Cessation, self.pk, "status"), step, role, call)

    @rule(role=mostly_staff, who=st.sampled_from(("family", "setting")))
    def consult(self, role, who):
        self._step(
            "record_cessation_consultation",
            role,
            lambda actor: ds.record_cessation_consultation(
                actor=actor, cessation=self._cessation(), who=who, consulted_on=self.day
            ),
        )

    @rule(role=mostly_staff, who=st.sampled_from(("family", "setting")))
    def response(self, role, who):
        self._step(
            "record_cessation_response",
            role,
            lambda actor: ds.record_cessation_response(
                actor=actor, cessation=self._cessation(), who=who, response_on=self.day, response="Agree"
            ),
        )

    @rule(role=mostly_staff, cease=st.booleans())
    def decide(self, role, cease):
        self._step(
            "decide_cessation",
            role,
            lambda actor: ds.decide_cessation(
                actor=actor,
                cessation=self._cessation(),
                decided_on=self.day,
                cease=cease,
                reasons="Needs met",
                takes_effect_on=self.day + timedelta(days=1),
            ),
        )
        self.notice_pk = self._cessation().notice_id

    @rule(role=mostly_staff)
    def confirm_no_appeal(self, role):
        self._step(
            "confirm_no_appeal",
            role,
            lambda actor: ds.confirm_no_appeal(
                actor=actor, cessation=self._cessation(), confirmed_on=self.day, note="Parent said so by phone"
            ),
        )

    @rule(role=mostly_staff)
    def apply(self, role):
        self._step(
            "apply_cessation",
            role,
            lambda actor: flows.apply_cessation(actor=actor, cessation=self._cessation(), ceased_on=self.day),
        )

    @rule(role=mostly_staff, now=st.integers(0, 3))
    def withdraw(self, role, now):
        if not now:  # rarely: withdrawing ends the process
            self._step(
                "withdraw_cessation",
                role,
                lambda actor: ds.withdraw_cessation(
                    actor=actor, cessation=self._cessation(), withdrawn_on=self.day, reason="Needs changed"
                ),
            )

    @rule(steps=st.integers(1, 6))
    def the_next_lawful_steps(self, steps):
        worker = "caseworker"
        for _ in range(steps):
            cessation = self._cessation()
            if cessation.status == "consulting" and not cessation.family_consulted_on:
                self.consult(worker, "family")
            elif cessation.status == "consulting" and not cessation.setting_consulted_on:
                self.consult(worker, "setting")
            elif cessation.status == "consulting":
                self.move_on(5)
                self.decide(worker, True)
            elif cessation.status == "notice_sent" and not cessation.no_appeal_confirmed_on:
                self.move_on(2)
                self.confirm_no_appeal(worker)
            elif cessation.status == "notice_sent":
                self.move_on(2)
                self.apply(worker)

    @invariant()
    def the_cessation_the_plan_and_the_child_agree(self):
        if not hasattr(self, "pk"):
            return
        cessation = self._cessation()
        plan = Plan.objects.get(pk=self.plan.pk)
        REACHED.add(f"cessation:{cessation.status}")
        assert cessation.status in CESSATION.states
        check_plans(plan.child)
        assert (plan.status == "ceased") == (cessation.status == "ceased")
        if cessation.status not in ("consulting", "withdrawn"):
            assert cessation.family_consulted_on and cessation.decided_on >= cessation.family_consulted_on
            assert cessation.setting_consulted_on  # the plan names a school: its head is consulted (R 31)
        if cessation.status in ("notice_sent", "held", "ceased", "overturned"):
            assert cessation.notice_id is not None
            self.appeal_invariants()
        if cessation.status == "held":
            assert Appeal.objects.filter(notice_id=cessation.notice_id, outcome="").exists()
        if cessation.status == "ceased":
            assert plan.child.sen_status != "E" and plan.ceased_on == cessation.ceased_on
            # The appeals lodged before it ceased (a late appeal may follow; it cannot undo the past step).
            if not hasattr(self, "appeals_when_ceased"):
                self.appeals_when_ceased = set(
                    Appeal.objects.filter(notice_id=cessation.notice_id).values_list("pk", flat=True)
                )
            appeals = list(Appeal.objects.filter(pk__in=self.appeals_when_ceased))
            assert all(a.outcome in ("dismissed", "withdrawn") for a in appeals)
            deadline = cessation.notice.due("appeal_deadline")
            assert appeals or cessation.no_appeal_confirmed_on or cessation.ceased_on > deadline
            assert cessation.ceased_on >= cessation.takes_effect_on


@pytest.mark.django_db
@pytest.mark.parametrize(
    "machine,reached",
    [(Cease, {"cessation:ceased"}), (MediationAndAppeal, {"mediation:certificate", "appeal:open"})],
    ids=["cessation", "mediation-appeal"],
)
def test_disagreement_machines(machine, reached):
    setup(machine)
    run_state_machine_as_test(machine, settings=SETTINGS)
    assert reached <= REACHED
