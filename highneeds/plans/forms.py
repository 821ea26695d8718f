"""Forms for plan pages. Sections B, E and F are lists edited as one form whose fields are named
"<item id>-<field>" (see views.edit_section); the text sections use a form built from sections.TEXT_FIELDS."""

from __future__ import annotations

from django import forms

from highneeds.establishments.queries import find_establishment
from highneeds.web.forms import GovukDateField, GovukForm

from . import sections as S
from .models import SOURCES


def text_section_form(section: str, data=None, initial=None) -> forms.Form:
    fields = {
        key: forms.CharField(
            label=label,
            required=False,
            max_length=S.MAX_TEXT,
            widget=forms.Textarea
            if key in ("text", "views", "interests", "aspirations", "personal_budget", "direct_payments")
            else forms.TextInput,
        )
        for key, label in S.TEXT_FIELDS[section].items()
    }
    form_class = type(f"Section{section}Form", (forms.Form,), fields)
    return form_class(data, initial=initial)


class SectionAForm(GovukForm):
    views = forms.CharField(
        label="What we think: views of the child or young person and family",
        required=False,
        max_length=S.MAX_TEXT,
        widget=forms.Textarea,
    )
    interests = forms.CharField(
        label="What I enjoy and am good at", required=False, max_length=S.MAX_TEXT, widget=forms.Textarea
    )
    aspirations = forms.CharField(
        label="Hopes for the future: what is important to me",
        required=False,
        max_length=S.MAX_TEXT,
        widget=forms.Textarea,
    )


class MediaForm(GovukForm):
    upload = forms.FileField(label="Photo or short video", error_messages={"required": "Select a photo or video"})
    caption = forms.CharField(label="Say what it shows (optional)", required=False, max_length=200)


class CommentForm(GovukForm):
    section = forms.ChoiceField(
        label="Which section is your comment about?",
        choices=[("", "Choose a section")] + [(k, v) for k, v in S.TITLES.items() if k != "K"],
        error_messages={"required": "Select a section"},
    )
    text = forms.CharField(
        label="Your comment",
        max_length=S.MAX_TEXT,
        widget=forms.Textarea,
        error_messages={"required": "Enter your comment"},
    )


class SendForm(GovukForm):
    sent_on = GovukDateField(label="Date sent", error_messages={"required": "Enter the date sent"})


class IssueForm(GovukForm):
    issued_on = GovukDateField(label="Date issued", error_messages={"required": "Enter the date issued"})
    school = forms.CharField(
        label="School, college or other institution to name in section I (name or URN)",
        required=False,
        max_length=200,
        help_text="Leave blank to keep what section I says (for example, a type of setting only)",
    )

    def clean_school(self):
        text = self.cleaned_data.get("school", "").strip()
        return find_establishment(text) if text else None


class AmendForm(GovukForm):
    source = forms.ChoiceField(
        label="Why is the plan being amended?",
        choices=[("", "Choose a reason")] + list(SOURCES.items())[1:],
        error_messages={"required": "Select a reason"},
    )
    started_on = GovukDateField(label="Date", error_messages={"required": "Enter the date"})
