from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from highneeds.engine import codes
from highneeds.web.forms import GovukDateField, GovukForm

from .validation import clean_child


class ChildSearchForm(GovukForm):
    q = forms.CharField(label="Name or UPN", required=False, max_length=100)
    date_of_birth = GovukDateField(label="Date of birth", required=False)
    establishment = forms.TypedChoiceField(label="Current setting", required=False, coerce=int, empty_value=None)
    sen_status = forms.ChoiceField(
        label="SEN status",
        required=False,
        choices=[("", "Any")] + [(k, v) for k, v in codes.SEN_STATUS.items() if k != "N"],
    )

    def __init__(self, *args, establishments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].choices = [("", "Any setting")] + [(e.pk, e.name) for e in establishments]


def _coded(table, blank=None):
    return ([("", blank)] if blank else []) + [(k, f"{v} ({k})") for k, v in table.items()]


class ChildForm(GovukForm):
    """A child's core record. Validation is the shared `clean_child`, so the form, API and CSV agree."""

    first_name = forms.CharField(label="First name", max_length=100, required=False)
    last_name = forms.CharField(label="Last name", max_length=100, required=False)
    preferred_name = forms.CharField(label="Preferred name (optional)", max_length=100, required=False)
    date_of_birth = GovukDateField(label="Date of birth", required=False)
    sex = forms.ChoiceField(label="Sex", choices=list(codes.SEX.items()), required=False)
    ethnicity = forms.ChoiceField(label="Ethnicity", choices=_coded(codes.ETHNICITY), required=False, initial="NOBT")
    postcode = forms.CharField(label="Home postcode", max_length=16, required=False)
    upn = forms.CharField(label="Unique pupil number (UPN)", max_length=20, required=False)
    uln = forms.CharField(label="Unique learner number (ULN)", max_length=20, required=False)
    nhs_number = forms.CharField(label="NHS number", max_length=20, required=False)
    responsible_la = forms.CharField(label="Responsible LA number", max_length=3, required=False)
    preferred_language = forms.CharField(label="Preferred language", max_length=60, required=False, initial="English")
    preferred_contact = forms.ChoiceField(
        label="Preferred contact", choices=list(codes.PREFERRED_CONTACT.items()), required=False
    )
    ncy_override = forms.IntegerField(
        label="Year group taught in, if out of year group (optional)", required=False, min_value=-3, max_value=14
    )
    ncy_override_reason = forms.CharField(label="Reason for teaching out of year group", max_length=200, required=False)

    def clean(self):
        data = super().clean()
        try:
            self.child_data = clean_child({k: v for k, v in data.items() if k not in self.errors})
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, messages[0])
        return data


NEED_CHOICES = [("", "None")] + [(k, f"{v} ({k})") for k, v in codes.NEED_CODES.items()]


class SenStatusForm(GovukForm):
    sen_status = forms.ChoiceField(label="SEN status", choices=list(codes.SEN_STATUS.items()))
    effective = GovukDateField(label="From")
    need_1 = forms.ChoiceField(label="Primary need", choices=NEED_CHOICES, required=False)
    need_2 = forms.ChoiceField(label="Secondary need", choices=NEED_CHOICES, required=False)
    need_3 = forms.ChoiceField(label="Other need", choices=NEED_CHOICES, required=False)

    def needs(self) -> list[str]:
        return [self.cleaned_data[f"need_{i}"] for i in (1, 2, 3) if self.cleaned_data.get(f"need_{i}")]


class FlagForm(GovukForm):
    flag = forms.ChoiceField(label="Circumstance", choices=list(codes.COHORT_FLAGS.items()))
    start_date = GovukDateField(label="From")
    end_date = GovukDateField(label="Until (if it has ended)", required=False)
    responsible_la = forms.CharField(
        label="Responsible LA number (looked-after children)", max_length=3, required=False
    )
    note = forms.CharField(label="Note (optional)", max_length=250, required=False)


class PlacementForm(GovukForm):
    urn = forms.IntegerField(label="Setting URN", help_text="Find it in the establishment directory")
    placement_type = forms.ChoiceField(label="Type of placement", choices=list(codes.PLACEMENT_TYPES.items()))
    start_date = GovukDateField(label="Start date")


class ParentForm(GovukForm):
    first_name = forms.CharField(label="First name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    relationship = forms.CharField(label="Relationship to the child", max_length=60, initial="Parent")
    parental_responsibility = forms.BooleanField(label="Has parental responsibility", required=False, initial=True)
    email = forms.EmailField(label="Email address", required=False)
    phone = forms.CharField(label="Phone number", max_length=30, required=False)
    preferred_contact = forms.ChoiceField(label="Preferred contact", choices=list(codes.PREFERRED_CONTACT.items()))
    preferred_language = forms.CharField(label="Preferred language", max_length=60, initial="English")
