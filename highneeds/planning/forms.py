"""The scenario form: every lever as plain GOV.UK fields, and new places as numbered rows (no JavaScript:
"Add another row" submits the form and shows it again with one more empty row).

People type percentages and pounds; the engine takes shares (0-1) and pounds. Each error names the field,
and for new places the row, so the error summary reads on its own.
"""

from __future__ import annotations

from django import forms

from highneeds.engine import codes
from highneeds.web.forms import GovukForm

from . import engine_bridge as eb
from .models import BASES

MIN_YEAR, MAX_YEAR = 2015, 2045
# (key, label, hint, lowest %, highest %)
RAMP_LEVERS = (
    (
        "fewer_requests",
        "Fewer requests for an EHC needs assessment",
        "Early intervention and a stronger SEN support offer: the share of requests that no longer come, in per cent",
        0,
        100,
    ),
    (
        "lower_conversion",
        "Fewer requests becoming plans",
        "Assessment thresholds: the share of requests that would have become plans and no longer do, in per cent",
        0,
        100,
    ),
    (
        "more_step_down",
        "More plans ceasing at annual review",
        "Step-down: the extra share of plans ceasing at annual review each year, in per cent",
        0,
        100,
    ),
    (
        "tariff_change",
        "Change in unit costs",
        "Tariff changes: the relative change of the cost of every plan, in per cent (negative for a saving)",
        -90,
        200,
    ),
)
RAMP_LABELS = {key: label for key, label, *_ in RAMP_LEVERS}


def _number(label: str, *, required=False, min_value=None, max_value=None, whole=False, unit=""):
    kind = forms.IntegerField if whole else forms.FloatField
    what = label[0].lower() + label[1:]
    messages = {"required": f"Enter {what}", "invalid": f"{label} must be a {'whole ' if whole else ''}number{unit}"}
    if min_value is not None:
        messages["min_value"] = f"{label} must be {min_value} or more"
    if max_value is not None:
        messages["max_value"] = f"{label} must be {max_value} or less"
    return kind(label=label, required=required, min_value=min_value, max_value=max_value, error_messages=messages)


