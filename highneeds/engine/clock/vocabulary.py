"""What the clock accepts: event types, the permitted exceptions, and statuses.

Tables, not code paths: the next steps (annual review, phase transfer, reassessment, mediation,
appeals) add rows here and in `steps.py`.
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
        ExceptionSpec("SCHOOL_CLOSURE", "closure",
                      "advice asked of a school or post-16 head/principal from 1 week before a closure of "
                      "4+ continuous weeks until 1 week before it re-opens", min_days=28),
        ExceptionSpec("EY_CLOSURE", "closure",
                      "the same, for advice asked of an early years provider", min_days=28),
        ExceptionSpec("PERSONAL_CIRCS", "period",
                      "exceptional personal circumstances of the child, parent or young person", needs_to=False),
        ExceptionSpec("ABSENT_AREA", "period",
                      "child, parent or young person absent from the area for 4+ continuous weeks", min_days=28),
        ExceptionSpec("MISSED_APPT", "appointment",
                      "child or young person failed to keep an appointment for an examination or test",
                      needs_to=False),
        ExceptionSpec("COVID19", "period",
                      "not reasonably practicable for a reason relating to coronavirus (SI 2020/471)",
                      needs_to=False, only_between=(date(2020, 5, 1), date(2020, 9, 25))),
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


_ASSESSING = Need("decision_to_assess", where=("outcome", "assess"))

EVENT_SPECS: dict[str, EventSpec] = {
    s.type: s
    for s in (
        EventSpec("request_received"),
        EventSpec("decision_to_assess", required=("outcome",), choices={"outcome": ("assess", "not_assess")}),
        EventSpec("advice_requested", key_fields=("adviser",), date_fields=("received_by_adviser",), needs=(_ASSESSING,)),
        EventSpec("advice_received", key_fields=("adviser",), needs=(Need("advice_requested", same_key=True),)),
        EventSpec("decision_not_to_issue", needs=(_ASSESSING,), conflicts=("draft_plan_sent", "final_plan_issued")),
        EventSpec("school_consultation_sent", key_fields=("urn", "school"), needs=(_ASSESSING,)),
        EventSpec("school_consultation_response", key_fields=("urn", "school"),
                  needs=(Need("school_consultation_sent", same_key=True),)),
        EventSpec("draft_plan_sent", date_fields=("served",), needs=(_ASSESSING,)),
        EventSpec("final_plan_issued", needs=(Need("draft_plan_sent"),)),
        EventSpec("request_withdrawn", terminal=True),
    )
}

# In the casework vocabulary but handled by a later version of the clock: refused, not ignored.
NOT_YET_HANDLED = frozenset({"annual_review_meeting", "review_decision", "plan_ceased"})
