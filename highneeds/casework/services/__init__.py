"""The EHC needs assessment pipeline. Each step records a dated event in the clock's vocabulary,
re-runs the statutory clock for the case, generates the letter the law expects, and tells the family.

Impossible orders of events are refused: the clock validates the case with the new event before
anything is saved, and its message becomes the error shown to the caseworker.

One module per sub-domain (intake, decisions, advice, nightly; shared helpers in `_common`), all named here.
"""

from .advice import (
    ADVICE_MAX,
    chase_advice,
    consult_school,
    record_consultation_response,
    request_advice,
    save_advice_draft,
    submit_advice,
)
from .decisions import (
    decide_whether_to_assess,
    decide_whether_to_issue,
    record_exception,
    record_representation,
    withdraw_request,
)
from .intake import assign, confirm_match, reject_match, submit_portal_request, submit_request, submit_school_request
from .nightly import recalculate_clocks

__all__ = [
    "ADVICE_MAX",
    "assign",
    "chase_advice",
    "confirm_match",
    "consult_school",
    "decide_whether_to_assess",
    "decide_whether_to_issue",
    "recalculate_clocks",
    "record_consultation_response",
    "record_exception",
    "record_representation",
    "reject_match",
    "request_advice",
    "save_advice_draft",
    "submit_advice",
    "submit_portal_request",
    "submit_request",
    "submit_school_request",
    "withdraw_request",
]
