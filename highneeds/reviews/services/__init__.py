"""Annual reviews, phase transfers and requests to reassess: every write, permission-checked and audited.

Each step stores its date on the record, re-runs the statutory clock for it (`reviews/clock.py`)
and caches the answer, so the tracker never runs the clock per row. The plan itself is changed only
through the plans app's services; a decision to cease is handed to the disputes app. Those steps that
move the plan or start a cessation live in `reviews.flows`; this package holds the reviews' own steps, one module
per sub-domain (annual, phase_transfer, reassessment, nightly), and names them all here.
"""

from ._common import NOTICE_DAYS, REASSESSMENT_REFUSAL_MONTHS
from .annual import (
    arrange_meeting,
    circulate_advice,
    contribute,
    record_meeting,
    schedule_due_reviews,
    schedule_review,
    send_invitations,
    send_report,
)
from .nightly import recalculate_reviews
from .phase_transfer import (
    add_phase_transfer,
    consult_setting,
    identify_phase_transfers,
    record_consultation_reply,
    record_preferences,
)
from .reassessment import decide_reassessment, request_reassessment
from .school import WRITABLE_STAGES, save_school_report, submit_school_report

__all__ = [
    "NOTICE_DAYS",
    "REASSESSMENT_REFUSAL_MONTHS",
    "schedule_review",
    "schedule_due_reviews",
    "arrange_meeting",
    "send_invitations",
    "circulate_advice",
    "contribute",
    "record_meeting",
    "send_report",
    "identify_phase_transfers",
    "add_phase_transfer",
    "record_preferences",
    "consult_setting",
    "record_consultation_reply",
    "request_reassessment",
    "decide_reassessment",
    "recalculate_reviews",
    "WRITABLE_STAGES",
    "save_school_report",
    "submit_school_report",
]
