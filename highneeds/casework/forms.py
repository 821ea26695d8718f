from __future__ import annotations

from django import forms

from highneeds.accounts.models import User
from highneeds.engine import codes
from highneeds.panels.models import RECOMMENDATIONS, preselected
from highneeds.web.forms import GovukDateField, GovukForm

from .models import ADVISER_TYPES, EXCEPTION_TYPES, SchoolConsultation

YES_NO = [("yes", "Yes"), ("no", "No")]


def recommendation_label(recommendation) -> str:

    choices = dict(RECOMMENDATIONS.get(recommendation.item.meeting.panel.panel_type, []))
    return choices.get(recommendation.outcome, recommendation.outcome)


class FindChildForm(GovukForm):
    q = forms.CharField(label="Child or young person's name or UPN", max_length=100)


class RequestForm(GovukForm):
    received_on = GovukDateField(label="Date the request was received")
    source = forms.ChoiceField(label="Who made the request", choices=list(codes.REQUEST_SOURCES.items()))
    requester_name = forms.CharField(label="Name of the person who asked", max_length=200, required=False)
    requester_relationship = forms.CharField(label="Their relationship to the child", max_length=100, required=False)
    requester_email = forms.EmailField(label="Their email address (optional)", required=False)
    reason = forms.CharField(label="Why the request is made", widget=forms.Textarea, required=False, max_length=5000)
    responsible_from = GovukDateField(
        label="Date the council became responsible, if the child moved in after the request (optional)", required=False
    )
    caseworker = forms.ModelChoiceField(
        label="Caseworker", queryset=User.objects.none(), required=False, empty_label="Not yet assigned"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = User.objects.filter(role__in=["caseworker", "manager"], is_active=True)


class DecisionForm(GovukForm):
    outcome = forms.ChoiceField(label="Decision", choices=YES_NO)
    decided_on = GovukDateField(label="Date of the decision")
    reasons = forms.CharField(label="Reasons", widget=forms.Textarea, max_length=5000)
    recommendation = forms.TypedChoiceField(
        label="Panel recommendation considered", required=False, coerce=int, empty_value=None
    )
    departure_reasons = forms.CharField(
        label="If the decision differs from the panel's recommendation, why",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, recommendations=(), question="", kind="", **kwargs):
        recommendations = list(recommendations)
        # The latest recommendation of a panel on this decision (assess or issue) is preselected, with its answer.
        latest = max(
            (r for r in recommendations if r.item.meeting.panel.panel_type == kind),
            key=lambda r: (r.item.meeting.meets_on, r.pk),
            default=None,
        )
        answer, hint = preselected(latest) if latest is not None else ("", "")
        if latest is not None:
            chosen = {"recommendation": latest.pk, **({"outcome": answer} if answer else {})}
            kwargs["initial"] = {**chosen, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.fields["outcome"].label = question
        self.fields["outcome"].help_text = hint
        self.fields["recommendation"].choices = [("", "No panel")] + [
            (r.pk, f"{r.item.meeting.panel.name}, {r.item.meeting.meets_on:%-d %B %Y}: {recommendation_label(r)}")
            for r in recommendations
        ]


class AdviceRequestForm(GovukForm):
    adviser_type = forms.ChoiceField(
        label="Kind of advice",
        choices=list(ADVISER_TYPES.items()),
        help_text="School or setting, with no adviser chosen below: the child's current setting is asked, "
        "and its SENCO gives the advice online",
    )
    adviser = forms.ModelChoiceField(
        label="Adviser with a highneeds account (optional)",
        queryset=User.objects.none(),
        required=False,
        empty_label="None: advice will come another way",
    )
    adviser_name = forms.CharField(label="Adviser or service name", max_length=200, required=False)
    requested_on = GovukDateField(label="Date asked")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adviser"].queryset = User.objects.filter(role="professional", is_active=True)


class AdviceReceivedForm(GovukForm):
    advice = forms.TypedChoiceField(label="Advice from", coerce=int)
    received_on = GovukDateField(label="Date received")
    text = forms.CharField(label="Advice, or a summary of it", widget=forms.Textarea, max_length=50000)

    def __init__(self, *args, advice_requests=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advice"].choices = [(a.pk, a.label) for a in advice_requests]


class ExceptionForm(GovukForm):
    code = forms.ChoiceField(label="Exception", choices=list(EXCEPTION_TYPES.items()))
    date_from = GovukDateField(label="From")
    date_to = GovukDateField(label="To (the last day; for a closure, the last day closed)", required=False)
    adviser = forms.ChoiceField(
        label="Which advice it concerns (closures and missed appointments)",
        required=False,
        choices=[("", "Not applicable")] + list(ADVISER_TYPES.items()),
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea, max_length=2000)
    evidence = forms.CharField(label="Evidence held", widget=forms.Textarea, required=False, max_length=2000)


class DateForm(GovukForm):
    on = GovukDateField(label="Date")


class SchoolForm(GovukForm):
    urn = forms.IntegerField(label="URN of the school or college")
    on = GovukDateField(label="Date")


class ConsultationResponseForm(GovukForm):
    consultation = forms.TypedChoiceField(label="School or college", coerce=int)
    response = forms.ChoiceField(label="Reply", choices=SchoolConsultation.RESPONSES[1:])
    on = GovukDateField(label="Date of the reply")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False, max_length=2000)

    def __init__(self, *args, consultations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation"].choices = [(c.pk, c.establishment.name) for c in consultations]


class RepresentationForm(GovukForm):
    received_on = GovukDateField(label="Date received")
    text = forms.CharField(
        label="The family's views on the draft", widget=forms.Textarea, required=False, max_length=20000
    )
    urn = forms.IntegerField(label="URN of a setting they ask to be named (optional)", required=False)
    meeting_requested = forms.BooleanField(label="They asked to meet an officer", required=False)


class FinalPlanForm(GovukForm):
    on = GovukDateField(label="Date the final plan is issued")
    urn = forms.IntegerField(
        label="URN of the setting named in section I (leave blank to name a type only)", required=False
    )
    setting_type = forms.CharField(
        label="Or the type of setting to name in section I",
        required=False,
        max_length=200,
        help_text="For example, education otherwise than at school",
    )


class WithdrawForm(GovukForm):
    on = GovukDateField(label="Date withdrawn")
    reason = forms.CharField(label="Reason", max_length=500)


class MatchForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Is this the child we already know?",
        choices=YES_NO,
        error_messages={"required": "Select whether this is the same child"},
    )
    reason = forms.CharField(
        label="If not, why not (for example, a different address or parents)",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
    )
