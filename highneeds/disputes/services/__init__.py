"""Cessation, mediation, tribunal appeals, orders, complaints and Ombudsman cases.

Every step checks `disputes.manage`, validates its dates, writes one audit event, and (for a notice's
mediation and appeal) re-runs the statutory clock so the notice's deadlines stay current. A cessation
takes effect only through `disputes.flows.apply_cessation` (it ceases the plan too), which refuses while the plan
must stay in force.
"""

from ._common import PERM
from .appeals import (
    add_order,
    lodge_appeal,
    record_appeal_outcome,
    record_appeal_response,
    record_compliance,
    set_hearing,
)
from .cessation import (
    confirm_no_appeal,
    decide_cessation,
    record_cessation_consultation,
    record_cessation_response,
    start_cessation,
    withdraw_cessation,
)
from .complaints import escalate_complaint, record_complaint, record_complaint_response
from .configuration import update_settings
from .mediation import (
    record_adviser_contact,
    record_certificate,
    record_decision_notice,
    record_icbs_told,
    record_mediation_arranged,
    record_mediation_declined,
    record_mediation_held,
    record_mediation_request,
)

__all__ = [
    "PERM",
    "record_decision_notice",
    "record_adviser_contact",
    "record_mediation_declined",
    "record_mediation_request",
    "record_icbs_told",
    "record_mediation_arranged",
    "record_mediation_held",
    "record_certificate",
    "lodge_appeal",
    "record_appeal_response",
    "set_hearing",
    "record_appeal_outcome",
    "add_order",
    "record_compliance",
    "record_complaint",
    "record_complaint_response",
    "escalate_complaint",
    "start_cessation",
    "record_cessation_consultation",
    "record_cessation_response",
    "decide_cessation",
    "confirm_no_appeal",
    "withdraw_cessation",
    "update_settings",
]
