"""Plain-English words for the clock's steps and statuses, shared by staff and family pages."""

from __future__ import annotations

from .models import ADVISER_TYPES

_STEPS = {
    "decide_whether_to_assess": "Decide whether to assess",
    "notify_not_issue": "Tell the family if no plan will be issued",
    "earliest_finalisation": "Earliest date the plan can be finalised",
    "final_plan": "Send the final plan",
}
_TAGS = {
    "met": "govuk-tag--green",
    "missed": "govuk-tag--red",
    "pending": "govuk-tag--blue",
    "overdue": "govuk-tag--red",
    "excepted": "govuk-tag--yellow",
}


def STEP_LABELS(step: str) -> str:  # noqa: N802 - reads as a lookup table
    name, _, key = step.partition(":")
    if name == "advice":
        return f"Advice: {ADVISER_TYPES.get(key, key).lower()}"
    if name == "school_consultation":
        return f"School or college reply (URN {key})"
    return _STEPS.get(name, name.replace("_", " ").capitalize())


def status_tag(status: str) -> str:
    return _TAGS.get(status, "govuk-tag--grey")
