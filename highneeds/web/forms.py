"""Form pieces that follow the GOV.UK Design System patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from . import errors

# One wording for a required field, the GOV.UK Design System's: "Enter ..." for what is typed, "Select ..." for
# what is chosen. Every form of the project derives from GovukForm (or mixes in GovukRequired), so a field that
# does not say its own message gets one from its label; tests/web/test_required_messages.py walks every form.
DJANGO_REQUIRED = str(forms.Field.default_error_messages["required"])
REQUIRED_WORDING = re.compile(r"^(Enter|Select) \S")
_CHOSEN = (forms.ChoiceField, forms.BooleanField, forms.FileField, forms.MultipleChoiceField)
_QUESTION = re.compile(r"^(is|are|was|will|would|do|does|did|has|have|can|could|should|must|may)\b", re.I)
_OWN_ARTICLE = re.compile(
    r"^(the|a|an|your|their|his|her|its|our|this|that|these|those|each|every|any|some|who|what|which|when|where|how|"
    r"whether|why|if)\b",
    re.I,
)
_ASIDE = re.compile(r"\s*\((optional|if any|if known)[^)]*\)", re.I)


def required_message(field: forms.Field) -> str:
    """The GOV.UK message for a required field left empty, from its label: "Enter the date of the decision",
    "Select the kind of advice"; a yes-or-no question gets "Select yes or no"."""
    verb = "Select" if isinstance(field, _CHOSEN) else "Enter"
    label = _ASIDE.sub("", str(field.label or "")).strip().rstrip(" :?.")
    if not label:
        return f"{verb} a value" if verb == "Enter" else "Select an option"
    if isinstance(field, forms.BooleanField):  # a box to tick: its label is a statement
        return f"Select the box: {label}"
    if _QUESTION.match(label):
        choices = {str(v).lower() for v, _ in getattr(field, "choices", ())}
        return "Select yes or no" if choices >= {"yes", "no"} else f"{verb} an answer"
    if not (len(label) > 1 and label[1].isupper()):  # keep an acronym (URN, UPN, EHC) as it is
        label = label[0].lower() + label[1:]
    if not _OWN_ARTICLE.match(label):
        label = f"the {label}"
    return f"{verb} {label}"


class GovukRequired:
    """Mix into any Django form (before it) for the one required-field wording. Applied when the form is
    cleaned, so a label changed in a form's __init__ is the one named."""

    def full_clean(self):
        self.use_required_wording()
        super().full_clean()

    def use_required_wording(self) -> None:
        for field in self.fields.values():
            if str(field.error_messages.get("required", "")) == DJANGO_REQUIRED:
                field.error_messages = {**field.error_messages, "required": required_message(field)}


class GovukForm(GovukRequired, forms.Form):
    pass


class GovukModelForm(GovukRequired, forms.ModelForm):
    pass


@dataclass
class DateParts:
    day: str = ""
    month: str = ""
    year: str = ""


class GovukDateWidget(forms.Widget):
    """Three boxes named <name>-day, <name>-month and <name>-year, as govukDateInput renders them."""

    is_date_input = True

    def value_from_datadict(self, data, files, name):
        parts = [str(data.get(f"{name}-{p}", "")).strip() for p in ("day", "month", "year")]
        return None if not any(parts) else parts

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}-{p}" in data for p in ("day", "month", "year"))

    @staticmethod
    def parts(value) -> DateParts:
        if isinstance(value, date):
            return DateParts(str(value.day), str(value.month), str(value.year))
        if isinstance(value, (list, tuple)) and len(value) == 3:
            return DateParts(*value)
        return DateParts()


class GovukDateField(forms.Field):
    widget = GovukDateWidget

    def to_python(self, value):
        if value in (None, "", []):
            return None
        if isinstance(value, date):
            return value
        day, month, year = value
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise forms.ValidationError(f"{self.label or 'Date'} must include a {' and '.join(missing)}")
        if not (day.isdecimal() and month.isdecimal() and year.isdecimal()):
            raise forms.ValidationError(f"{self.label or 'Date'} must be a real date, in numbers")
        if len(year) != 4:
            raise forms.ValidationError("Year must include 4 numbers")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(f"{self.label or 'Date'} must be a real date") from None


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: beside the field it names, else at the top. A statutory
    clock message is put in plain English beside the field it is about (web.errors), never shown raw."""
    for field, messages in exc.message_dict.items():
        for message in messages:
            if errors.is_engine_message(message):
                found, message = errors.translate(message, form.fields)
                field = found or field
            form.add_error(field if field in form.fields else None, message)


def plain_messages(exc: ValidationError) -> list[str]:
    """A ValidationError's messages for a page's banner, the clock's put in plain English."""
    return [errors.translate(m, {})[1] for m in exc.messages]


def parse_id(raw) -> int | None:
    """A record id from a query string or hidden field: a positive whole number, else None (the page says 404
    or shows a form error; never a 500 from int("abc"))."""
    text = str(raw or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text) or None


def query_text(params, name: str, max_length: int = 100) -> str:
    """A free-text query parameter (a search box): trimmed, at most `max_length` characters, without control
    characters such as NUL, which PostgreSQL refuses (a 500 instead of "no results")."""
    text = "".join(c for c in str(params.get(name, "")) if c.isprintable())
    return text.strip()[:max_length]


class NamedLengthsForm(GovukForm):
    """A form whose too-long answers are named, in GOV.UK's words ("Home postcode must be 10 characters or
    fewer"), not Django's "Ensure this value has at most 10 characters". A field's own message wins."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            limit = getattr(field, "max_length", None)
            if limit:
                name = str(field.label or "The answer").split(":")[0].removesuffix(" (optional)")
                field.error_messages.setdefault("max_length", f"{name} must be {limit:,} characters or fewer")
