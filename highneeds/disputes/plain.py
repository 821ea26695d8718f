"""Plain-English words for the clock's disagreement steps."""

from __future__ import annotations

from highneeds.casework.plain import status_tag  # noqa: F401 - the same colours everywhere

STATUS_TEXT = {
    "met": "Met",
    "missed": "Missed",
    "pending": "Due",
    "overdue": "Overdue",
    "excepted": "Exception applies",
}
_STEPS = {
    "mediation_arranged": "Arrange mediation (30 days from the request)",
    "mediation_certificate": "Mediation certificate (3 working days)",
    "appeal_deadline": "Family's last day to appeal",
}


def step_label(step: str) -> str:
    name = step.partition(":")[0]
    return _STEPS.get(name, name.replace("_", " ").capitalize())
