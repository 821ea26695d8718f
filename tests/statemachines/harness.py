"""What every stateful test of a statutory process shares: users of every role, a synthetic child, a
day that moves forward, `attempt` (call a service as a role and check the outcome against the process's
state machine) and the invariants that must hold after every step, whatever the process.

The state machines (highneeds.engine.clock.machines) say which steps are allowed from which state; the
services enforce them. `attempt` checks both directions: a step the machine or the permissions refuse
leaves the record as it was, and a step that succeeds was allowed, for that role, from that state.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine

from highneeds.accounts.roles import SYSTEM
from highneeds.engine import planquality
from highneeds.engine.clock.machines import NEW, REPRESENTATION_DAYS

# Modest runs: the whole set takes about a minute on SQLite.
# Derandomized: the same sequences every run, so a run that reaches the end of a process always does.
SETTINGS = settings(
    max_examples=8,
    stateful_step_count=14,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

ROLES = (
    "caseworker",
    "manager",
    "parent",
    "senco",
    "panel_member",
    "strategic_lead",
    "professional",
    "finance",
    "admin",
)
STAFF = frozenset({"caseworker", "manager"})
roles = st.sampled_from(ROLES)
# Mostly the people who do casework, so that processes get somewhere; every role is tried.
mostly_staff = st.one_of(st.sampled_from(("caseworker", "manager")), roles)

_names = itertools.count(1)
TODAY = date.today()


def make_users(school) -> dict:
    """One user of every role; the SENCO works at `school`."""
    from highneeds.accounts.services import create_user

    n = next(_names)
    return {
        role: create_user(
            actor=SYSTEM,
            username=f"sm-{role}-{n}",
            password="correct horse battery staple",
            role=role,
            first_name="Sam",
            last_name=role.title(),
            establishment=school if role == "senco" else None,
        )
        for role in ROLES
    }


def make_child(users: dict, *, school, sen_status: str = "K"):
    """A synthetic child on roll at `school` (where the SENCO works), with the parent user linked."""
    from highneeds.people import services as people

    n = next(_names)
    child = people.create_child(
        actor=SYSTEM,
        data={
            "first_name": f"Statechild{n}",
            "last_name": "Samplefield",
            "date_of_birth": date(2015, 3, 4),
            "sex": "M",
            "responsible_la": "999",
        },
    )
    people.set_sen_status(actor=SYSTEM, child=child, status=sen_status, on=date(2020, 9, 1))
    people.set_needs(actor=SYSTEM, child=child, need_codes=["SLCN"])
    people.add_placement(
        actor=SYSTEM, child=child, establishment=school, placement_type="ON_ROLL", start_date=date(2021, 9, 1)
    )
    people.add_parent(
        actor=SYSTEM,
        child=child,
        first_name="Pat",
        last_name="Samplefield",
        parental_responsibility=True,
        user=users["parent"],
    )
    return child


def make_school(**fields):
    from highneeds.establishments.services import save_establishment

    n = next(_names)
    return save_establishment(
        actor=SYSTEM,
        data={
            "name": f"Statebrook School {n}",
            "establishment_type": "MS_LA",
            "phase": "PRIMARY",
            "urn": 700000 + n,
            "la_code": "999",
            "la_name": "Exampleshire",
            "age_low": 4,
            "age_high": 11,
            **fields,
        },
    )


def setup(machine_class) -> None:
    """Users of every role and a school, made once per test (each example makes its own child)."""
    machine_class.school = make_school()
    machine_class.users = make_users(machine_class.school)


COMPLETE_F = [
    {
        "id": "f1",
        "what": "Speech and language therapy programme",
        "who": "Speech and language therapist",
        "expertise": "HCPC registered",
        "frequency": "Weekly",
        "duration": "30 minutes a session",
        "group_size": "1:1",
        "needs": ["b1"],
        "outcomes": [],
    }
]
VAGUE_F = [
    {
        "id": "f1",
        "what": "Access to speech therapy as needed",
        "who": "",
        "expertise": "",
        "frequency": "regular",
        "duration": "",
        "group_size": "",
        "needs": ["b1"],
        "outcomes": [],
    }
]
NEED_B = [{"id": "b1", "area": "communication_interaction", "code": "SLCN", "text": "Finds it hard to be understood"}]


class ProcessMachine(RuleBasedStateMachine):
    """A process's stateful test. Subclasses set `users` and `school` (class attributes, made once per test)."""

    users: dict = {}
    school = None

    def __init__(self):
        super().__init__()
        self.day = TODAY - timedelta(days=330)
        self.refused = 0

    # -- the day moves on; never past today (services refuse future dates) --------------------------------
    def move_on(self, days: int) -> None:
        self.day = min(TODAY, self.day + timedelta(days=days))

    # -- calling a service as a role ------------------------------------------------------------------
    def attempt(self, machine, state_of, step: str, role: str, call, *, allowed_roles=STAFF):
        """Call `call(actor)` as `role` and check the result against `machine` and the roles allowed.

        Refused (PermissionDenied or ValidationError): nothing changed. An out-of-order step was refused with
        a message naming it. Done: the role may do it, the step was allowed from the state before, and the
        state after is one the step leads to."""
        before = state_of()
        try:
            result = call(self.users[role])
        except PermissionDenied:
            assert role not in allowed_roles, f"{role} was refused {step}, which the role may do"
            assert state_of() == before
            self.refused += 1
            return None
        except ValidationError as error:
            assert state_of() == before, f"{step} was refused but the state moved from {before!r}"
            if before not in machine.steps[step].sources:
                assert machine.steps[step].label in str(error), f"{step} refused without naming it: {error}"
            self.refused += 1
            return None
        assert role in allowed_roles, f"{role} did {step}, which the role may not"
        assert before in machine.steps[step].sources, f"{step} was allowed from {before!r}"
        after = state_of()
        assert after in (machine.steps[step].targets or (before,)), f"{step} led from {before!r} to {after!r}"
        return result


