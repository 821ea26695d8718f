"""EHC needs assessment casework: requests, the dated events of each case, exceptions, advice,
consultations, preferences, representations and decisions.

Events use the statutory clock's vocabulary (highneeds.engine.clock), so a case's history is
replayed through the clock to give its deadlines. The clock's answer is cached on the request
(`next_step`, `next_due`, `deadlines`) whenever an event is recorded, so work queues are plain
indexed queries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from highneeds.engine import codes, filetypes

EVENT_TYPES = {
    "request_received": "Request for an EHC needs assessment received",
    "decision_to_assess": "Decision whether to assess",
    "advice_requested": "Advice requested",
    "advice_received": "Advice received",
    "decision_not_to_issue": "Decision not to issue a plan",
    "school_consultation_sent": "School or college consulted on being named",
    "school_consultation_response": "School or college replied to the consultation",
    "draft_plan_sent": "Draft plan sent",
    "final_plan_issued": "Final plan issued",
    "annual_review_meeting": "Annual review meeting",
    "review_decision": "Annual review decision",
    "plan_ceased": "Plan ceased",
    "request_withdrawn": "Request withdrawn",
}

ADVISER_TYPES = {
    "educational_psychology": "Educational psychology",
    "health": "Health (designated medical or clinical officer)",
    "social_care": "Social care",
    "setting": "School or setting",
    "parent": "Parent or young person",
    "other": "Other",
}

NOT_STARTED, DRAFT, SUBMITTED = "not_started", "draft", "submitted"
ADVICE_PROGRESS = {NOT_STARTED: "Not started", DRAFT: "Draft", SUBMITTED: "Submitted"}


def _held_report_to(instance, filename: str) -> str:
    # Never the uploaded name (personal data, path tricks); the storage makes it unique.
    return "advice/held/report" + filetypes.extension(filename)  # checked by then: an accepted type's ending


EXCEPTION_TYPES = {
    "SCHOOL_CLOSURE": "School or college closed for 4 weeks or more when advice was asked",
    "EY_CLOSURE": "Early years setting closed for 4 weeks or more when advice was asked",
    "PERSONAL_CIRCS": "Exceptional personal circumstances",
    "ABSENT_AREA": "Away from the area for 4 weeks or more",
    "MISSED_APPT": "Missed an appointment for advice",
}


class AssessmentRequest(models.Model):
    STATUSES = [
        ("pending", "Deciding whether to assess"),
        ("assess", "Assessing"),
        ("draft", "Draft plan sent"),
        ("not_assess", "Decided not to assess"),
        ("plan_issued", "Plan issued"),
        ("not_issued", "Decided not to issue a plan"),
        ("withdrawn", "Withdrawn"),
    ]
    OPEN = ("pending", "assess", "draft")
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="requests")
    received_on = models.DateField()
    source = models.CharField(max_length=1, choices=codes.choices(codes.REQUEST_SOURCES))
    status = models.CharField(max_length=12, choices=STATUSES, default="pending", db_index=True)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    submitted_via = models.CharField(
        max_length=10,
        default="staff",
        choices=[
            ("staff", "Recorded by the SEND team"),
            ("portal", "Online"),
            ("import", "Imported"),
            ("school", "Made by a school"),
        ],
    )
    # A request made by a school or college through its SENCO: the setting is the requester (s38), so the
    # SENCO can follow it; letters still go to the parents on the child's record.
    requester_establishment = models.ForeignKey(
        "establishments.Establishment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requester_name = models.CharField(max_length=200, blank=True)
    requester_relationship = models.CharField(max_length=100, blank=True)
    requester_email = models.EmailField(blank=True)
    requester_phone = models.CharField(max_length=30, blank=True)
    reason = models.TextField("Why the request is made", blank=True)
    # A child who moves in: the clock starts when the council becomes responsible (CFA s24).
    responsible_from = models.DateField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    # A request made online without an account is never attached to a child we already know: it gets a new
    # record, and a child with the same name and date of birth is held here until a caseworker decides.
    MATCH_STATUSES = [
        ("", "No possible match"),
        ("possible", "Possible match to check"),
        ("confirmed", "Match confirmed"),
        ("rejected", "Not the same child"),
    ]
    possible_match = models.ForeignKey(
        "people.Child", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    match_status = models.CharField(max_length=10, choices=MATCH_STATUSES, blank=True, default="", db_index=True)
    # The clock's latest answer, kept by the services.
    next_step = models.CharField(max_length=80, blank=True)
    next_due = models.DateField(null=True, blank=True, db_index=True)
    deadlines = models.JSONField(default=list, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        ordering = ["-received_on"]
        indexes = [models.Index(fields=["caseworker", "status", "next_due"])]

    @property
    def reference(self) -> str:
        return f"EHC-{self.received_on.year}-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class CaseEvent(models.Model):
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="case_events")
    request = models.ForeignKey(
        AssessmentRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    event_type = models.CharField(max_length=32, choices=list(EVENT_TYPES.items()))
    occurred_on = models.DateField()
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_on", "id"]
        indexes = [models.Index(fields=["child", "occurred_on"])]

    @property
    def label(self) -> str:
        return EVENT_TYPES.get(self.event_type, self.event_type)


class ClockException(models.Model):
    """A permitted exception: it switches a time limit off for this case; it never extends it."""

    request = models.ForeignKey(AssessmentRequest, on_delete=models.CASCADE, related_name="exceptions")
    code = models.CharField(max_length=16, choices=list(EXCEPTION_TYPES.items()))
    date_from = models.DateField()
    date_to = models.DateField(null=True, blank=True)
    adviser = models.CharField(max_length=40, blank=True, help_text="For a missed appointment: whose advice")
    reason = models.TextField()
    evidence = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)


class AdviceRequest(models.Model):
    request = models.ForeignKey(AssessmentRequest, on_delete=models.CASCADE, related_name="advice_requests")
    adviser_type = models.CharField(max_length=30, choices=list(ADVISER_TYPES.items()))
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="advice_requests"
    )
    adviser_name = models.CharField("Adviser or service", max_length=200, blank=True)
    requested_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    received_on = models.DateField(null=True, blank=True)
    advice = models.TextField(blank=True)
    chased_on = models.DateField(null=True, blank=True)
    # The school's advice (reg 6(1)(b)) is asked of the child's setting: its SENCOs give it.
    establishment = models.ForeignKey(
        "establishments.Establishment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The adviser's unsent work: the parts of their advice, and a report held until they submit. Only the
    # adviser sees these; the SEND team sees "in progress" until the advice is submitted.
    draft = models.JSONField(default=dict, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    draft_report = models.FileField(upload_to=_held_report_to, blank=True, max_length=255)
    draft_report_name = models.CharField(max_length=255, blank=True)
    # The report as filed on the child's record (records.Document) when the advice was submitted.
    report = models.ForeignKey("records.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["requested_on", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "adviser_type"], name="one_advice_per_type")]

    @property
    def label(self) -> str:
        return ADVISER_TYPES.get(self.adviser_type, self.adviser_type)

    @property
    def progress(self) -> str:
        """not_started, draft or submitted: what the adviser has done (never what they wrote)."""
        if self.received_on:
            return SUBMITTED
        return DRAFT if (self.draft_saved_at or self.draft_report) else NOT_STARTED


class Decision(models.Model):
    """The council's decision, kept apart from any panel's recommendation."""

    KINDS = [("assess", "Whether to assess"), ("issue", "Whether to issue a plan")]
    request = models.ForeignKey(AssessmentRequest, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=10, choices=KINDS)
    outcome = models.BooleanField(help_text="Yes: assess / issue a plan")
    decided_on = models.DateField()
    reasons = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recommendation = models.ForeignKey(
        "panels.Recommendation", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    departure_reasons = models.TextField("Why the decision differs from the panel's recommendation", blank=True)

    class Meta:
        ordering = ["decided_on", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "kind"], name="one_decision_per_kind")]


class SchoolConsultation(models.Model):
    RESPONSES = [
        ("", "Awaiting reply"),
        ("can_meet", "Can meet the child's needs"),
        ("cannot_meet", "Cannot meet the child's needs"),
        ("other", "Other reply"),
    ]
    request = models.ForeignKey(AssessmentRequest, on_delete=models.CASCADE, related_name="consultations")
    establishment = models.ForeignKey("establishments.Establishment", on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField()
    response_on = models.DateField(null=True, blank=True)
    response = models.CharField(max_length=12, choices=RESPONSES, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "establishment"], name="one_consultation_per_school")]


class Representation(models.Model):
    """The family's response to a draft plan: their views, a named setting they ask for, a meeting."""

    request = models.ForeignKey(AssessmentRequest, on_delete=models.CASCADE, related_name="representations")
    received_on = models.DateField()
    text = models.TextField(blank=True)
    preferred_establishment = models.ForeignKey(
        "establishments.Establishment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    meeting_requested = models.BooleanField(default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
