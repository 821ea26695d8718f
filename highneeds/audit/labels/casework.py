"""Audit actions: Requests for an EHC needs assessment and the advice gathered for them. Part of the one registry (`highneeds.audit.labels.ACTIONS`)."""

ACTIONS = {
    "advice.chase": "Chased overdue advice",
    "advice.request": "Asked for advice",
    "advice.submit": "Gave advice",
    "request.assign": "Assigned a caseworker",
    "request.consult_school": "Consulted a school",
    "request.consultation_response": "Recorded a school's reply",
    "request.create": "Received a request for an assessment",
    "request.decide_assess": "Decided whether to assess",
    "request.decide_issue": "Decided whether to issue a plan",
    "request.draft_sent": "Sent the draft plan",
    "request.duplicate": "Linked a duplicate request",
    "request.exception": "Recorded an exception to the time limits",
    "request.final_plan": "Issued the final plan",
    "request.import": "Assessment request: imported",
    "request.match_confirm": "Assessment request: match confirm",
    "request.match_reject": "Assessment request: match reject",
    "request.possible_match": "Assessment request: possible match",
    "request.representation": "Family responded to the draft plan",
    "request.withdraw": "Withdrew the request",
}
