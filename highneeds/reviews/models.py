"""Annual reviews of EHC plans, phase transfers and requests to reassess.

Each record's dated steps are replayed through the statutory clock as part of the plan's life (see
`reviews/clock.py`); the clock's answer is cached on the record (`next_step`, `next_due`,
`deadlines`) with the record's `stage`, so the tracker is a plain indexed query.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models

INVITEE_ROLES = {
    "parent": "Parent or young person",
    "setting": "Head teacher, principal or early years provider (or the SENCO)",
    "la_officer": "Council SEN officer",
    "health": "Health professional",
    "social_care": "Social care officer",
    "other": "Someone else the council considers appropriate",
}
# Regulation 20(2): a child who attends a school or other institution; regulation 21(2): one who does not.
INVITEES_AT_SETTING = ("parent", "setting", "la_officer", "health", "social_care")
INVITEES_NO_SETTING = ("parent", "la_officer", "health", "social_care", "other")

OUTCOMES_MET = {"yes": "Being met", "partly": "Partly being met", "no": "Not being met"}
DECISIONS = {"maintain": "Keep the plan as it is", "amend": "Amend the plan", "cease": "Stop the plan"}

PHASES = {"early_years": "Early years", "primary": "Primary", "secondary": "Secondary", "post16": "Post-16"}


class Tracked(models.Model):
    """The clock's latest answer for a record, kept by the services and `highneeds recalculate-reviews`."""

    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The child's setting and phase when last refreshed: what the tracker filters on.
    establishment = models.ForeignKey(
        "establishments.Establishment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    phase = models.CharField(max_length=12, choices=list(PHASES.items()), blank=True)
    next_step = models.CharField(max_length=80, blank=True)
    next_due = models.DateField(null=True, blank=True)
    deadlines = models.JSONField(default=list, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class AnnualReview(Tracked):
    STAGES = [
        ("due", "Meeting to arrange"),
        ("arranged", "Meeting arranged"),
        ("held", "Meeting held"),
        ("decided", "Decision made"),
        ("amending", "Waiting for the amended plan"),
        ("closed", "Finished"),
    ]
    AWAITING_DECISION = "held"
    AWAITING_PLAN = "amending"
    OPEN_STAGES = ("due", "arranged", "held", "amending")

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="annual_reviews")
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="annual_reviews")
    stage = models.CharField(max_length=10, choices=STAGES, default="due")
    # What the 12 months count from: the plan's making, or the previous review meeting.
    counted_from = models.DateField()
    due_on = models.DateField(null=True, blank=True)

    # The meeting (regulations 20 and 21)
    meeting_on = models.DateField(null=True, blank=True)
    meeting_arranged_on = models.DateField(null=True, blank=True)
    in_setting = models.BooleanField(default=True, help_text="The child attends a school or other institution")
    invitees = models.JSONField(default=list, blank=True)  # [{"role": ..., "name": ...}]
    invitations_sent_on = models.DateField(null=True, blank=True)
    advice_requested_on = models.DateField(null=True, blank=True)
    advice_circulated_on = models.DateField(null=True, blank=True)

    # The meeting record
    held_on = models.DateField(null=True, blank=True)
    attendees = models.TextField(blank=True)
    child_views = models.TextField("The child's or young person's views", blank=True)
    family_views = models.TextField("The parent's views", blank=True)
    professional_views = models.TextField("Professionals' views", blank=True)
    outcomes_met = models.CharField(max_length=6, choices=list(OUTCOMES_MET.items()), blank=True)
    recommended_amendments = models.TextField(blank=True)
    disagreements = models.TextField(blank=True)
    adulthood_considered = models.BooleanField(null=True, blank=True)
    adulthood_notes = models.TextField(blank=True)
    # Required before a decision: was stepping down to SEN support, and was ceasing, considered, and why not.
    step_down_considered = models.BooleanField(null=True, blank=True)
    step_down_reason = models.TextField(blank=True)
    cessation_considered = models.BooleanField(null=True, blank=True)
    cessation_reason = models.TextField(blank=True)
    report_sent_on = models.DateField(null=True, blank=True)

    # The council's decision
    decision = models.CharField(max_length=8, choices=list(DECISIONS.items()), blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True)
    cease_reason = models.CharField(max_length=2, blank=True)
    decision_letter = models.ForeignKey(
        "letters.Letter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amendment = models.ForeignKey(
        "plans.PlanVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amendments_sent_on = models.DateField(null=True, blank=True)
    amended_plan_issued_on = models.DateField(null=True, blank=True)
    # Loaded from history (the demo or an import) rather than recorded step by step here.
    from_history = models.BooleanField(default=False)

    class Meta:
        ordering = ["-counted_from", "-id"]
        indexes = [
            models.Index(fields=["stage", "next_due"], name="review_stage_due"),
            models.Index(fields=["caseworker", "stage", "next_due"], name="review_worker_due"),
            models.Index(fields=["child", "counted_from"], name="review_child"),
        ]

    def __str__(self) -> str:
        return f"Annual review for {self.child_id} due {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.stage in self.OPEN_STAGES


class ReviewContribution(models.Model):
    """Views given before the meeting through the portal: by the family, the setting or an invited professional."""

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="contributions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(max_length=200)
    author_role = models.CharField(max_length=30)
    text = models.TextField()
    given_on = models.DateField()

    class Meta:
        ordering = ["given_on", "id"]


REPORT_DAYS = 14  # the report within 2 weeks of the meeting (reg 20(7); reg 21(7) for a review the council leads)


def report_due(review) -> date | None:
    """The last day for the review report: 2 weeks after the meeting (held, or else as arranged)."""
    meeting = review.held_on or review.meeting_on
    return meeting + timedelta(days=REPORT_DAYS) if meeting else None


class SchoolReviewReport(models.Model):
    """The school's part of an annual review, written by its SENCO and submitted to the council within 2 weeks
    of the meeting (regulation 20(7)-(8)): the school's views, progress against the outcomes, attendance and the
    changes it proposes, with its reports attached (records.Document). A draft until `submitted_on` is set."""

    review = models.OneToOneField(AnnualReview, on_delete=models.CASCADE, related_name="school_report")
    establishment = models.ForeignKey(
        "establishments.Establishment", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    school_views = models.TextField(blank=True)
    outcomes_met = models.CharField(max_length=6, choices=list(OUTCOMES_MET.items()), blank=True)
    progress = models.TextField(blank=True)
    attendance = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    proposed_changes = models.TextField(blank=True)
    documents = models.ManyToManyField("records.Document", blank=True, related_name="+")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    submitted_on = models.DateField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class PhaseTransfer(Tracked):
    KINDS = {
        "school": "School transfer",
        "secondary_to_post16": "Secondary school to post-16",
        "post16": "Post-16 to post-16",
    }
    STAGES = [
        ("preferences", "Gathering preferences"),
        ("consulting", "Consulting settings"),
        ("amended", "Plan amended"),
        ("cancelled", "No longer moving"),
    ]

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="phase_transfers")
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="phase_transfers")
    kind = models.CharField(max_length=20, choices=list(KINDS.items()))
    transfer_on = models.DateField()
    from_year = models.SmallIntegerField("Year group now")
    to_year = models.SmallIntegerField("Year group after the move")
    identified_on = models.DateField()
    deadline = models.DateField(null=True, blank=True)
    stage = models.CharField(max_length=12, choices=STAGES, default="preferences")
    preferences_gathered_on = models.DateField(null=True, blank=True)
    amended_on = models.DateField(null=True, blank=True)
    new_establishment = models.ForeignKey(
        "establishments.Establishment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey("plans.PlanVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["deadline", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "transfer_on"], name="one_transfer_per_plan_date")]
        indexes = [
            models.Index(fields=["transfer_on", "stage", "next_due"], name="transfer_year_due"),
            models.Index(fields=["caseworker", "transfer_on", "next_due"], name="transfer_worker_due"),
        ]


