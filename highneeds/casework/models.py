"""Requests for EHC needs assessment and the dated events of each case.

Events use the statutory clock's vocabulary (request_received, decision_to_assess,
advice_requested, advice_received, draft_plan_sent, final_plan_issued, annual_review_meeting,
review_decision, plan_ceased), so a case's history can be replayed through the clock.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from highneeds.engine import codes

EVENT_TYPES = {
    "request_received": "Request for an EHC needs assessment received",
    "decision_to_assess": "Decision whether to assess",
    "advice_requested": "Advice requested",
    "advice_received": "Advice received",
    "decision_not_to_issue": "Decision not to issue a plan",
    "draft_plan_sent": "Draft plan sent",
    "final_plan_issued": "Final plan issued",
    "annual_review_meeting": "Annual review meeting",
    "review_decision": "Annual review decision",
    "plan_ceased": "Plan ceased",
    "request_withdrawn": "Request withdrawn",
}


class AssessmentRequest(models.Model):
    OUTCOMES = [
        ("pending", "Awaiting decision"),
        ("assess", "Assessing"),
        ("not_assess", "Decided not to assess"),
        ("plan_issued", "Plan issued"),
        ("not_issued", "Decided not to issue a plan"),
        ("withdrawn", "Withdrawn"),
    ]
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="requests")
    received_on = models.DateField()
    source = models.CharField(max_length=1, choices=codes.choices(codes.REQUEST_SOURCES))
    status = models.CharField(max_length=12, choices=OUTCOMES, default="pending", db_index=True)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )

    class Meta:
        ordering = ["-received_on"]


class CaseEvent(models.Model):
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="case_events")
    request = models.ForeignKey(AssessmentRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    event_type = models.CharField(max_length=32, choices=list(EVENT_TYPES.items()))
    occurred_on = models.DateField()
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_on", "id"]
        indexes = [models.Index(fields=["child", "occurred_on"])]

    @property
    def label(self) -> str:
        return EVENT_TYPES.get(self.event_type, self.event_type)
