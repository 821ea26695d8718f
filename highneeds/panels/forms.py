from __future__ import annotations

from datetime import date

from django import forms

from highneeds.accounts.models import User
from highneeds.web.forms import GovukDateField, GovukForm

from . import queries
from .models import AGENCIES, PANEL_TYPES, preselected

REQUIRED = "Enter {label}"


class PanelForm(GovukForm):
    name = forms.CharField(label="Panel name", max_length=120, error_messages={"required": "Enter the panel's name"})
    panel_type = forms.ChoiceField(
        label="What the panel decides",
        choices=list(PANEL_TYPES.items()),
        error_messages={"required": "Select what the panel decides"},
    )
    quorum = forms.IntegerField(
        label="Quorum",
        min_value=1,
        max_value=30,
        initial=3,
        help_text="How many members must be present, without a conflict of interest, for the panel to recommend",
        error_messages={"required": "Enter the quorum"},
    )
    quorum_agencies = forms.MultipleChoiceField(
        label="Agencies that must be represented",
        required=False,
        choices=[(k, v) for k, v in AGENCIES.items() if k != "other"],
    )


class MemberForm(GovukForm):
    user = forms.TypedChoiceField(label="Person", coerce=int, error_messages={"required": "Select a person"})
    agency = forms.ChoiceField(
        label="Agency they represent",
        choices=list(AGENCIES.items()),
        error_messages={"required": "Select the agency they represent"},
    )
    is_chair = forms.BooleanField(label="Chairs the panel", required=False)

    def __init__(self, *args, panel, **kwargs):
        super().__init__(*args, **kwargs)
        current = panel.members.filter(is_active=True).values("user_id")
        people = (
            User.objects.filter(is_active=True, role__in=queries.MEMBER_ROLES)
            .exclude(pk__in=current)
            .order_by("last_name", "first_name", "username")
        )
        self.people = {u.pk: u for u in people}
        self.fields["user"].choices = [("", "Choose a person")] + [
            (u.pk, f"{u.get_full_name() or u.username} ({u.role_label}{', ' + u.agency if u.agency else ''})")
            for u in people
        ]


class MeetingForm(GovukForm):
    meets_on = GovukDateField(label="Date of the meeting", error_messages={"required": "Enter the date of the meeting"})
    location = forms.CharField(
        label="Where (optional)", max_length=200, required=False, help_text="A room, or say it is held online"
    )


class AttendanceForm(GovukForm):
    present = forms.TypedMultipleChoiceField(label="Who is present", coerce=int, required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(m.pk, str(m)) for m in members]


class ConflictForm(GovukForm):
    member = forms.TypedChoiceField(label="Member", coerce=int, error_messages={"required": "Select the member"})
    note = forms.CharField(
        label="The conflict of interest",
        max_length=250,
        error_messages={"required": "Enter what the conflict of interest is"},
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(m.pk, str(m)) for m in members]
        self.fields["member"].choices = ([("", "Choose a member")] if len(members) > 1 else []) + choices


class RecommendationForm(GovukForm):
    outcome = forms.ChoiceField(
        label="The panel recommends", error_messages={"required": "Select the panel's recommendation"}
    )
    reasons = forms.CharField(
        label="The panel's reasons",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter the panel's reasons"},
    )

    def __init__(self, *args, panel, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = panel.recommendation_choices


DECISION_WORDS = {
    "assess": ("Will the council carry out an EHC needs assessment?", "Yes, assess", "No, do not assess"),
    "issue": ("Will the council issue an EHC plan?", "Yes, issue a plan", "No, do not issue a plan"),
}


class DecisionForm(GovukForm):
    outcome = forms.ChoiceField(error_messages={"required": "Select the council's decision"})
    decided_on = GovukDateField(
        label="Date of the decision", error_messages={"required": "Enter the date of the decision"}
    )
    reasons = forms.CharField(
        label="Reasons for the decision",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter the reasons for the decision"},
    )
    departure_reasons = forms.CharField(
        label="If the decision differs from the panel's recommendation, why",
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )

    def __init__(self, *args, kind: str, recommendation=None, **kwargs):
        kwargs.setdefault("initial", {"decided_on": date.today()})
        answer, hint = preselected(recommendation) if recommendation is not None else ("", "")
        if answer:
            kwargs["initial"] = {"outcome": answer, **kwargs["initial"]}
        super().__init__(*args, **kwargs)
        question, yes, no = DECISION_WORDS[kind]
        self.fields["outcome"].label = question
        self.fields["outcome"].choices = [("yes", yes), ("no", no)]
        self.fields["outcome"].help_text = hint


class AgendaSearchForm(GovukForm):
    q = forms.CharField(label="Reference or child's name", max_length=100, required=False)


class OutcomesForm(GovukForm):
    date_from = GovukDateField(label="From", required=False)
    date_to = GovukDateField(label="To", required=False)
    period = forms.ChoiceField(label="Group by", choices=[("month", "Month"), ("quarter", "Quarter")], required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return data
