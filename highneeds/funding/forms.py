"""Funding forms: a child's band, an actuals import, the DSG allocation."""

from __future__ import annotations

from django import forms

from highneeds.web.forms import GovukDateField, GovukForm

from .models import SETTING_CHOICES, AreaOfNeed, Band, ChildBand, Commitment, Framework

MONEY_FIELD = {"max_digits": 14, "decimal_places": 2}


class BandForm(GovukForm):
    area = forms.TypedChoiceField(label="Area of need", coerce=int)
    band = forms.TypedChoiceField(label="Band", coerce=int)
    effective_from = GovukDateField(label="Date the band applies from")
    evidence = forms.CharField(label="Evidence against the band's descriptors", max_length=4000)
    decided_by = forms.ChoiceField(label="Who decided", choices=ChildBand.DECIDERS)
    decision_reference = forms.CharField(label="Panel meeting or decision reference", required=False, max_length=200)

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework
        self.fields["area"].choices = [("", "Choose an area")] + [
            (a.pk, a.name) for a in AreaOfNeed.objects.filter(framework=framework)
        ]
        self.fields["band"].choices = [("", "Choose a band")] + [
            (b.pk, b.name) for b in Band.objects.filter(framework=framework)
        ]
        self.fields["area"].error_messages["required"] = "Select the area of need"
        self.fields["band"].error_messages["required"] = "Select the band"
        self.fields["effective_from"].error_messages["required"] = "Enter the date the band applies from"
        self.fields["evidence"].error_messages["required"] = "Enter the evidence against the band's descriptors"
        self.fields["decided_by"].error_messages["required"] = "Select whether a panel or an officer decided"

    def objects(self) -> tuple[AreaOfNeed, Band]:
        return (
            AreaOfNeed.objects.get(pk=self.cleaned_data["area"], framework=self.framework),
            Band.objects.select_related("framework").get(pk=self.cleaned_data["band"], framework=self.framework),
        )


class ActualsForm(GovukForm):
    financial_year = forms.IntegerField(
        label="Financial year the payments belong to",
        min_value=2000,
        max_value=2100,
        help_text="2026 means April 2026 to March 2027",
    )
    control_total = forms.DecimalField(label="Control total from the ledger, in pounds", **MONEY_FIELD)
    file = forms.FileField(label="CSV file of payments")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financial_year"].error_messages["required"] = "Enter the financial year, like 2026"
        self.fields["control_total"].error_messages.update(
            required="Enter the control total", invalid="Enter the control total as an amount, like 1234.56"
        )
        self.fields["file"].error_messages["required"] = "Select a CSV file"


class DsgForm(GovukForm):
    financial_year = forms.IntegerField(label="Financial year", min_value=2000, max_value=2100)
    high_needs_block = forms.DecimalField(
        label="High needs block allocation after deductions, in pounds", min_value=0, **MONEY_FIELD
    )
    opening_balance = forms.DecimalField(
        label="Cumulative DSG balance brought forward at 1 April, in pounds",
        required=False,
        help_text="Negative for a deficit, like -12500000",
        **MONEY_FIELD,
    )
    source = forms.CharField(label="Source of the figures", max_length=300)


