"""Helpers shared by the sub-domains' services."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Max

from highneeds.letters.services import letters_to_family
from highneeds.people.models import Child, Placement

from .. import clock, phase
from ..models import (
    AnnualReview,
    PhaseTransfer,
)

NOTICE_DAYS = 14  # invitations and advice at least 2 weeks before the meeting (regs 20(3)-(4), 21(3)-(4))
REASSESSMENT_REFUSAL_MONTHS = 6  # may refuse if assessed within the previous 6 months (reg 24)


# ---------------------------------------------------------------------------------------------
# Helpers


def _not_future(field: str, on: date | None, what: str) -> None:
    if on and on > date.today():
        raise ValidationError({field: f"{what} cannot be in the future"})


def _setting_of(child_ids) -> dict[int, tuple[int, int | None, int | None, bool]]:
    """Each child's current setting: (establishment id, age low, age high, early years?) in one query."""
    rows = (
        Placement.objects.filter(child_id__in=child_ids, end_date__isnull=True)
        .order_by("child_id", "-start_date")
        .values_list(
            "child_id",
            "establishment_id",
            "establishment__age_low",
            "establishment__age_high",
            "establishment__phase",
            "establishment__establishment_type",
        )
    )
    found: dict[int, tuple] = {}
    for child_id, est, low, high, est_phase, est_type in rows:
        found.setdefault(child_id, (est, low, high, est_phase == "EY" or est_type == "EARLY_YEARS"))
    return found


def _describe(record, child: Child, setting: tuple | None, today: date) -> None:
    """Cache who and where: the tracker's filters (unsaved)."""
    record.phase = phase.phase_of(child.year_group(today))
    record.establishment_id = setting[0] if setting else None
    if not record.caseworker_id:
        record.caseworker_id = child.lead_caseworker_id


def _previous_meeting(review: AnnualReview) -> date | None:
    return (
        AnnualReview.objects.filter(plan=review.plan, held_on__isnull=False, counted_from__lt=review.counted_from)
        .exclude(pk=review.pk)
        .aggregate(last=Max("held_on"))["last"]
    )


def _refresh(record, *fields: str, today: date | None = None) -> None:
    """Re-run the clock for one record and save it with the given fields."""
    previous = _previous_meeting(record) if isinstance(record, AnnualReview) else None
    clock.apply(record, clock.run(record, previous_meeting=previous, today=today))
    extra = (
        ["due_on"] if isinstance(record, AnnualReview) else ["deadline"] if isinstance(record, PhaseTransfer) else []
    )
    record.save(update_fields=[*fields, "deadlines", "next_step", "next_due", "closed_on", *extra])


def _check_with_clock(record, **changes) -> None:
    """Refuse an impossible order of events: the clock reads the record with the change before it is saved."""
    saved = {name: getattr(record, name) for name in changes}
    for name, value in changes.items():
        setattr(record, name, value)
    try:
        previous = _previous_meeting(record) if isinstance(record, AnnualReview) else None
        clock.run(record, previous_meeting=previous)
    except ValidationError as exc:
        raise _plain_order_error(exc, changes) from None
    finally:
        for name, value in saved.items():
            setattr(record, name, value)


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_OTHER = re.compile(r"is (before|after) (?:the )?([a-z][a-z_]+) (?:date )?(?:on )?\d")


def _plain_order_error(exc: ValidationError, changes: dict) -> ValidationError:
    """The clock's refusal (`events[4]: annual_review_meeting on 1990-01-01 is before final_plan_issued on ...`) in
    plain English, beside the field whose date caused it: a person never sees the engine's event codes."""
    problems: dict[str, list[str]] = {}
    for text in exc.messages:
        dates = _ISO.findall(text)
        other = _OTHER.search(text)
        if len(dates) < 2 or other is None:
            problems.setdefault("__all__", []).append("These dates are not in a possible order for this review")
            continue
        when = date.fromisoformat(dates[-1])
        what = "" if other[2] in ("clock", "today") else f" ({other[2].replace('_', ' ')})"
        edge = "on or after" if other[1] == "before" else "on or before"
        field = next((k for k, v in changes.items() if isinstance(v, date) and v.isoformat() == dates[0]), "__all__")
        problems.setdefault(field, []).append(f"The date must be {edge} {when:%-d %B %Y}{what}")
    return ValidationError(problems)


def _letters(actor, child: Child, code: str, **fields):
    """One letter to each family recipient (letters.recipients). `fields` are the letter's own plain fields."""
    return letters_to_family(actor=actor, code=code, child=child, fields=fields)


def _review_fields(review) -> dict:
    return {"meeting_on": review.meeting_on, "held_on": review.held_on, "decision_reasons": review.decision_reasons}