class ScenarioForm(GovukForm):
    name = forms.CharField(
        label="Scenario name",
        max_length=120,
        error_messages={
            "required": "Enter a name for the scenario",
            "max_length": "Scenario name must be 120 characters or fewer",
        },
    )
    description = forms.CharField(label="Description (optional)", required=False, widget=forms.Textarea)
    base = forms.ChoiceField(
        label="Calibrate from",
        choices=BASES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what to calibrate the forecast from"},
    )
    la_code = forms.CharField(label="Local authority code (for published figures)", required=False, max_length=9)
    base_year = _number("Base year", required=True, min_value=MIN_YEAR, max_value=MAX_YEAR, whole=True)
    years = _number("Years to forecast", required=True, min_value=1, max_value=15, whole=True)
    population_growth = _number("Population growth a year", min_value=-10, max_value=10, unit=", in per cent")
    allocation_growth = _number(
        "High needs block allocation growth a year", min_value=-20, max_value=30, unit=", in per cent"
    )
    cost_growth = _number("Cost inflation a year", min_value=-10, max_value=30, unit=", in per cent")
    hnb_allocation = _number("High needs block allocation in the base year", min_value=0, whole=True, unit=" of pounds")
    opening_balance = forms.IntegerField(
        label="Cumulative DSG balance brought forward",
        required=False,
        error_messages={"invalid": "Cumulative DSG balance brought forward must be a whole number of pounds"},
    )
    is_baseline = forms.BooleanField(label="This is the council's baseline forecast", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label, _hint, low, high in RAMP_LEVERS:
            self.fields[f"{key}_value"] = _number(label, min_value=low, max_value=high, unit=", in per cent")
            self.fields[f"{key}_start"] = _number(
                f"{label}: first year", min_value=MIN_YEAR, max_value=MAX_YEAR, whole=True
            )
            self.fields[f"{key}_ramp"] = _number(
                f"{label}: years to reach full effect", min_value=0, max_value=10, whole=True
            )
        for setting in eb.settings():
            self.fields[f"cost_{setting}"] = _number(
                f"Cost of a plan a year, {eb.setting_label(setting).lower()}",
                min_value=0,
                whole=True,
                unit=" of pounds",
            )

    def clean(self):
        data = super().clean()
        for key, label, *_ in RAMP_LEVERS:
            value, start = data.get(f"{key}_value"), data.get(f"{key}_start")
            if value not in (None, 0) and start is None and f"{key}_start" not in self.errors:
                self.add_error(f"{key}_start", f"Enter the first year of {label[0].lower() + label[1:]}")
        if data.get("base") == "public" and not (data.get("la_code") or "").strip():
            self.add_error("la_code", "Enter the code of the local authority whose published figures to use")
        return data

    # Layout helpers for the template.
    def ramp_rows(self):
        return [
            {
                "key": key,
                "label": label,
                "hint": hint,
                "value": self[f"{key}_value"],
                "start": self[f"{key}_start"],
                "ramp": self[f"{key}_ramp"],
            }
            for key, label, hint, *_ in RAMP_LEVERS
        ]

    def cost_fields(self):
        return [self[f"cost_{s}"] for s in eb.settings()]


PLACE_FIELDS = ("places", "need", "phase", "cost_per_place", "opening_year", "diverts_from")


class NewPlacesRow(GovukForm):
    """One row of new in-area specialist places. A row left wholly empty is ignored."""

    def __init__(self, *args, row: int, **kwargs):
        super().__init__(*args, prefix=f"places-{row}", **kwargs)
        self.row = row
        r = f"New places row {row}"
        self.fields["places"] = _number(f"{r}: number of places", min_value=1, max_value=5000, whole=True)
        self.fields["need"] = forms.ChoiceField(
            label=f"{r}: primary need",
            required=False,
            choices=[("", "Choose a need"), ("any", "Any need")]
            + [(n, codes.NEED_CODES.get(n, n)) for n in eb.needs()],
        )
        self.fields["phase"] = forms.ChoiceField(
            label=f"{r}: phase", required=False, choices=[("", "Select a phase")] + list(eb.phases().items())
        )
        self.fields["cost_per_place"] = _number(
            f"{r}: cost per place a year", min_value=0, whole=True, unit=" of pounds"
        )
        self.fields["opening_year"] = _number(f"{r}: opening year", min_value=MIN_YEAR, max_value=MAX_YEAR, whole=True)
        self.fields["diverts_from"] = forms.ChoiceField(
            label=f"{r}: children come from",
            required=False,
            choices=[(s, eb.setting_label(s)) for s in eb.settings()],
            initial="independent_special",
        )

    def is_empty(self) -> bool:
        return not any(str(self.data.get(self.add_prefix(f), "")).strip() for f in PLACE_FIELDS if f != "diverts_from")

    def clean(self):
        data = super().clean()
        if self.is_empty():
            return data
        r = f"new places row {self.row}"
        missing = {
            "places": f"Enter the number of places in {r}",
            "need": f"Choose the primary need in {r}",
            "phase": f"Choose the phase in {r}",
            "cost_per_place": f"Enter the cost per place in {r}",
            "opening_year": f"Enter the opening year in {r}",
        }
        for name, message in missing.items():
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, message[0].upper() + message[1:])
        return data


def place_rows(data=None, initial: list[dict] | None = None, extra: int = 1) -> list[NewPlacesRow]:
    """The rows to show: as posted (plus one when "Add another row" was pressed), else the saved rows and
    `extra` empty ones."""
    if data is not None:
        count = int(data.get("places-rows") or 0) if str(data.get("places-rows", "")).isdecimal() else 1
        count = max(1, min(count, 40)) + (1 if "add_row" in data else 0)
        return [NewPlacesRow(data, row=i + 1) for i in range(count)]
    initial = initial or []
    return [NewPlacesRow(row=i + 1, initial=row) for i, row in enumerate(initial + [{}] * extra)]


class GoalSeekForm(GovukForm):
    lever = forms.ChoiceField(label="Lever to change", error_messages={"required": "Select the lever to change"})
    target_year = _number("Year to reach in-year balance", required=True, whole=True)  # range: the scenario's

    def __init__(self, *args, scenario=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lever"].choices = [("", "Choose a lever")] + list(eb.GOAL_SEEK_LEVERS.items())
        self.scenario = scenario

    def clean_target_year(self):
        year = self.cleaned_data["target_year"]
        if self.scenario is not None:
            first, last = self.scenario.base_year + 1, self.scenario.base_year + self.scenario.years
            if not first <= year <= last:
                raise forms.ValidationError(f"Year to reach in-year balance must be between {first} and {last}")
        return year


class CompareForm(GovukForm):
    scenarios = forms.MultipleChoiceField(
        label="Scenarios to compare",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select 2 to 4 scenarios to compare"},
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenarios"].choices = choices

    def clean_scenarios(self):
        chosen = self.cleaned_data["scenarios"]
        if not 2 <= len(chosen) <= 4:
            raise forms.ValidationError("Choose 2 to 4 scenarios to compare")
        return [int(c) for c in chosen]
