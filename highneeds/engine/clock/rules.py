"""Settings for the statutory clock where the law leaves a choice (see docs/statutory-clock.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any


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

    The plan's life (DOMAIN.md section 2). The week counts are the regulations as they stand; the
    DfE consulted in 2022 on changing them (no amending regulations found), so each is a setting:
    review_notice_weeks (2, reg 20(3)/21(3)), review_advice_weeks (2, reg 20(4)/21(4); the
    consultation proposed 3), review_report_weeks (2, reg 21(7)), review_decision_weeks (4, reg 20),
    amended_plan_weeks (8, reg 22(3)).
    under5_review_months
        None (default): every plan is reviewed within 12 months. 3 to 6: a child under 5 on the day
        the review period starts (needs the case's ``date_of_birth``) is due a review after this
        many months (CoP 9.178 says the council *should consider* 3 to 6 months; guidance).
    reassessment_decision_days
        Days to notify the decision whether to reassess: 15 (local offers cite reg 25; the
        regulation number is UNVERIFIED).
    phase_transfer_day_before
        Regulation 18(1) says "before 15 February" (31 March): False (default) shows the due date
        as 15 February itself, as councils and the issue do; True shows 14 February (30 March).
    """

    receipt_is_day_one: bool = False
    advice_receipt_lag_days: int = 0
    draft_service_lag_days: int = 0
    school_consultation_days: int = 15
    review_notice_weeks: int = 2
    review_advice_weeks: int = 2
    review_report_weeks: int = 2
    review_decision_weeks: int = 4
    amended_plan_weeks: int = 8
    under5_review_months: int | None = None
    reassessment_decision_days: int = 15
    phase_transfer_day_before: bool = False

    def __post_init__(self) -> None:
        for name in ("receipt_is_day_one", "phase_transfer_day_before"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false")
        for name in (
            "review_notice_weeks",
            "review_advice_weeks",
            "review_report_weeks",
            "review_decision_weeks",
            "amended_plan_weeks",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 26:
                raise ValueError(f"{name} must be a whole number of weeks from 1 to 26")
        value = self.under5_review_months
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 3 <= value <= 6):
            raise ValueError("under5_review_months must be empty (off) or a whole number of months from 3 to 6")
        value = self.reassessment_decision_days
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 60:
            raise ValueError("reassessment_decision_days must be a whole number of days from 1 to 60")
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
