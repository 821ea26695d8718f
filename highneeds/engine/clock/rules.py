"""Settings for the statutory clock where the law leaves a choice (see docs/statutory-clock.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Mapping


@dataclass(frozen=True)
class ClockRules:
    """How the clock counts days where the law or practice is not settled. Defaults are the
    readings in DOMAIN.md section 0; a council can choose otherwise and record why.

    receipt_is_day_one
        "Within N weeks of receiving a request" (regs 5(1), 8(1), 10(1), 13(2)) and the 15-day
        school consultation: False (default) counts from the day after receipt, so the limit
        falls on receipt + 7*N days and an action on that day is in time. True counts the day
        of receipt as day 1, so the limit falls one day earlier (receipt + 7*N - 1).
        "Beginning with" periods (the 15-day representation period, reg 13(1)(a)) always count
        the first day and are not affected.
    advice_receipt_lag_days
        The 6-week advice duty runs from the adviser's receipt of the request (reg 8(1)). When an
        ``advice_requested`` event has no ``received_by_adviser`` date, the adviser is taken to
        have received it this many days after it was sent (default 0: sent electronically).
    draft_service_lag_days
        The representation period begins with the day the draft was *served*. When a
        ``draft_plan_sent`` event has no ``served`` date, service is taken to be this many days
        after sending (default 0: served by email the same day; a council posting drafts might
        choose 2).
    school_consultation_days
        Days a school or college consulted about being named has to reply (Code of Practice
        9.83; guidance, not a regulation): default 15.
    """

    receipt_is_day_one: bool = False
    advice_receipt_lag_days: int = 0
    draft_service_lag_days: int = 0
    school_consultation_days: int = 15

    def __post_init__(self) -> None:
        if not isinstance(self.receipt_is_day_one, bool):
            raise ValueError("receipt_is_day_one must be true or false")
        for name in ("advice_receipt_lag_days", "draft_service_lag_days"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 30:
                raise ValueError(f"{name} must be a whole number of days from 0 to 30")
        value = self.school_consultation_days
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 60:
            raise ValueError("school_consultation_days must be a whole number of days from 1 to 60")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ClockRules:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown clock setting(s): {', '.join(unknown)}")
        return cls(**dict(data))