def state(model, pk, field: str = "stage") -> str:
    """A record's state read afresh from the database (NEW when it does not exist)."""
    if pk is None:
        return NEW
    value = model.objects.filter(pk=pk).values_list(field, flat=True).first()
    return NEW if value is None else value


# ---------------------------------------------------------------------------------------------------------
# Invariants for every process: a plan is never final without its legal predecessors, and the case,
# the child's SEN status, the plan and its history always agree.


def check_plans(child) -> None:
    from highneeds.audit.models import AuditEvent
    from highneeds.casework.models import CaseEvent
    from highneeds.plans.models import Plan

    child.refresh_from_db()
    plans = list(Plan.objects.filter(child=child).prefetch_related("versions"))
    assert sum(p.status != "ceased" for p in plans) <= 1
    for plan in plans:
        versions = list(plan.versions.all())
        issued = [v for v in versions if v.state == "issued"]
        if plan.status == "draft":
            assert not issued and not any(v.state == "superseded" for v in versions)
        if plan.status == "final":
            assert len(issued) == 1, f"a plan in force has {len(issued)} issued versions"
            assert child.sen_status == "E", "a plan in force but the child's SEN status is " + child.sen_status
        if plan.status == "ceased":
            assert plan.ceased_on and plan.cease_reason
            assert not any(v.state in ("editing", "sent") for v in versions)
        for version in versions:
            if version.state not in ("issued", "superseded"):
                continue
            assert version.issued_on is not None
            assert not planquality.issue_blockers(version.sections), f"an issued plan lacks content: {version.pk}"
            assert AuditEvent.objects.filter(action="plan.issue", object_id=str(version.pk)).exists()
            if version.kind == "final" and plan.request_id:  # the first plan: its assessment's predecessors
                request = plan.request
                assert request.status == "plan_issued"
                assert request.decisions.filter(kind="issue", outcome=True).exists()
                assert request.advice_requests.filter(received_on__isnull=False).exists()
                events = {e.event_type: e.occurred_on for e in CaseEvent.objects.filter(request=request)}
                assert events.get("final_plan_issued") == version.issued_on
                assert "draft_plan_sent" in events
                assert version.issued_on >= events["draft_plan_sent"] + timedelta(days=REPRESENTATION_DAYS)
            elif version.kind == "amended_final" and version.source != "tribunal_order":
                assert version.sent_on is not None
                assert version.issued_on >= version.sent_on + timedelta(days=REPRESENTATION_DAYS)
    if not any(p.status == "final" for p in plans) and any(p.status == "ceased" for p in plans):
        assert child.sen_status != "E", "every plan ceased but the child still has EHC plan status"


def make_plan_in_force(users: dict, school, issued_on: date):
    """A child with a plan in force that says what it must (a plan made before highneeds, loaded directly)."""
    from highneeds.plans import sections
    from highneeds.plans.models import Plan, PlanVersion

    child = make_child(users, school=school, sen_status="E")
    words = sections.blank()
    words["B"]["needs"] = [dict(n) for n in NEED_B]
    words["F"]["items"] = [dict(i) for i in COMPLETE_F]
    words["I"] = {"name": school.name, "type": school.type_label}
    plan = Plan.objects.create(child=child, status="final", first_issued_on=issued_on)
    version = PlanVersion.objects.create(
        plan=plan, number=1, kind="final", state="issued", sections=words, issued_on=issued_on, establishment=school
    )
    from highneeds.audit import log

    log.record(actor=SYSTEM, action="plan.issue", obj=version, child=child, after={"loaded": True})
    return plan