class CommitmentForm(GovukForm):
    """An agreed package: where, how it was agreed, and what it costs (a band, or costed provision, or fees)."""

    establishment = forms.TypedChoiceField(label="Setting", coerce=int, required=False, empty_value=None)
    setting_type = forms.ChoiceField(label="Setting type", choices=[("", "Choose a setting type"), *SETTING_CHOICES])
    source = forms.ChoiceField(label="Agreed by", choices=Commitment.SOURCES)
    source_reference = forms.CharField(
        label="Decision reference",
        max_length=200,
        required=False,
        help_text="The plan's section F and I, or the panel meeting and date",
    )
    band = forms.TypedChoiceField(label="Band", coerce=int, required=False, empty_value=None)
    hours_per_week = forms.DecimalField(
        label="Staff hours a week", min_value=0, max_digits=6, decimal_places=2, required=False
    )
    hourly_rate = forms.DecimalField(
        label="Hourly rate, in pounds", min_value=0, max_digits=8, decimal_places=2, required=False
    )
    weeks_per_year = forms.DecimalField(
        label="Weeks a year", min_value=0, max_value=52, max_digits=4, decimal_places=1, required=False
    )
    other_annual = forms.DecimalField(
        label="Other costed provision a year, in pounds", min_value=0, required=False, **MONEY_FIELD
    )
    annual_fee = forms.DecimalField(label="Annual fee, in pounds", min_value=0, required=False, **MONEY_FIELD)
    residential_annual = forms.DecimalField(
        label="Residential cost a year, in pounds", min_value=0, required=False, **MONEY_FIELD
    )
    transport_annual = forms.DecimalField(
        label="Home-to-school transport a year, in pounds", min_value=0, required=False, **MONEY_FIELD
    )
    attendance = forms.DecimalField(
        label="Attendance, as a percentage of full time",
        min_value=1,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        initial=100,
    )
    start = GovukDateField(label="Start date")
    end = GovukDateField(label="End date", required=False)

    def __init__(self, *args, establishments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].choices = [("", "No setting yet")] + [(e.pk, e.name) for e in establishments]
        self.fields["band"].choices = [("", "No band: costed provision or fees")] + [
            (b.pk, f"{b.framework.name}: {b.name}")
            for b in Band.objects.select_related("framework").exclude(framework__kind="ranges")
        ]
        self.fields["setting_type"].error_messages["required"] = "Select the setting type"
        self.fields["start"].error_messages["required"] = "Enter the start date"
        self.fields["attendance"].error_messages["required"] = "Enter the attendance, 100 for full time"

    def costed_provision(self) -> list[dict]:
        d, items = self.cleaned_data, []
        if d.get("hours_per_week") or d.get("hourly_rate"):
            items.append(
                {
                    "kind": "staff_hours",
                    "hours_per_week": d.get("hours_per_week") or 0,
                    "rate": d.get("hourly_rate") or 0,
                    "weeks_per_year": d.get("weeks_per_year") or 39,
                }
            )
        if d.get("other_annual"):
            items.append({"kind": "item", "annual_cost": d["other_annual"]})
        return items


class TopUpApplicationForm(GovukForm):
    child = forms.TypedChoiceField(label="Child", coerce=int)
    area = forms.TypedChoiceField(label="Area of need", coerce=int)
    band = forms.TypedChoiceField(label="Band asked for", coerce=int)
    start = GovukDateField(label="Date the top-up should start")
    evidence = forms.CharField(label="Evidence against the band's descriptors", max_length=4000)

    def __init__(self, *args, children, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework
        self.fields["child"].choices = [("", "Choose a child")] + [(c.pk, c.full_name) for c in children]
        self.fields["area"].choices = [("", "Choose an area")] + [
            (a.pk, a.name) for a in AreaOfNeed.objects.filter(framework=framework)
        ]
        self.fields["band"].choices = [("", "Choose a band")] + [
            (b.pk, b.name) for b in Band.objects.filter(framework=framework, top_up__isnull=False)
        ]
        for name, message in (
            ("child", "Select the child"),
            ("area", "Select the area of need"),
            ("band", "Select the band"),
            ("start", "Enter the date the top-up should start"),
            ("evidence", "Enter the evidence against the band's descriptors"),
        ):
            self.fields[name].error_messages["required"] = message


class TopUpDecisionForm(GovukForm):
    decision = forms.ChoiceField(label="Panel decision", choices=[("agree", "Agreed"), ("refuse", "Refused")])
    decision_reference = forms.CharField(label="Panel meeting and date", max_length=200)
    reasons = forms.CharField(label="Reasons", max_length=4000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].error_messages["required"] = "Select the panel's decision"
        self.fields["decision_reference"].error_messages["required"] = "Enter the panel meeting and date"


class EndPackageForm(GovukForm):
    package = forms.UUIDField(widget=forms.HiddenInput)
    end = GovukDateField(label="Last day of the package")
    reason = forms.CharField(label="Why it ends", max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end"].error_messages["required"] = "Enter the last day of the package"
        self.fields["reason"].error_messages["required"] = "Enter why the package ends"


class PanelPackageForm(GovukForm):
    """What a placement panel agreed: the setting, and a band or the annual cost of the provision."""

    urn = forms.IntegerField(
        label="Setting's URN",
        min_value=1,
        max_value=99_999_999,
        error_messages={"required": "Enter the URN of the setting the panel agreed"},
    )
    band = forms.TypedChoiceField(label="Band the panel agreed", coerce=int, required=False, empty_value=None)
    annual_amount = forms.DecimalField(
        label="Or the annual cost of the agreed provision, in pounds", min_value=0, required=False, **MONEY_FIELD
    )
    start = GovukDateField(label="Start date")
    reason = forms.CharField(label="Note (optional)", max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["band"].choices = [("", "No band: an annual amount")] + [
            (b.pk, f"{b.framework.name}: {b.name}")
            for b in Band.objects.select_related("framework").exclude(framework__kind="ranges")
        ]
        self.fields["start"].error_messages["required"] = "Enter the date the package starts"
