"""What every assessment step shares: the clock re-run, the dated event, the family's letter and the state guard."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from highneeds.council.machines import enforce
from highneeds.engine.clock.machines import ASSESSMENT
from highneeds.letters import context as letter_context
from highneeds.letters.services import letters_to_family

from .. import notify
from ..clock import apply_result, run_clock
from ..models import AdviceRequest, AssessmentRequest, CaseEvent
from ..queries import due_dates

# ---------------------------------------------------------------------------------------------
# The clock


def _refresh(request: AssessmentRequest) -> None:
    apply_result(request, run_clock(request))
    request.save(update_fields=["deadlines", "next_step", "next_due", "status", "closed_on"])


def _event(request: AssessmentRequest, event_type: str, on: date, **detail) -> CaseEvent:
    """Validate the case with this event added, then store it."""
    run_clock(request, extra_event={"type": event_type, "date": on.isoformat(), **detail})
    return CaseEvent.objects.create(
        child=request.child, request=request, event_type=event_type, occurred_on=on, detail=detail
    )


def _due(request: AssessmentRequest) -> dict[str, date]:
    return due_dates(request)


def _letter_to_family(actor, request, code: str, **fields):
    """One letter per family recipient (letters.recipients: never the school or professional who asked).
    `fields` are the letter's own plain fields (letters.fields); the request is added."""
    letters = letters_to_family(
        actor=actor,
        code=code,
        child=request.child,
        request=request,
        fields={"request": {"reference": request.reference, "received_on": request.received_on}, **fields},
    )
    notify.family(request, letters[0].subject)
    return letters


def _advice_fields(advice: AdviceRequest) -> dict:
    return {
        **letter_context.base(advice.request.child, advice.adviser_name or advice.label),
        "advice": {"label": advice.label, "due_on": advice.due_on},
    }


def _step(request: AssessmentRequest, step: str) -> None:
    """Refuse a step the assessment's state machine does not allow from the request's status, and every
    step while an online request may be about a child we already know."""
    if request.match_status == "possible":
        raise ValidationError(
            {"__all__": "This request may be about a child we already know: confirm or reject the possible match first"}
        )
    enforce(ASSESSMENT, request.status, step)