class PhasePreference(models.Model):
    transfer = models.ForeignKey(PhaseTransfer, on_delete=models.CASCADE, related_name="preferences")
    rank = models.PositiveSmallIntegerField()
    establishment = models.ForeignKey("establishments.Establishment", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["rank"]
        constraints = [models.UniqueConstraint(fields=["transfer", "rank"], name="one_preference_per_rank")]


class PhaseConsultation(models.Model):
    OUTCOMES = {
        "": "Waiting for a reply",
        "can_meet": "Can meet the child's needs",
        "cannot_meet": "Cannot meet the child's needs",
        "other": "Other reply",
    }
    transfer = models.ForeignKey(PhaseTransfer, on_delete=models.CASCADE, related_name="consultations")
    establishment = models.ForeignKey("establishments.Establishment", on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField()
    reply_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=list(OUTCOMES.items()), blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["sent_on", "id"]
        constraints = [models.UniqueConstraint(fields=["transfer", "establishment"], name="one_phase_consultation")]


class Reassessment(Tracked):
    REQUESTERS = {
        "parent": "Parent",
        "young_person": "Young person",
        "setting": "School or college",
        "council": "The council",
    }
    STAGES = [
        ("deciding", "Deciding whether to reassess"),
        ("reassessing", "Reassessing"),
        ("refused", "Refused"),
        ("done", "New plan issued"),
    ]
    OPEN_STAGES = ("deciding", "reassessing")

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="reassessments")
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="reassessments")
    requested_by = models.CharField(max_length=12, choices=list(REQUESTERS.items()))
    requester_name = models.CharField(max_length=200, blank=True)
    received_on = models.DateField()
    reason = models.TextField(blank=True)
    stage = models.CharField(max_length=12, choices=STAGES, default="deciding")
    decision = models.CharField(max_length=8, choices=[("reassess", "Reassess"), ("refuse", "Refuse")], blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True)
    decision_letter = models.ForeignKey(
        "letters.Letter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    plan_issued_on = models.DateField(null=True, blank=True)
    version = models.ForeignKey("plans.PlanVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["stage", "next_due"], name="reassess_stage_due")]

    @property
    def is_open(self) -> bool:
        return self.stage in self.OPEN_STAGES
