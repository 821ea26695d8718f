"""Multi-agency panels: members by agency, meetings with agendas, quorum, conflicts of interest,
and a recommendation per case. The council's decision is recorded separately (casework.Decision)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

PANEL_TYPES = {
    "assess": "Decision to assess",
    "issue": "Decision to issue",
    "placement": "Placement and funding",
}
AGENCIES = {
    "education": "Education",
    "health": "Health",
    "social_care": "Social care",
    "parent_carer_forum": "Parent carer forum",
    "other": "Other",
}
RECOMMENDATIONS = {
    "assess": [("assess", "Assess"), ("not_assess", "Do not assess"), ("defer", "Defer for more information")],
    "issue": [("issue", "Issue a plan"), ("not_issue", "Do not issue a plan"), ("defer", "Defer for more information")],
    "placement": [
        ("agree", "Agree the placement and funding"),
        ("not_agree", "Do not agree"),
        ("defer", "Defer for more information"),
    ],
}
# What a recommendation says the decision should be: True (assess / issue) or False. Others (defer) say neither.
RECOMMENDS = {"assess": True, "not_assess": False, "issue": True, "not_issue": False}


def preselected(recommendation) -> tuple[str, str]:
    """The decision form's answer ("yes"/"no", or "" for a deferral) from a panel's recommendation, and the hint
    that says where it came from: the caseworker can still change it."""
    says = RECOMMENDS.get(recommendation.outcome)
    meeting = recommendation.item.meeting
    if says is None:
        return "", ""
    return "yes" if says else "no", (
        f"Preselected from the recommendation of {meeting.panel.name} on {meeting.meets_on:%-d %B %Y}: "
        f"{recommendation.get_outcome_label()}. Change it if the council decides otherwise."
    )


class Panel(models.Model):
    name = models.CharField(max_length=120)
    panel_type = models.CharField(max_length=12, choices=list(PANEL_TYPES.items()))
    quorum = models.PositiveSmallIntegerField(default=3, help_text="Members needed, present and without a conflict")
    quorum_agencies = models.JSONField(
        default=list, blank=True, help_text="Agencies that must be represented, e.g. education and health"
    )
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name

    @property
    def recommendation_choices(self) -> list[tuple[str, str]]:
        return RECOMMENDATIONS[self.panel_type]

    @property
    def quorum_agency_labels(self) -> list[str]:
        return [AGENCIES.get(a, a) for a in self.quorum_agencies or []]


class PanelMember(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panel_memberships")
    agency = models.CharField(max_length=20, choices=list(AGENCIES.items()))
    is_chair = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["panel", "user"], name="one_membership_per_panel")]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.username} ({self.get_agency_display()})"


class PanelMeeting(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="meetings")
    meets_on = models.DateField()
    location = models.CharField(max_length=200, blank=True)
    present = models.ManyToManyField(PanelMember, blank=True, related_name="meetings_attended")
    closed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-meets_on"]


class AgendaItem(models.Model):
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="items")
    request = models.ForeignKey("casework.AssessmentRequest", on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=0)
    summary = models.TextField(blank=True, help_text="What the panel is asked to consider")

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "request"], name="case_once_per_meeting")]


class ConflictOfInterest(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="conflicts")
    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="conflicts")
    note = models.CharField(max_length=250)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="one_conflict_per_member_item")]


class Recommendation(models.Model):
    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="recommendation")
    outcome = models.CharField(max_length=12)
    reasons = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Who was there and able to vote, kept as it was on the day.
    quorate_members = models.JSONField(default=list)

    def get_outcome_label(self) -> str:
        return dict(RECOMMENDATIONS.get(self.item.meeting.panel.panel_type, [])).get(self.outcome, self.outcome)
