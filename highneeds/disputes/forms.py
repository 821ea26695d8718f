from __future__ import annotations

from django import forms

from highneeds.web.forms import GovukDateField, GovukForm, GovukModelForm

from .models import (
    CEASE_REASONS,
    MATTERS,
    MATTERS_FOR_NOTICE,
    NOTICE_MATTERS,
    Appeal,
    Complaint,
    DisputeSettings,
    Mediation,
    TribunalOrder,
)

YES_NO = [("yes", "Yes"), ("no", "No")]


class NoticeForm(GovukForm):
    matter = forms.ChoiceField(label="What the decision was about", choices=list(NOTICE_MATTERS.items()))
    sent_on = GovukDateField(label="Date the notice was sent")
    summary = forms.CharField(label="What was decided (optional)", max_length=300, required=False)
    letter = forms.TypedChoiceField(
        label="Letter that carried the notice (optional)", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, letters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letter"].choices = [("", "Not on highneeds")] + [
            (letter.pk, f"{letter.subject} ({letter.created_at:%-d %B %Y})") for letter in letters
        ]


class ContactForm(GovukForm):
    contacted_on = GovukDateField(label="Date the family contacted the mediation adviser")


class DeclinedForm(GovukForm):
    declined_on = GovukDateField(label="Date the family told the adviser they do not want mediation")


class MediationRequestForm(GovukForm):
    requested_on = GovukDateField(label="Date the council was told the family want mediation")
    issues = forms.CharField(label="What the family want to mediate about", widget=forms.Textarea, max_length=5000)
    health_in_dispute = forms.BooleanField(label="Health provision is in dispute", required=False)
    health_only = forms.BooleanField(
        label="Only health provision is in dispute (the ICB arranges the mediation)", required=False
    )


class IcbForm(GovukForm):
    told_on = GovukDateField(label="Date each ICB was told")


class ArrangedForm(GovukForm):
    arranged_on = GovukDateField(label="Date the mediation was arranged")
    mediation_on = GovukDateField(label="Date of the mediation")
    mediator = forms.CharField(label="Mediator or mediation service (optional)", max_length=200, required=False)


class HeldForm(GovukForm):
    held_on = GovukDateField(label="Date the mediation took place")
    outcome = forms.ChoiceField(label="Outcome", choices=Mediation.OUTCOMES[1:])
    agreement = forms.CharField(
        label="What was agreed (optional)", widget=forms.Textarea, required=False, max_length=5000
    )


class CertificateForm(GovukForm):
    issued_on = GovukDateField(label="Date the mediation certificate was issued")


class AppealForm(GovukForm):
    matters = forms.MultipleChoiceField(label="What is appealed", widget=forms.CheckboxSelectMultiple)
    lodged_on = GovukDateField(label="Date the tribunal registered the appeal")
    tribunal_reference = forms.CharField(label="Tribunal reference (optional)", max_length=40, required=False)
    response_due = GovukDateField(label="Council's response due (leave blank to use the usual period)", required=False)

    def __init__(self, *args, notice=None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = MATTERS_FOR_NOTICE[notice.matter] if notice else tuple(MATTERS)
        self.fields["matters"].choices = [(m, MATTERS[m]) for m in allowed]


class ResponseForm(GovukForm):
    sent_on = GovukDateField(label="Date the council's response was sent to the tribunal")


class HearingForm(GovukForm):
    hearing_on = GovukDateField(label="Hearing date")


class OutcomeForm(GovukForm):
    outcome = forms.ChoiceField(label="Outcome", choices=[c for c in Appeal.OUTCOMES if c[0]])
    outcome_on = GovukDateField(label="Date of the decision, concession or withdrawal")
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False, max_length=5000)


class OrderForm(GovukForm):
    kind = forms.ChoiceField(label="Kind of order", choices=list(TribunalOrder.KINDS.items()))
    text = forms.CharField(label="What was ordered", widget=forms.Textarea, required=False, max_length=5000)
    made_on = GovukDateField(label="Date of the order")
    due_on = GovukDateField(
        label="Comply by (leave blank to use the usual period for this kind of order)", required=False
    )


class ComplianceForm(GovukForm):
    complied_on = GovukDateField(label="Date complied with")
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False, max_length=5000)


