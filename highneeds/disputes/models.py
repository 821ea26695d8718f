"""Disagreements and the end of a plan: cessation, decision notices, mediation, tribunal appeals
with their orders, complaints and Ombudsman cases.

Statutory deadlines (mediation arranged and certificates, the family's appeal deadline) come from
the statutory clock (highneeds.engine.clock) replaying each notice's events; the clock's answer is
cached on the notice (`deadlines`, `next_step`, `next_due`) so the overview is plain queries. Periods
the law leaves to practice or that are UNVERIFIED are in `DisputeSettings` (see docs/disagreement.md).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import models

# SEN2 CeaseReason (item 4.6), DOMAIN.md section 5: one list, kept with the plan.
from highneeds.plans.models import CEASE_REASONS  # noqa: E402,F401

# Appealable decisions (CFA s51(2)); G and H are recommendation-only (SI 2017/1306).
MATTERS: dict[str, str] = {
    "refuse_assess": "Refusal to carry out an EHC needs assessment",
    "not_issue": "Decision not to issue a plan after assessment",
    "section_b": "Section B: special educational needs",
    "section_f": "Section F: special educational provision",
    "section_i": "Section I: the school, college or type named",
    "section_i_none": "Section I: that no school or college is named",
    "refuse_reassess": "Refusal to carry out a reassessment",
    "refuse_amend": "Refusal to amend or replace the plan after a review or reassessment",
    "cessation": "Decision to cease the plan",
    "section_g": "Section G: health provision (recommendation only)",
    "section_h": "Section H: social care provision (recommendation only)",
}
RECOMMENDATION_ONLY = frozenset({"section_g", "section_h"})
SECTION_I_MATTERS = frozenset({"section_i", "section_i_none"})
# What a decision notice can be about: the plan's content is one notice, appealed on B, F and/or I.
NOTICE_MATTERS: dict[str, str] = {
    "refuse_assess": MATTERS["refuse_assess"],
    "not_issue": MATTERS["not_issue"],
    "plan_content": "A final plan, or an amended or replacement plan (sections B, F and I)",
    "refuse_reassess": MATTERS["refuse_reassess"],
    "refuse_amend": MATTERS["refuse_amend"],
    "cessation": MATTERS["cessation"],
}
# Which appeal matters fit which notice.
MATTERS_FOR_NOTICE: dict[str, tuple[str, ...]] = {
    "refuse_assess": ("refuse_assess",),
    "not_issue": ("not_issue",),
    "plan_content": ("section_b", "section_f", "section_i", "section_i_none", "section_g", "section_h"),
    "refuse_reassess": ("refuse_reassess",),
    "refuse_amend": ("refuse_amend", "section_g", "section_h"),
    "cessation": ("cessation",),
}


class DisputeSettings(models.Model):
    """One row of day counts (`current()`); the defaults and their sources are in docs/disagreement.md."""

    icb_notice_working_days = models.PositiveSmallIntegerField(
        "Working days to tell each ICB of a health-only mediation request", default=3
    )
    appeal_response_working_days = models.PositiveSmallIntegerField(
        "Working days from registration for the council's response to an appeal (default when the tribunal's "
        "letter gives no date)",
        default=30,
    )
    complaint_stage1_working_days = models.PositiveSmallIntegerField(
        "Working days to answer a stage 1 complaint", default=10
    )
    complaint_stage2_working_days = models.PositiveSmallIntegerField(
        "Working days to answer a stage 2 complaint", default=20
    )
    ombudsman_working_days = models.PositiveSmallIntegerField(
        "Working days to answer an Ombudsman's enquiry (default when the Ombudsman gives no date)", default=20
    )
    # Days to comply with each kind of tribunal order after a hearing (R 44: UNVERIFIED) and after a
    # concession (R 45 as substituted by SI 2015/359). Keys are TribunalOrder kinds; values are days.
    order_days = models.JSONField(default=dict, blank=True)

    DEFAULT_ORDER_DAYS = {
        "assess": 28,
        "reassess": 28,
        "issue_plan": 35,
        "amend_plan": 35,
        "name_setting": 35,
        "continue_plan": 0,
        "recommendation": 35,
        "other": 35,
        # Unopposed appeals (R 45): tell the parent within 2 weeks; amended plan within 5 weeks. A conceded
        # appeal against not issuing a plan is not in DOMAIN.md: 5 weeks here, UNVERIFIED.
        "concede_assess": 14,
        "concede_reassess": 14,
        "concede_issue": 35,
        "concede_content": 35,
    }

    class Meta:
        verbose_name_plural = "dispute settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete("disputes-settings")

    @classmethod
    def current(cls) -> DisputeSettings:
        found = cache.get("disputes-settings")
        if found is None:
            found = cls.objects.filter(pk=1).first() or cls(pk=1)
            cache.set("disputes-settings", found, 60)
        return found

    def days_for_order(self, kind: str) -> int:
        return int({**self.DEFAULT_ORDER_DAYS, **(self.order_days or {})}.get(kind, self.DEFAULT_ORDER_DAYS["other"]))


class DecisionNotice(models.Model):
    """The written notice of an appealable decision: the family's mediation and appeal clocks start here."""

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="decision_notices")
    matter = models.CharField(max_length=20, choices=list(NOTICE_MATTERS.items()))
    sent_on = models.DateField("Date the notice was sent")
    letter = models.ForeignKey("letters.Letter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    request = models.ForeignKey(
        "casework.AssessmentRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField("What was decided", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The clock's latest answer for this notice's steps.
    deadlines = models.JSONField(default=list, blank=True)
    next_step = models.CharField(max_length=80, blank=True)
    next_due = models.DateField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-sent_on", "-id"]

    @property
    def key(self) -> str:
        """The clock's `decision` key for this notice's events and steps."""
        return f"notice{self.pk}"

    def __str__(self) -> str:
        return f"{self.get_matter_display()} ({self.sent_on:%-d %B %Y})"

    def due(self, step: str) -> date | None:
        """The clock's due date for `step` (without the key), if it has one."""
        for d in self.deadlines:
            if d["step"] == f"{step}:{self.key}":
                return date.fromisoformat(d["due"])
        return None

    def deadline(self, step: str) -> dict | None:
        return next((d for d in self.deadlines if d["step"] == f"{step}:{self.key}"), None)


class Mediation(models.Model):
    """The family's contact with the mediation adviser after one notice, and what followed (R 33-39)."""

    STAGES = [
        ("contacted", "Family contacted the mediation adviser"),
        ("declined", "Mediation declined"),
        ("requested", "Mediation requested"),
        ("arranged", "Mediation arranged"),
        ("held", "Mediation held"),
        ("certificate", "Certificate issued"),
    ]
    OUTCOMES = [
        ("", "Not yet"),
        ("agreed", "Agreement reached"),
        ("partly", "Agreement on some issues"),
        ("not_agreed", "No agreement"),
    ]
    ARRANGERS = [("council", "The council"), ("icb", "The integrated care board (health only)")]
    notice = models.OneToOneField(DecisionNotice, on_delete=models.CASCADE, related_name="mediation")
    stage = models.CharField(max_length=12, choices=STAGES, default="contacted")
    adviser_contacted_on = models.DateField(null=True, blank=True)
    declined_on = models.DateField(null=True, blank=True)
    requested_on = models.DateField("Date the council was told the family want mediation", null=True, blank=True)
    issues = models.TextField(blank=True)
    health_in_dispute = models.BooleanField(default=False)
    health_only = models.BooleanField(default=False)
    icbs_told_on = models.DateField(null=True, blank=True)
    arranged_by = models.CharField(max_length=8, choices=ARRANGERS, blank=True)
    arranged_on = models.DateField(null=True, blank=True)
    mediation_on = models.DateField("Date of the mediation", null=True, blank=True)
    mediator = models.CharField(max_length=200, blank=True)
    held_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=OUTCOMES, blank=True)
    agreement = models.TextField(blank=True)
    certificate_on = models.DateField(null=True, blank=True)

    @property
    def child(self):
        return self.notice.child


