"""What the clock accepts: event types, the permitted exceptions, and statuses.

Tables, not code paths. Two stages share the vocabulary: the **assessment** (request to final
plan, `steps.STEP_RULES` with `pairing="first"`) and the **plan's life** (annual reviews, phase
transfer, reassessment, mediation and appeals: the rows marked `stage="plan"`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# ---------------------------------------------------------------------------------------------
# Statuses (fixed by the issue; documented in docs/statutory-clock.md)
MET, MISSED, PENDING, OVERDUE, EXCEPTED = "met", "missed", "pending", "overdue", "excepted"
STATUSES = (MET, MISSED, PENDING, OVERDUE, EXCEPTED)


# ---------------------------------------------------------------------------------------------
# Permitted exceptions. Each becomes, for matching, a period [lo, hi] of dates that must overlap a
# step's window [start, due]; `kind` says how the period is read from the record.
@dataclass(frozen=True)
class ExceptionSpec:
    code: str
    kind: str  # "period" | "closure" | "appointment"
    description: str
    min_days: int = 0  # minimum continuous length the law requires
    needs_to: bool = True  # must the record have an end date?
    only_between: tuple[date, date] | None = None  # the exception exists in law only in these dates


EXCEPTION_SPECS: dict[str, ExceptionSpec] = {
    s.code: s
    for s in (
        ExceptionSpec(
            "SCHOOL_CLOSURE",
            "closure",
            "advice asked of a school or post-16 head/principal from 1 week before a closure of "
            "4+ continuous weeks until 1 week before it re-opens",
            min_days=28,
        ),
        ExceptionSpec("EY_CLOSURE", "closure", "the same, for advice asked of an early years provider", min_days=28),
        ExceptionSpec(
            "PERSONAL_CIRCS",
            "period",
            "exceptional personal circumstances of the child, parent or young person",
            needs_to=False,
        ),
        ExceptionSpec(
            "ABSENT_AREA",
            "period",
            "child, parent or young person absent from the area for 4+ continuous weeks",
            min_days=28,
        ),
        ExceptionSpec(
            "MISSED_APPT",
            "appointment",
            "child or young person failed to keep an appointment for an examination or test",
            needs_to=False,
        ),
        ExceptionSpec(
            "COVID19",
            "period",
            "not reasonably practicable for a reason relating to coronavirus (SI 2020/471)",
            needs_to=False,
            only_between=(date(2020, 5, 1), date(2020, 9, 25)),
        ),
    )
}
EXCEPTION_CODES = tuple(EXCEPTION_SPECS)  # canonical order in output
EXCEPTION_BIT = {code: 1 << n for n, code in enumerate(EXCEPTION_CODES)}


def codes_for_bits(bits: int) -> tuple[str, ...]:
    return tuple(code for code in EXCEPTION_CODES if bits & EXCEPTION_BIT[code])


CODES_FOR_BITS: tuple[tuple[str, ...], ...] = tuple(codes_for_bits(b) for b in range(1 << len(EXCEPTION_CODES)))


# ---------------------------------------------------------------------------------------------
# Events.
@dataclass(frozen=True)
class Need:
    """An event of type `event` must exist on or before this one."""

    event: str
    same_key: bool = False
    where: tuple[str, str] | None = None  # (field, value) the earlier event must have
    only_with_clock: bool = False  # checked only when the case has a clock start (an assessment)


@dataclass(frozen=True)
class EventSpec:
    type: str
    key_fields: tuple[str, ...] = ()  # first present names the instance (an adviser, a school)
    once: bool = True  # at most one per case, or one per key when keyed
    required: tuple[str, ...] = ()
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    date_fields: tuple[str, ...] = ()  # optional extra dates, each on or after the event's date
    needs: tuple[Need, ...] = ()
    conflicts: tuple[str, ...] = ()  # event types that cannot be in the same case
    terminal: bool = False  # nothing may be dated after it
    stage: str = "assessment"  # "assessment" (needs a clock start) or "plan" (the plan's life)


_ASSESSING = Need("decision_to_assess", where=("outcome", "assess"))
_PLAN = Need("final_plan_issued")
_DECISION = ("decision",)  # the key of mediation and appeal events: which decision notice


def _plan_event(type_: str, **kw) -> EventSpec:
    """An event of the plan's life: repeatable unless said otherwise, after the plan is made."""
    kw.setdefault("once", False)
    kw.setdefault("needs", (_PLAN,))
    return EventSpec(type_, stage="plan", **kw)


