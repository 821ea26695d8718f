"""EHC plans as structured documents: a Plan per child, its numbered versions (sections A to K as JSON),
the contributions behind them (advice, the family's own words, comments on a draft) and uploaded media.

A version's `sections` structure is described in `highneeds.plans.sections`; issued versions are never
changed (the services refuse), so the history of what the council issued is the history of the rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

VERSION_KINDS = {
    "draft": "Draft plan",
    "final": "Final plan",
    "proposed_amendment": "Proposed amendments",
    "amended_final": "Amended final plan",
}
VERSION_STATES = {
    "editing": "Being written",
    "sent": "Sent to the family",
    "issued": "Issued",
    "superseded": "Replaced by a later version",
    "withdrawn": "Withdrawn",
}
SOURCES = {
    "assessment": "EHC needs assessment",
    "annual_review": "Annual review",
    "reassessment": "Re-assessment",
    "phase_transfer": "Phase transfer",
    "tribunal_order": "Tribunal order",
    "other": "Other",
}
# SEN2 CeaseReason (item 4.6), DOMAIN.md section 5.
CEASE_REASONS = {
    "1": "Maximum age reached",
    "2": "Needs met without an EHC plan",
    "3": "Moved on to higher education",
    "4": "Moved on to paid employment (not an apprenticeship)",
    "5": "Transferred to another English local authority",
    "6": "Young person no longer wishes to engage in education or training",
    "7": "Moved outside England",
    "8": "Deceased",
    "9": "Other",
}
# States in which the words of a version are settled for good.
LOCKED_STATES = ("issued", "superseded")


class Plan(models.Model):
    STATUSES = [("draft", "Assessment under way"), ("final", "In force"), ("ceased", "Ceased")]
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="plans")
    status = models.CharField(max_length=8, choices=STATUSES, default="draft", db_index=True)
    first_issued_on = models.DateField(null=True, blank=True)
    ceased_on = models.DateField(null=True, blank=True)
    cease_reason = models.CharField(max_length=2, blank=True)
    request = models.ForeignKey(
        "casework.AssessmentRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="plans"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["child"], condition=~Q(status="ceased"), name="one_live_plan_per_child")
        ]

    def __str__(self) -> str:
        return f"EHC plan for {self.child}"


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=list(VERSION_KINDS.items()))
    sections = models.JSONField(default=dict)
    state = models.CharField(max_length=12, choices=list(VERSION_STATES.items()), default="editing", db_index=True)
    source = models.CharField(max_length=16, choices=list(SOURCES.items()), default="assessment")
    sent_on = models.DateField(null=True, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    establishment = models.ForeignKey(
        "establishments.Establishment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def is_locked(self) -> bool:
        return self.state in LOCKED_STATES

    @property
    def is_editable(self) -> bool:
        return self.state in ("editing", "sent")

    @property
    def label(self) -> str:
        when = self.issued_on or self.sent_on
        return f"Version {self.number}: {self.get_kind_display().lower()}" + (f", {when:%-d %B %Y}" if when else "")


class Contribution(models.Model):
    """Who said what: a professional's structured advice, the family's own words for section A, or a comment
    on a section of a sent draft. Kept as written, with its author and when."""

    KINDS = [("advice", "Advice"), ("section_a", "Section A in their own words"), ("comment", "Comment on a draft")]
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="plan_contributions")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="contributions")
    version = models.ForeignKey(
        PlanVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="contributions"
    )
    advice_request = models.ForeignKey(
        "casework.AdviceRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="contributions"
    )
    kind = models.CharField(max_length=10, choices=KINDS)
    section = models.CharField(max_length=3, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=200)
    author_role = models.CharField(max_length=60, blank=True)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["child", "kind"])]


class PlanMedia(models.Model):
    """A photo or short video the family adds to section A. Stored through the storage backend (STORAGES["default"]) with a random name and
    served only through a view that checks who may see the child's plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="media")
    stored_name = models.CharField(max_length=80, unique=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    caption = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    @property
    def is_video(self) -> bool:
        return self.content_type.startswith("video/")
