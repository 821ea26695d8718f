from django import forms

from highneeds.web.forms import GovukForm

from .services import FIRST_YEAR, LAST_YEAR


class BuildForm(GovukForm):
    year = forms.IntegerField(
        label="Return year",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={
            "required": "Enter the return year, like 2027",
            "invalid": "Enter the return year as a number, like 2027",
            "min_value": f"Enter a year from {FIRST_YEAR} to {LAST_YEAR}",
            "max_value": f"Enter a year from {FIRST_YEAR} to {LAST_YEAR}",
        },
    )
    la = forms.RegexField(
        label="LA number",
        regex=r"^\d{3}$",
        error_messages={
            "required": "Enter the council's 3-digit LA number, like 384",
            "invalid": "Enter the council's 3-digit LA number, like 384",
        },
    )
