from __future__ import annotations

from django import forms

from highneeds.establishments.models import Establishment
from highneeds.web.forms import GovukDateField, GovukForm

from . import queries
from .models import (
    DECISIONS,
    INVITEE_ROLES,
    OUTCOMES_MET,
    PHASES,
    PhaseConsultation,
    PhaseTransfer,
    Reassessment,
)

YES_NO = [("yes", "Yes"), ("no", "No")]
TEXT = {"widget": forms.Textarea, "max_length": 10000}


def yes_no(value) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class TrackerFilterForm(GovukForm):
    caseworker = forms.ChoiceField(label="Caseworker", required=False)
    rag = forms.ChoiceField(
        label="Deadline status", required=False, choices=[("", "Any")] + list(queries.RAG_LABELS.items())
    )
    phase = forms.ChoiceField(label="Phase", required=False, choices=[("", "Any phase")] + list(PHASES.items()))
    urn = forms.IntegerField(label="Setting URN", required=False, min_value=1)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["caseworker"].choices = [
            (queries.ALL, "Everyone"),
            ("mine", "Mine"),
            (queries.UNASSIGNED, "Not assigned"),
        ] + [(str(u.pk), u.get_full_name() or u.username) for u in queries.caseworkers()]

    def values(self) -> dict:
        if not self.is_bound:
            return {"caseworker": queries.ALL}
        self.is_valid()  # valid fields still apply when another is not (its error is shown)
        data = self.cleaned_data
        whose = data.get("caseworker") or queries.ALL
        if whose == "mine":
            whose = None
        elif whose not in (queries.ALL, queries.UNASSIGNED):
            whose = int(whose)
        setting = None
        if data.get("urn"):
            setting = Establishment.objects.filter(urn=data["urn"]).values_list("pk", flat=True).first() or -1
            if setting == -1:
                self.add_error("urn", "No setting has this URN")
        return {
            "caseworker": whose,
            "rag": data.get("rag", ""),
            "phase": data.get("phase", ""),
            "establishment": setting,
        }


class ArrangeForm(GovukForm):
    meeting_on = GovukDateField(label="Date of the review meeting")
    arranged_on = GovukDateField(label="Date it was arranged")
    in_setting = forms.ChoiceField(
        label="Does the child attend a school, college or early years setting?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    invitees = forms.MultipleChoiceField(
        label="Who is invited", choices=list(INVITEE_ROLES.items()), widget=forms.CheckboxSelectMultiple
    )
    names = forms.CharField(label="Names of those invited (optional, one a line)", required=False, **TEXT)


class DateForm(GovukForm):
    on = GovukDateField(label="Date")

    def __init__(self, *args, label="Date", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].label = label


class MeetingForm(GovukForm):
    held_on = GovukDateField(label="Date the meeting took place")
    attendees = forms.CharField(label="Who attended", **TEXT)
    child_views = forms.CharField(label="The child's or young person's views", required=False, **TEXT)
    family_views = forms.CharField(label="The parent's views", required=False, **TEXT)
    professional_views = forms.CharField(label="Professionals' views", required=False, **TEXT)
    outcomes_met = forms.ChoiceField(
        label="Are the plan's outcomes being met?", choices=list(OUTCOMES_MET.items()), widget=forms.RadioSelect
    )
    recommended_amendments = forms.CharField(label="Amendments the meeting recommends", required=False, **TEXT)
    disagreements = forms.CharField(label="Disagreements", required=False, **TEXT)
    adulthood_considered = forms.BooleanField(
        label="Preparing for adulthood and independent living was considered (required from Year 9)", required=False
    )
    adulthood_notes = forms.CharField(label="Preparing for adulthood: what was discussed", required=False, **TEXT)
    step_down_considered = forms.ChoiceField(
        label="Was stepping down to SEN support considered?", choices=YES_NO, widget=forms.RadioSelect, required=False
    )
    step_down_reason = forms.CharField(label="Why stepping down was or was not pursued", required=False, **TEXT)
    cessation_considered = forms.ChoiceField(
        label="Was ceasing the plan considered?", choices=YES_NO, widget=forms.RadioSelect, required=False
    )
    cessation_reason = forms.CharField(label="Why ceasing was or was not pursued", required=False, **TEXT)


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="The council's decision", choices=list(DECISIONS.items()), widget=forms.RadioSelect
    )
    decided_on = GovukDateField(label="Date of the decision (the notice is sent the same day)")
    reasons = forms.CharField(label="Reasons", **TEXT)
    cease_reason = forms.ChoiceField(label="If stopping the plan: the reason (SEN2)", required=False)
    # Required, but by the service (decide), which says exactly what is missing.
    step_down_considered = forms.ChoiceField(
        label="Was stepping down to SEN support considered?", choices=YES_NO, widget=forms.RadioSelect, required=False
    )
    step_down_reason = forms.CharField(label="Why stepping down was or was not pursued", required=False, **TEXT)
    cessation_considered = forms.ChoiceField(
        label="Was ceasing the plan considered?", choices=YES_NO, widget=forms.RadioSelect, required=False
    )
    cessation_reason = forms.CharField(label="Why ceasing was or was not pursued", required=False, **TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cease_reason"].choices = [("", "Not stopping the plan")] + list(queries.cease_reasons().items())


class IssueForm(GovukForm):
    on = GovukDateField(label="Date the plan was issued")
    urn = forms.IntegerField(
        label="URN of the school or college to name (optional: else section I as it stands)",
        required=False,
        min_value=1,
    )


class SettingForm(GovukForm):
    urn = forms.IntegerField(label="URN of the school or college", min_value=1)
    on = GovukDateField(label="Date")


class PreferencesForm(GovukForm):
    first = forms.IntegerField(label="First preference: URN", min_value=1)
    second = forms.IntegerField(label="Second preference: URN (optional)", required=False, min_value=1)
    third = forms.IntegerField(label="Third preference: URN (optional)", required=False, min_value=1)
    on = GovukDateField(label="Date the family gave their preferences")


class ReplyForm(GovukForm):
    consultation = forms.TypedChoiceField(label="Setting", coerce=int)
    on = GovukDateField(label="Date of the reply")
    outcome = forms.ChoiceField(label="Reply", choices=[(k, v) for k, v in PhaseConsultation.OUTCOMES.items() if k])
    notes = forms.CharField(label="Notes", required=False, **TEXT)

    def __init__(self, *args, consultations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation"].choices = [(c.pk, c.establishment.name) for c in consultations]


class TransferForm(GovukForm):
    kind = forms.ChoiceField(label="Kind of move", choices=list(PhaseTransfer.KINDS.items()))
    transfer_on = GovukDateField(label="Date of the move")


class ReassessmentRequestForm(GovukForm):
    received_on = GovukDateField(label="Date the request was received")
    requested_by = forms.ChoiceField(label="Who asked", choices=list(Reassessment.REQUESTERS.items()))
    requester_name = forms.CharField(label="Their name (optional)", max_length=200, required=False)
    reason = forms.CharField(label="Why they asked", required=False, **TEXT)


class ReassessmentDecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Decision", choices=[("reassess", "Reassess"), ("refuse", "Refuse")], widget=forms.RadioSelect
    )
    decided_on = GovukDateField(label="Date of the decision")
    reasons = forms.CharField(label="Reasons", **TEXT)


class ContributionForm(GovukForm):
    text = forms.CharField(label="Your views", **TEXT)
