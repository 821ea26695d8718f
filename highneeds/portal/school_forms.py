"""Forms for a school's SENCO: a request for an assessment for a pupil, and the school's annual review report."""

from __future__ import annotations

from django import forms

from highneeds.casework.services.intake import CONSENT
from highneeds.records.attachments import AttachmentsField
from highneeds.reviews.models import OUTCOMES_MET
from highneeds.web.forms import GovukDateField, NamedLengthsForm

from .forms import REASON_MAX, VIEWS_MAX, RequestForm, clean_child_fields

NEW = "new"


class SchoolRequestForm(NamedLengthsForm):
    pupil = forms.ChoiceField(label="Which pupil is the request for?", error_messages={"required": "Select the pupil"})
    # A new pupil: the same child fields (and checks) as the public form.
    child_first_name = RequestForm.base_fields["child_first_name"]
    child_last_name = RequestForm.base_fields["child_last_name"]
    child_date_of_birth = RequestForm.base_fields["child_date_of_birth"]
    child_sex = RequestForm.base_fields["child_sex"]
    child_postcode = forms.CharField(label="Home postcode", max_length=10, required=False)
    parent_first_name = forms.CharField(label="Parent or carer's first name", max_length=100, required=False)
    parent_last_name = forms.CharField(label="Parent or carer's last name", max_length=100, required=False)
    parent_relationship = forms.CharField(label="Relationship to the pupil", max_length=60, required=False)
    parent_address = forms.CharField(
        label="Home address", max_length=250, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent_email = forms.EmailField(label="Parent or carer's email address (optional)", max_length=254, required=False)
    parent_phone = forms.CharField(label="Parent or carer's phone number (optional)", max_length=30, required=False)

    reason = forms.CharField(
        label="Why is the school asking for an assessment?",
        max_length=REASON_MAX,
        widget=forms.Textarea,
        error_messages={"required": "Enter why the school is asking for an assessment"},
    )
    parent_views = forms.CharField(
        label="The parents' views (or the young person's)", max_length=VIEWS_MAX, widget=forms.Textarea, required=False
    )
    consent = forms.ChoiceField(
        label="Do the parents (or the young person) agree to the request?",
        choices=list(CONSENT.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the parents or young person agree to the request"},
    )
    attachments = AttachmentsField(label="The school's evidence (optional)")

    NEW_PUPIL = ("child_first_name", "child_last_name", "child_date_of_birth", "child_sex")

    def __init__(self, *args, pupils=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].choices = (
            [("", "Choose a pupil")]
            + [(str(c.pk), f"{c.full_name}, born {c.date_of_birth:%-d %B %Y}") for c in pupils]
            + [(NEW, "A pupil who is not on this list")]
        )
        for name in self.NEW_PUPIL:
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        self.child_data = self.parent_data = None
        if data.get("pupil") != NEW:
            return data
        for name, message in (
            ("child_first_name", "Enter the pupil's first name"),
            ("child_last_name", "Enter the pupil's last name"),
            ("child_date_of_birth", "Enter the pupil's date of birth"),
            ("child_sex", "Select the pupil's sex"),
            ("parent_first_name", "Enter the parent or carer's first name"),
            ("parent_last_name", "Enter the parent or carer's last name"),
            ("parent_address", "Enter the pupil's home address, so letters reach the parents"),
        ):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        if not self.errors:
            self.child_data = clean_child_fields(self, data)
            self.parent_data = {
                "first_name": data["parent_first_name"].strip(),
                "last_name": data["parent_last_name"].strip(),
                "relationship": (data.get("parent_relationship") or "Parent").strip()[:60],
                "address": data["parent_address"].strip(),
                "postcode": (data.get("child_postcode") or "").strip().upper()[:8],
                "email": data.get("parent_email") or "",
                "phone": (data.get("parent_phone") or "").strip(),
                "preferred_contact": "EMAIL" if data.get("parent_email") else "POST",
            }
        return data


class SchoolReportForm(NamedLengthsForm):
    school_views = forms.CharField(label="The school's views", max_length=10_000, widget=forms.Textarea, required=False)
    outcomes_met = forms.ChoiceField(
        label="Are the plan's outcomes being met?",
        choices=list(OUTCOMES_MET.items()),
        widget=forms.RadioSelect,
        required=False,
    )
    progress = forms.CharField(
        label="Progress towards the outcomes", max_length=10_000, widget=forms.Textarea, required=False
    )
    attendance = forms.DecimalField(
        label="Attendance this school year, as a percentage (optional)",
        min_value=0,
        max_value=100,
        decimal_places=1,
        required=False,
        error_messages={
            "invalid": "Attendance must be a number, like 94.5",
            "min_value": "Attendance must be between 0 and 100 percent",
            "max_value": "Attendance must be between 0 and 100 percent",
            "max_decimal_places": "Give attendance to one decimal place, like 94.5",
        },
    )
    proposed_changes = forms.CharField(
        label="Changes the school proposes to the plan", max_length=10_000, widget=forms.Textarea, required=False
    )
    attachments = AttachmentsField(label="Attach reports (optional)")


class SubmitReportForm(NamedLengthsForm):
    """Asked only when the council has not recorded the meeting: the school's report records it."""

    held_on = GovukDateField(label="Date the review meeting took place", required=False)
    attendees = forms.CharField(
        label="Who attended the meeting", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    adulthood_considered = forms.BooleanField(
        label="The meeting considered preparing for adulthood and independent living", required=False
    )