class ComplaintForm(GovukForm):
    stage = forms.ChoiceField(label="Stage", choices=Complaint.STAGES)
    received_on = GovukDateField(label="Date received")
    complainant = forms.CharField(label="Who complained", max_length=200)
    subject = forms.CharField(label="What the complaint is about", widget=forms.Textarea, max_length=10000)
    reference = forms.CharField(
        label="Reference (optional; the Ombudsman's for an Ombudsman case)", max_length=40, required=False
    )
    response_due = GovukDateField(label="Response due (leave blank to use the usual period)", required=False)


class ComplaintResponseForm(GovukForm):
    responded_on = GovukDateField(label="Date of the response or final decision")
    outcome = forms.ChoiceField(label="Outcome", choices=[c for c in Complaint.OUTCOMES if c[0]])
    findings = forms.CharField(label="Findings", widget=forms.Textarea, required=False, max_length=10000)
    remedies = forms.CharField(
        label="Remedies (apology, payment, action)", widget=forms.Textarea, required=False, max_length=10000
    )
    learning = forms.CharField(
        label="Learning for the service", widget=forms.Textarea, required=False, max_length=10000
    )


class EscalateForm(GovukForm):
    received_on = GovukDateField(label="Date the next stage began")
    reference = forms.CharField(label="Reference (optional)", max_length=40, required=False)
    response_due = GovukDateField(label="Response due (leave blank to use the usual period)", required=False)


class CessationForm(GovukForm):
    reason = forms.ChoiceField(label="Reason (SEN2)", choices=list(CEASE_REASONS.items()))
    proposed_on = GovukDateField(label="Date proposed")
    reason_detail = forms.CharField(label="Why (optional)", widget=forms.Textarea, required=False, max_length=5000)


class ConsultForm(GovukForm):
    who = forms.ChoiceField(
        label="Who was consulted",
        choices=[("family", "The parent or young person"), ("setting", "The head or principal of the setting")],
    )
    consulted_on = GovukDateField(label="Date consulted")
    urn = forms.IntegerField(label="URN of the setting (if consulting a setting not already recorded)", required=False)


class ConsultResponseForm(GovukForm):
    who = forms.ChoiceField(
        label="Whose response",
        choices=[("family", "The parent or young person"), ("setting", "The head or principal of the setting")],
    )
    response_on = GovukDateField(label="Date of the response")
    response = forms.CharField(label="Their response, or a summary", widget=forms.Textarea, max_length=10000)


class CessationDecisionForm(GovukForm):
    outcome = forms.ChoiceField(label="Will the council cease the plan?", choices=YES_NO)
    decided_on = GovukDateField(label="Date of the decision")
    reasons = forms.CharField(label="Reasons", widget=forms.Textarea, max_length=5000)
    takes_effect_on = GovukDateField(
        label="Date the plan is to cease (leave blank for the end of the academic year)", required=False
    )
    outcomes_achieved = forms.ChoiceField(
        label="Aged 19 or over: have the education or training outcomes been achieved?",
        required=False,
        choices=[("", "Not applicable"), ("yes", "Yes"), ("no", "No")],
    )


class NoAppealForm(GovukForm):
    confirmed_on = GovukDateField(label="Date the family confirmed they will not appeal")
    note = forms.CharField(label="How they confirmed it", widget=forms.Textarea, max_length=2000)


class ApplyForm(GovukForm):
    ceased_on = GovukDateField(label="Date the plan ceases")


class WithdrawForm(GovukForm):
    withdrawn_on = GovukDateField(label="Date withdrawn")
    reason = forms.CharField(label="Reason", max_length=500)


class SettingsForm(GovukModelForm):
    """The working-day periods, then one box per kind of order: days to comply (calendar days)."""

    class Meta:
        model = DisputeSettings
        fields = [
            "icb_notice_working_days",
            "appeal_response_working_days",
            "complaint_stage1_working_days",
            "complaint_stage2_working_days",
            "ombudsman_working_days",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in TribunalOrder.KINDS.items():
            self.fields[f"order_{kind}"] = forms.IntegerField(
                label=f"Days to comply: {label[0].lower()}{label[1:]}",
                min_value=0,
                max_value=365,
                initial=self.instance.days_for_order(kind),
            )

    def values(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["order_days"] = {name[6:]: value for name, value in self.cleaned_data.items() if name.startswith("order_")}
        return data