def _dispute_event(type_: str, *needs: Need) -> EventSpec:
    """Mediation and appeal events, one per decision notice (`decision` names it)."""
    return EventSpec(
        type_, key_fields=_DECISION, stage="plan", needs=(Need("decision_notice_sent", same_key=True), *needs)
    )


EVENT_SPECS: dict[str, EventSpec] = {
    s.type: s
    for s in (
        EventSpec("request_received"),
        EventSpec("decision_to_assess", required=("outcome",), choices={"outcome": ("assess", "not_assess")}),
        EventSpec(
            "advice_requested", key_fields=("adviser",), date_fields=("received_by_adviser",), needs=(_ASSESSING,)
        ),
        EventSpec("advice_received", key_fields=("adviser",), needs=(Need("advice_requested", same_key=True),)),
        EventSpec("decision_not_to_issue", needs=(_ASSESSING,), conflicts=("draft_plan_sent", "final_plan_issued")),
        EventSpec("school_consultation_sent", key_fields=("urn", "school"), needs=(_ASSESSING,)),
        EventSpec(
            "school_consultation_response",
            key_fields=("urn", "school"),
            needs=(Need("school_consultation_sent", same_key=True),),
        ),
        EventSpec("draft_plan_sent", date_fields=("served",), needs=(_ASSESSING,)),
        # A plan made before highneeds (or imported) has no assessment: the draft is required
        # only when the case has a clock start.
        EventSpec("final_plan_issued", needs=(Need("draft_plan_sent", only_with_clock=True),)),
        EventSpec("request_withdrawn", terminal=True),
        # -- the plan's life: annual reviews ---------------------------------------------------
        _plan_event("review_meeting_arranged", required=("meeting_on",), date_fields=("meeting_on",)),
        _plan_event("review_invitations_sent"),
        _plan_event("review_advice_circulated"),
        _plan_event("annual_review_meeting"),
        _plan_event("review_report_sent", needs=(Need("annual_review_meeting"),)),
        _plan_event(
            "review_decision",
            required=("outcome",),
            choices={"outcome": ("maintain", "amend", "cease")},
            needs=(Need("annual_review_meeting"),),
        ),
        _plan_event("amendments_proposed"),
        _plan_event("amended_plan_issued", needs=(Need("amendments_proposed"),)),
        # -- phase transfer --------------------------------------------------------------------
        _plan_event(
            "phase_transfer_identified",
            required=("transfer_on", "transfer"),
            date_fields=("transfer_on",),
            choices={"transfer": ("school", "secondary_to_post16", "post16")},
        ),
        _plan_event("phase_transfer_amended", needs=(Need("phase_transfer_identified"),)),
        # -- reassessment ----------------------------------------------------------------------
        _plan_event("reassessment_requested"),
        _plan_event(
            "reassessment_decision",
            required=("outcome",),
            choices={"outcome": ("reassess", "refuse")},
            needs=(Need("reassessment_requested"),),
        ),
        _plan_event("reassessed_plan_issued", needs=(Need("reassessment_decision", where=("outcome", "reassess")),)),
        # -- disagreement: one set per appealable decision (no plan needed: a refusal to assess
        #    is appealable too) --------------------------------------------------------------
        EventSpec("decision_notice_sent", key_fields=_DECISION, stage="plan"),
        _dispute_event("mediation_requested"),
        _dispute_event("mediation_declined"),
        _dispute_event("mediation_held", Need("mediation_requested", same_key=True)),
        _dispute_event("mediation_certificate_issued"),
        _dispute_event("appeal_lodged"),
        # -- the end of the plan ---------------------------------------------------------------
        EventSpec("plan_ceased", needs=(_PLAN,), terminal=True, stage="plan"),
    )
}
ASSESSMENT_TYPES = frozenset(t for t, s in EVENT_SPECS.items() if s.stage == "assessment")
PLAN_TYPES = frozenset(t for t, s in EVENT_SPECS.items() if s.stage == "plan")

# Event types in the casework vocabulary that the clock does not handle: refused, not ignored.
NOT_YET_HANDLED: frozenset[str] = frozenset()
