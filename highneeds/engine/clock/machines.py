"""The statutory processes as small, declarative state machines (pure: no Django).

Each machine lists its states and, for every step a service can take, the states it may be taken
from and the states it can lead to. Services call `Machine.check(state, step)` before they write,
so an out-of-order step is refused with a message naming the step (`StepRefused`).

The machines hold only the *stage* of a record. The legal order of dated events inside a stage is
the clock's (`vocabulary.EVENT_SPECS[...].needs`): a step that records a clock event names it in
`Step.event`, and `predecessors(event)` reads what the clock says must come first, so the order is
stated once. `tests/engine/test_machines.py` checks that every machine agrees with the clock.
Diagrams: docs/casework.md, docs/plans.md, docs/reviews.md, docs/disagreement.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from highneeds.engine.clock.steps import STEP_RULES
from highneeds.engine.clock.vocabulary import EVENT_SPECS

NEW = ""
# The family's days to comment on a draft or proposed amendments, "beginning with" the day it was sent
# (R 13(1)(a), R 22(2)(c)): the clock's earliest_finalisation rule is the one home of the number.
REPRESENTATION_DAYS = next(
    r for r in STEP_RULES if r.name == "earliest_finalisation"
).limit.amount  # the state of a record that does not exist yet


class StepRefused(ValueError):
    """A step taken out of order. `str()` is the message for the person who tried it."""

    def __init__(self, machine: str, step: str, state: str, message: str):
        super().__init__(message)
        self.machine, self.step, self.state = machine, step, state


@dataclass(frozen=True)
class Step:
    label: str  # "Send the draft plan": named in the refusal
    sources: tuple[str, ...]  # states it may be taken from
    targets: tuple[str, ...] = ()  # states it can lead to (empty: the state does not change)
    event: str | None = None  # the clock event it records, if any


@dataclass(frozen=True)
class Machine:
    name: str
    noun: str  # "this request", "this version": used in messages
    states: dict[str, str]  # state -> label
    steps: dict[str, Step]
    hints: dict[str, str] = field(default_factory=dict)  # state -> what to do instead, added to refusals

    def __post_init__(self):
        known = set(self.states) | {NEW}
        for name, step in self.steps.items():
            unknown = (set(step.sources) | set(step.targets)) - known
            if unknown:
                raise ValueError(f"{self.name}.{name}: unknown states {sorted(unknown)}")
            if step.event is not None and step.event not in EVENT_SPECS:
                raise ValueError(f"{self.name}.{name}: {step.event} is not a clock event")

    def allowed(self, state: str) -> list[str]:
        return [name for name, step in self.steps.items() if state in step.sources]

    def check(self, state: str, step: str, to: str | None = None) -> None:
        """Refuse `step` from `state` (or into `to`, where the outcome decides the next state)."""
        rule = self.steps[step]
        if state not in rule.sources:
            where = self.states.get(state, "not started") if state else "not started"
            hint = self.hints.get(state, "")
            raise StepRefused(
                self.name,
                step,
                state,
                f"{rule.label}: that step is not possible now, {self.noun} is "
                f"{where.lower()}" + (f". {hint}" if hint else ""),
            )
        if to is not None and to not in (rule.targets or (state,)):
            raise StepRefused(self.name, step, state, f"{rule.label}: cannot lead to {self.states.get(to, to)}")

    def transitions(self) -> list[tuple[str, str, str]]:
        """(from, step, to) for every transition: the table in the docs."""
        return [
            (src, name, dst)
            for name, step in self.steps.items()
            for src in step.sources
            for dst in (step.targets or (src,))
        ]


def predecessors(event: str, *, with_clock: bool = True) -> list[tuple[str, tuple[str, str] | None]]:
    """Every event the clock requires before `event`, transitively: (type, (field, value) or None)."""
    out: list[tuple[str, tuple[str, str] | None]] = []
    todo = [event]
    while todo:
        for need in EVENT_SPECS[todo.pop()].needs:
            if need.only_with_clock and not with_clock:
                continue
            item = (need.event, need.where)
            if item not in out:
                out.append(item)
                todo.append(need.event)
    return out


def missing_predecessors(event: str, history: list[dict], *, with_clock: bool = True) -> list[str]:
    """The clock events that must come before `event` but are not in `history` (dicts with "type")."""
    missing = []
    for etype, where in predecessors(event, with_clock=with_clock):
        if not any(e.get("type") == etype and (where is None or e.get(where[0]) == where[1]) for e in history):
            missing.append(etype if where is None else f"{etype} ({where[0]} {where[1]})")
    return missing


_OPEN_REQUEST = ("pending", "assess", "draft")

ASSESSMENT = Machine(
    "assessment",
    "this request",
    states={
        "pending": "Deciding whether to assess",
        "assess": "Assessing",
        "draft": "Draft plan sent",
        "not_assess": "Decided not to assess",
        "plan_issued": "Plan issued",
        "not_issued": "Decided not to issue a plan",
        "withdrawn": "Withdrawn",
    },
    steps={
        "decide_whether_to_assess": Step(
            "Decide whether to assess", ("pending",), ("assess", "not_assess"), "decision_to_assess"
        ),
        "request_advice": Step("Ask for advice", ("assess", "draft"), event="advice_requested"),
        "submit_advice": Step("Give advice", ("assess", "draft"), event="advice_received"),
        "record_exception": Step("Record an exception", _OPEN_REQUEST),
        "consult_school": Step("Consult a school or college", ("assess", "draft"), event="school_consultation_sent"),
        "record_consultation_response": Step(
            "Record the school's reply", ("assess", "draft"), event="school_consultation_response"
        ),
        "decide_whether_to_issue": Step(
            "Decide whether to issue a plan", ("assess",), ("assess", "not_issued"), "decision_not_to_issue"
        ),
        "send_draft_plan": Step("Send the draft plan", ("assess",), ("draft",), "draft_plan_sent"),
        "record_representation": Step("Record the family's views on the draft", ("draft",)),
        "issue_final_plan": Step("Issue the final plan", ("draft",), ("plan_issued",), "final_plan_issued"),
        "withdraw_request": Step("Withdraw the request", _OPEN_REQUEST, ("withdrawn",), "request_withdrawn"),
    },
)

# One version of a plan: a draft (or proposed amendments) is written, sent for the family's 15 days,
# then issued; issuing the next version supersedes it.
PLAN_VERSION = Machine(
    "plan_version",
    "this version",
    states={
        "editing": "Being written",
        "sent": "Sent to the family",
        "issued": "Issued",
        "superseded": "Replaced by a later version",
        "withdrawn": "Withdrawn",
    },
    steps={
        "edit": Step("Change the plan", ("editing", "sent")),
        "send": Step("Send it to the family", ("editing",), ("sent",)),
        "issue": Step("Issue the plan", ("sent",), ("issued",)),
        # A tribunal's order says what the plan must say: no representation period (HESC r.44 orders).
        "issue_as_ordered": Step("Issue the plan as the tribunal ordered", ("editing", "sent"), ("issued",)),
        "supersede": Step("Replace it with a later version", ("issued",), ("superseded",)),
        "withdraw": Step("Withdraw it", ("editing", "sent"), ("withdrawn",)),
    },
    hints={
        "issued": "Issued versions cannot be changed: start an amendment instead",
        "superseded": "Issued versions cannot be changed: start an amendment instead",
        "editing": "Send it to the family first: they have 15 days to comment before it is issued",
    },
)

PLAN = Machine(
    "plan",
    "this plan",
    states={"draft": "Assessment under way", "final": "In force", "ceased": "Ceased"},
    steps={
        "create": Step("Start a plan", (NEW,), ("draft",)),
        "issue_first": Step("Issue the final plan", ("draft",), ("final",), "final_plan_issued"),
        "amend": Step("Amend the plan", ("final",)),
        "review": Step("Review the plan", ("final",)),
        "reassess": Step("Reassess", ("final",)),
        "cease": Step("Cease the plan", ("final",), ("ceased",), "plan_ceased"),
    },
)

ANNUAL_REVIEW = Machine(
    "annual_review",
    "this review",
    states={
        "due": "Meeting to arrange",
        "arranged": "Meeting arranged",
        "held": "Meeting held",
        "amending": "Waiting for the amended plan",
        "closed": "Finished",
    },
    steps={
        "schedule": Step("Open the next review", (NEW,), ("due",)),
        "arrange_meeting": Step("Arrange the meeting", ("due", "arranged"), ("arranged",), "review_meeting_arranged"),
        "send_invitations": Step("Send the invitations", ("arranged",), event="review_invitations_sent"),
        "circulate_advice": Step("Circulate the advice", ("arranged",), event="review_advice_circulated"),
        "contribute": Step("Give views before the meeting", ("due", "arranged")),
        "record_meeting": Step("Record the meeting", ("arranged",), ("held",), "annual_review_meeting"),
        "send_report": Step("Send the review report", ("held",), event="review_report_sent"),
        "decide": Step("Decide after the review", ("held",), ("amending", "closed"), "review_decision"),
        "issue_amended_plan": Step("Issue the amended plan", ("amending",), ("closed",), "amended_plan_issued"),
    },
)

PHASE_TRANSFER = Machine(
    "phase_transfer",
    "this transfer",
    states={"preferences": "Gathering preferences", "consulting": "Consulting settings", "amended": "Plan amended"},
    steps={
        "identify": Step("List the transfer", (NEW,), ("preferences",), "phase_transfer_identified"),
        "record_preferences": Step("Record the family's preferences", ("preferences", "consulting")),
        "consult_setting": Step("Consult a setting", ("preferences", "consulting"), ("consulting",)),
        "record_consultation_reply": Step("Record the setting's reply", ("consulting",)),
        "amend_for_transfer": Step(
            "Amend the plan naming the new setting",
            ("preferences", "consulting"),
            ("amended",),
            "phase_transfer_amended",
        ),
    },
    hints={"amended": "This transfer is finished"},
)

REASSESSMENT = Machine(
    "reassessment",
    "this request to reassess",
    states={
        "deciding": "Deciding whether to reassess",
        "reassessing": "Reassessing",
        "refused": "Refused",
        "done": "New plan issued",
    },
    steps={
        "request_reassessment": Step("Record the request to reassess", (NEW,), ("deciding",), "reassessment_requested"),
        "decide_reassessment": Step(
            "Decide whether to reassess", ("deciding",), ("reassessing", "refused"), "reassessment_decision"
        ),
        "issue_reassessed_plan": Step(
            "Issue the plan after reassessment", ("reassessing",), ("done",), "reassessed_plan_issued"
        ),
    },
    hints={"refused": "The decision has been made", "done": "The decision has been made"},
)

CESSATION = Machine(
    "cessation",
    "this cessation",
    states={
        "consulting": "Consulting",
        "not_ceasing": "Decided not to cease",
        "notice_sent": "Notice sent: plan stays in force during the appeal window",
        "held": "Appeal lodged: plan stays in force until it is decided",
        "ceased": "Plan ceased",
        "overturned": "Tribunal ordered the plan to continue",
        "withdrawn": "Withdrawn",
    },
    steps={
        "start_cessation": Step("Propose to cease the plan", (NEW,), ("consulting",)),
        "record_cessation_consultation": Step("Record a consultation", ("consulting",)),
        "record_cessation_response": Step("Record a response", ("consulting",)),
        "decide_cessation": Step("Decide whether to cease", ("consulting",), ("not_ceasing", "notice_sent")),
        "hold_for_appeal": Step("Hold the cessation for the appeal", ("notice_sent",), ("held",)),
        "appeal_decided": Step("Record the appeal's outcome", ("held",), ("notice_sent", "overturned")),
        "confirm_no_appeal": Step("Record that the family will not appeal", ("notice_sent",)),
        "apply_cessation": Step("Cease the plan", ("notice_sent",), ("ceased",), "plan_ceased"),
        "withdraw_cessation": Step("Withdraw the cessation", ("consulting", "notice_sent", "held"), ("withdrawn",)),
    },
    hints={"held": "An appeal against the cessation is lodged: the plan stays in force until it is decided"},
)

MEDIATION = Machine(
    "mediation",
    "this mediation",
    states={
        "contacted": "Family contacted the mediation adviser",
        "declined": "Mediation declined",
        "requested": "Mediation requested",
        "arranged": "Mediation arranged",
        "held": "Mediation held",
        "certificate": "Certificate issued",
    },
    steps={
        "record_adviser_contact": Step(
            "Record the family's contact with the mediation adviser", (NEW,), ("contacted",)
        ),
        "record_mediation_declined": Step(
            "Record that mediation was declined", ("contacted",), ("declined",), "mediation_declined"
        ),
        "record_mediation_request": Step(
            "Record the request for mediation", ("contacted",), ("requested",), "mediation_requested"
        ),
        "record_icbs_told": Step("Record that the ICBs were told", ("requested", "arranged")),
        "record_mediation_arranged": Step("Record the mediation arranged", ("requested",), ("arranged",)),
        "record_mediation_held": Step(
            "Record the mediation held", ("requested", "arranged"), ("held",), "mediation_held"
        ),
        "record_certificate": Step(
            "Record the mediation certificate",
            ("declined", "requested", "arranged", "held"),
            ("certificate",),
            "mediation_certificate_issued",
        ),
    },
    hints={NEW: "Record the family's contact with the mediation adviser first"},
)

APPEAL = Machine(
    "appeal",
    "this appeal",
    states={"open": "Waiting for the tribunal", "decided": "Decided", "upheld": "Allowed or conceded"},
    steps={
        "lodge_appeal": Step("Record the appeal", (NEW, "decided", "upheld"), ("open",), "appeal_lodged"),
        "record_appeal_response": Step("Record the council's response", ("open",)),
        "set_hearing": Step("Set the hearing date", ("open",)),
        "record_appeal_outcome": Step("Record the tribunal's decision", ("open",), ("decided", "upheld")),
        "add_order": Step("Add an order", ("upheld",)),
    },
    hints={
        "decided": "This appeal has been decided",
        "open": "Record that the appeal was allowed or conceded before adding orders",
    },
)

MACHINES: dict[str, Machine] = {
    m.name: m
    for m in (ASSESSMENT, PLAN_VERSION, PLAN, ANNUAL_REVIEW, PHASE_TRANSFER, REASSESSMENT, CESSATION, MEDIATION, APPEAL)
}
