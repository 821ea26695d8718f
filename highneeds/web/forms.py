"""Form pieces that follow the GOV.UK Design System patterns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.core.exceptions import ValidationError


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
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError(f"{self.label or 'Date'} must be a real date, in numbers")
        if len(year) != 4:
            raise forms.ValidationError("Year must include 4 numbers")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(f"{self.label or 'Date'} must be a real date") from None


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: beside the field it names, else at the top."""
    for field, messages in exc.message_dict.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class NamedLengthsForm(forms.Form):
    """A form whose too-long answers are named, in GOV.UK's words ("Home postcode must be 10 characters or
    fewer"), not Django's "Ensure this value has at most 10 characters". A field's own message wins."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            limit = getattr(field, "max_length", None)
            if limit:
                name = str(field.label or "The answer").split(":")[0].removesuffix(" (optional)")
                field.error_messages.setdefault("max_length", f"{name} must be {limit:,} characters or fewer")