class Appeal(models.Model):
    """An appeal to the First-tier Tribunal (SEND) against one decision notice."""

    OUTCOMES = [
        ("", "Not decided"),
        ("dismissed", "Dismissed"),
        ("allowed", "Allowed in full"),
        ("allowed_part", "Allowed in part"),
        ("conceded", "Conceded by the council (unopposed)"),
        ("withdrawn", "Withdrawn by the family"),
    ]
    DECIDED = ("dismissed", "allowed", "allowed_part", "conceded", "withdrawn")
    notice = models.ForeignKey(DecisionNotice, on_delete=models.CASCADE, related_name="appeals")
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="appeals")
    matters = models.JSONField(default=list)
    tribunal_reference = models.CharField(max_length=40, blank=True)
    lodged_on = models.DateField("Date the tribunal registered the appeal")
    response_due = models.DateField("Council's response due")
    response_sent_on = models.DateField(null=True, blank=True)
    hearing_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=OUTCOMES, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-lodged_on", "-id"]

    @property
    def decided(self) -> bool:
        return self.outcome in self.DECIDED

    @property
    def matter_labels(self) -> list[str]:
        return [MATTERS.get(m, m) for m in self.matters]


class TribunalOrder(models.Model):
    """What the tribunal ordered (or the council conceded), with the date to comply by."""

    KINDS = {
        "assess": "Carry out an EHC needs assessment",
        "reassess": "Carry out a reassessment",
        "issue_plan": "Make and issue a plan",
        "amend_plan": "Amend the plan (sections B or F)",
        "name_setting": "Name a school, college or type in section I",
        "continue_plan": "Maintain the plan (cessation overturned)",
        "recommendation": "Recommendation on health or social care (not binding)",
        "other": "Other order",
        "concede_assess": "Conceded: tell the family the council will assess",
        "concede_reassess": "Conceded: tell the family the council will reassess",
        "concede_issue": "Conceded: issue a plan",
        "concede_content": "Conceded: amend the plan's content or setting",
    }
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="orders")
    kind = models.CharField(max_length=20, choices=list(KINDS.items()))
    text = models.TextField("What was ordered", blank=True)
    made_on = models.DateField()
    due_on = models.DateField("Comply by")
    binding = models.BooleanField(default=True)
    complied_on = models.DateField(null=True, blank=True)
    compliance_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def overdue(self, today: date) -> bool:
        return self.complied_on is None and self.due_on < today


