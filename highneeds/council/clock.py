"""The statutory clock with this council's settings: its clock rules and its bank holidays (built-in years
plus any imported). Every app's bridge to the clock goes through here, so none forgets one of them."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from highneeds.engine import clock

from .models import CouncilSettings


def compute_case(case: dict, today: date | None = None) -> clock.CaseResult:
    """One case; a case the clock cannot read becomes a ValidationError for the form that caused it."""
    council = CouncilSettings.current()
    try:
        return clock.compute_case(case, rules=council.rules(), calendar=council.calendar(), today=today or date.today())
    except clock.ClockInputError as exc:
        raise ValidationError({"__all__": list(exc.errors)}) from None


def compute_many(cases: list[dict], today: date | None = None) -> list[clock.CaseResult]:
    """Many cases at once; each result carries its own errors."""
    council = CouncilSettings.current()
    return clock.compute_many(cases, rules=council.rules(), calendar=council.calendar(), today=today or date.today())
