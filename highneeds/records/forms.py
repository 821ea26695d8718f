from __future__ import annotations

import re

from django import forms

from highneeds.accounts.models import User
from highneeds.engine import filetypes
from highneeds.web.forms import GovukDateField, GovukForm

from .models import AUDIENCES, CATEGORIES, CONTACT_KINDS

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class UploadForm(GovukForm):
    file = forms.FileField(
        label="Choose a file",
        error_messages={"required": "Select a file to upload", "empty": "The selected file is empty"},
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter a title for the document",
            "max_length": "Title must be 200 characters or fewer",
        },
    )
    category = forms.ChoiceField(
        label="What kind of document is it?",
        choices=[c for c in CATEGORIES if c[0] != "letter"],
        error_messages={"required": "Select what kind of document this is"},
    )
    audience = forms.ChoiceField(
        label="Who can see it?", choices=AUDIENCES, error_messages={"required": "Select who can see the document"}
    )
    request = forms.TypedChoiceField(label="Case (optional)", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request"].choices = [("", "Not about one request")] + [(c.pk, c.reference) for c in cases]
        self.fields["file"].help_text = f"{filetypes.ACCEPTED}"


class ShareForm(GovukForm):
    audience = forms.ChoiceField(choices=AUDIENCES)


class NoteForm(GovukForm):
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea,
        max_length=10_000,
        error_messages={"required": "Enter the note", "max_length": "Note must be 10,000 characters or fewer"},
    )


class DeleteForm(GovukForm):
    reason = forms.CharField(
        label="Why are you deleting it?",
        help_text="For example: uploaded to the wrong record, or a duplicate. The SEND team see this reason.",
        widget=forms.Textarea,
        max_length=2_000,
        error_messages={
            "required": "Enter why you are deleting the document",
            "max_length": "Reason must be 2,000 characters or fewer",
        },
    )


def staff_choices():
    return [("", "Choose a person")] + [
        (u.pk, u.get_full_name() or u.username)
        for u in User.objects.filter(role__in=("caseworker", "manager"), is_active=True).order_by(
            "first_name", "last_name"
        )
    ]


class TaskForm(GovukForm):
    title = forms.CharField(
        label="What needs doing",
        max_length=200,
        error_messages={"required": "Enter what needs doing", "max_length": "Task must be 200 characters or fewer"},
    )
    due_on = GovukDateField(label="Due date", error_messages={"required": "Enter the date the task is due"})
    assigned_to = forms.TypedChoiceField(
        label="Assigned to",
        coerce=int,
        error_messages={"required": "Select who the task is for", "invalid_choice": "Select who the task is for"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].choices = staff_choices()


class ContactForm(GovukForm):
    kind = forms.ChoiceField(
        label="How were you in contact?",
        choices=CONTACT_KINDS,
        error_messages={"required": "Select how you were in contact"},
    )
    with_whom = forms.CharField(
        label="Who with",
        max_length=200,
        error_messages={
            "required": "Enter who you were in contact with",
            "max_length": "Who must be 200 characters or fewer",
        },
    )
    occurred_on = GovukDateField(label="Date", error_messages={"required": "Enter the date of the contact"})
    time = forms.CharField(label="Time (optional), for example 14:30", required=False, max_length=5)
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea,
        max_length=10_000,
        error_messages={
            "required": "Enter a summary of the contact",
            "max_length": "Summary must be 10,000 characters or fewer",
        },
    )

    def clean_time(self):
        value = self.cleaned_data["time"].strip()
        if value and not _TIME.match(value):
            raise forms.ValidationError("Enter the time like 14:30")
        return value


class LetterheadForm(GovukForm):
    logo = forms.FileField(label="Logo (PNG or JPEG, up to 1 MB)", required=False)
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)
    address = forms.CharField(
        label="Postal address, one line each", widget=forms.Textarea, required=False, max_length=500
    )
    telephone = forms.CharField(label="Telephone", required=False, max_length=40)
    email = forms.EmailField(
        label="Email",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like send@example.gov.uk"},
    )
    website = forms.URLField(
        label="Council website",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address like https://www.example.gov.uk"},
    )
    service_url = forms.URLField(
        label="Web address of this service (links in letters start with it)",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address like https://send.example.gov.uk"},
    )
    signatory_name = forms.CharField(
        label="Sign letters as (name; leave empty to sign as the sender)", required=False, max_length=120
    )
    signatory_role = forms.CharField(label="Signatory's role", required=False, max_length=120)