class Complaint(models.Model):
    """A complaint at one stage of the council's procedure, or a case with the Local Government and
    Social Care Ombudsman. Escalating opens the next stage as a new record linked to this one."""

    STAGES = [("stage1", "Stage 1"), ("stage2", "Stage 2"), ("ombudsman", "Local Government and Social Care Ombudsman")]
    OUTCOMES = [
        ("", "Not decided"),
        ("upheld", "Upheld"),
        ("partly", "Partly upheld"),
        ("not_upheld", "Not upheld"),
        ("withdrawn", "Withdrawn"),
        ("fault_injustice", "Fault causing injustice (Ombudsman)"),
        ("fault_no_injustice", "Fault, no injustice (Ombudsman)"),
        ("no_fault", "No fault (Ombudsman)"),
        ("not_investigated", "Not investigated (Ombudsman)"),
    ]
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="complaints")
    stage = models.CharField(max_length=10, choices=STAGES)
    escalated_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="escalated_to"
    )
    received_on = models.DateField()
    complainant = models.CharField(max_length=200)
    subject = models.TextField()
    reference = models.CharField("Reference (the Ombudsman's, for an Ombudsman case)", max_length=40, blank=True)
    response_due = models.DateField()
    responded_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=OUTCOMES, blank=True)
    findings = models.TextField(blank=True)
    remedies = models.TextField(blank=True)
    learning = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-received_on", "-id"]


class Cessation(models.Model):
    """Ceasing a plan (CFA s45; R 29-31): proposal, consultation, decision and notice; it takes effect
    only after the appeal window has passed or an appeal has been decided."""

    STATUSES = [
        ("consulting", "Consulting"),
        ("not_ceasing", "Decided not to cease"),
        ("notice_sent", "Notice sent: plan stays in force during the appeal window"),
        ("held", "Appeal lodged: plan stays in force until it is decided"),
        ("ceased", "Plan ceased"),
        ("overturned", "Tribunal ordered the plan to continue"),
        ("withdrawn", "Withdrawn"),
    ]
    OPEN = ("consulting", "notice_sent", "held")
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="cessations")
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="cessations")
    review = models.ForeignKey(
        "reviews.AnnualReview", null=True, blank=True, on_delete=models.SET_NULL, related_name="cessations"
    )
    status = models.CharField(max_length=12, choices=STATUSES, default="consulting", db_index=True)
    reason = models.CharField("SEN2 reason", max_length=1, choices=list(CEASE_REASONS.items()))
    reason_detail = models.TextField(blank=True)
    # 19+: whether the education or training outcomes have been achieved (CFA s45(3)).
    outcomes_achieved = models.BooleanField(null=True, blank=True)
    proposed_on = models.DateField()
    family_consulted_on = models.DateField(null=True, blank=True)
    family_response_on = models.DateField(null=True, blank=True)
    family_response = models.TextField(blank=True)
    setting = models.ForeignKey(
        "establishments.Establishment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    setting_consulted_on = models.DateField(null=True, blank=True)
    setting_response_on = models.DateField(null=True, blank=True)
    setting_response = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True)
    notice = models.OneToOneField(
        DecisionNotice, null=True, blank=True, on_delete=models.SET_NULL, related_name="cessation"
    )
    takes_effect_on = models.DateField("Date the plan is to cease", null=True, blank=True)
    no_appeal_confirmed_on = models.DateField(null=True, blank=True)
    no_appeal_note = models.TextField(blank=True)
    ceased_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-proposed_on", "-id"]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
