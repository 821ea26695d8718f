"""Plan versions and amendments: random sequences of amending, editing, sending, issuing and ceasing, as
random roles, with the invariants checked after every step."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule, run_state_machine_as_test

from highneeds.engine.clock.machines import PLAN, PLAN_VERSION, REPRESENTATION_DAYS
from highneeds.plans import queries as plan_queries
from highneeds.plans import services as plans
from highneeds.plans.models import Plan, PlanVersion

from .harness import (
    COMPLETE_F,
    NEED_B,
    SETTINGS,
    VAGUE_F,
    ProcessMachine,
    check_plans,
    make_plan_in_force,
    mostly_staff,
    setup,
    state,
)

REACHED: set[str] = set()


class Amendments(ProcessMachine):
    @initialize(lawful=st.sampled_from((0, 3)))
    def plan_in_force(self, lawful=0):
        self.plan = make_plan_in_force(self.users, self.school, self.day)
        self.version_pk = None
        self.the_next_lawful_steps(lawful)

    def _plan(self):
        return Plan.objects.get(pk=self.plan.pk)

    def _version(self):
        return PlanVersion.objects.get(pk=self.version_pk) if self.version_pk else None

    def _version_state(self):
        return state(PlanVersion, self.version_pk, "state")

    @rule(days=st.integers(1, 30))
    def days_pass(self, days):
        self.move_on(days)

    @rule(role=mostly_staff, source=st.sampled_from(("annual_review", "tribunal_order", "other")))
    def start_amendment(self, role, source):
        version = self.attempt(
            PLAN,
            lambda: state(Plan, self.plan.pk, "status"),
            "amend",
            role,
            lambda actor: plans.start_amendment(actor=actor, plan=self._plan(), source=source, started_on=self.day),
        )
        if version is not None:
            self.version_pk = version.pk

    @rule(role=mostly_staff, complete=st.booleans())
    def edit(self, role, complete):
        if self.version_pk:

            def write(actor):
                plans.save_items(actor=actor, version=self._version(), section="B", items=NEED_B)
                return plans.save_items(
                    actor=actor, version=self._version(), section="F", items=COMPLETE_F if complete else VAGUE_F
                )

            self.attempt(PLAN_VERSION, self._version_state, "edit", role, write)

    @rule(role=mostly_staff)
    def send(self, role):
        if self.version_pk:
            self.attempt(
                PLAN_VERSION,
                self._version_state,
                "send",
                role,
                lambda actor: plans.send_proposed_amendments(actor=actor, version=self._version(), sent_on=self.day),
            )

    @rule(role=mostly_staff)
    def issue(self, role):
        version = self._version()
        if version is None:
            return
        step = "issue_as_ordered" if version.source == "tribunal_order" else "issue"
        self.attempt(
            PLAN_VERSION,
            self._version_state,
            step,
            role,
            lambda actor: plans.issue_version(actor=actor, version=self._version(), issued_on=self.day),
        )

    @rule(role=mostly_staff, now=st.integers(0, 3))
    def cease(self, role, now):
        if now:  # rarely: ceasing ends the process
            return
        self.attempt(
            PLAN,
            lambda: state(Plan, self.plan.pk, "status"),
            "cease",
            role,
            lambda actor: plans.mark_ceased(actor=actor, plan=self._plan(), ceased_on=self.day, reason="2"),
        )

    @rule(steps=st.integers(1, 6))
    def the_next_lawful_steps(self, steps):
        """The caseworker amends the plan the lawful way: start, write, send, wait 15 days, issue."""
        for _ in range(steps):
            version, worker = self._version(), "caseworker"
            if version is None or version.state in ("issued", "superseded", "withdrawn"):
                self.start_amendment(worker, "annual_review")
            elif version.state == "editing":
                self.edit(worker, True)
                self.send(worker)
            elif version.state == "sent":
                self.move_on(REPRESENTATION_DAYS)
                self.issue(worker)

    @invariant()
    def versions_the_plan_and_the_child_agree(self):
        if not hasattr(self, "plan"):
            return
        plan = self._plan()
        assert plan.status in PLAN.states
        states = list(plan.versions.values_list("state", flat=True))
        assert all(s in PLAN_VERSION.states for s in states)
        assert sum(s in ("editing", "sent") for s in states) <= 1
        check_plans(plan.child)
        REACHED.update(f"{v.kind}:{v.state}" for v in plan.versions.all())
        if plan.status == "ceased":
            assert plan_queries.editable_version(plan) is None


@pytest.mark.django_db
def test_amendment_machine():
    setup(Amendments)
    run_state_machine_as_test(Amendments, settings=SETTINGS)
    assert {"amended_final:issued", "final:superseded"} <= REACHED
