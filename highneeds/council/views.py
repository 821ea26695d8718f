from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from highneeds.web.access import requires
from highneeds.web.forms import GovukModelForm, add_errors

from .models import CouncilSettings
from .services import update_council_settings

_WEEKS = {"required": False, "min_value": 1, "max_value": 26}  # empty keeps the current value


class CouncilSettingsForm(GovukModelForm):
    # The statutory clock's choices where the law is not settled (docs/statutory-clock.md).
    receipt_is_day_one = forms.BooleanField(
        label="Count the day a request is received as day 1 (limits fall a day earlier)", required=False
    )
    advice_receipt_lag_days = forms.IntegerField(
        label="Days for an adviser to receive a request for advice", min_value=0, max_value=30, initial=0
    )
    draft_service_lag_days = forms.IntegerField(
        label="Days for a draft plan to be served", min_value=0, max_value=30, initial=0
    )
    school_consultation_days = forms.IntegerField(
        label="Days a school has to reply to a consultation", min_value=1, max_value=60, initial=15
    )
    # The plan's life: the regulations' week counts (the DfE consulted on changing them) and guidance.
    review_notice_weeks = forms.IntegerField(label="Weeks' notice of an annual review meeting", **_WEEKS, initial=2)
    review_advice_weeks = forms.IntegerField(label="Weeks before the meeting to circulate advice", **_WEEKS, initial=2)
    review_report_weeks = forms.IntegerField(
        label="Weeks after the meeting to send the review report", **_WEEKS, initial=2
    )
    review_decision_weeks = forms.IntegerField(
        label="Weeks after the meeting to notify the review decision", **_WEEKS, initial=4
    )
    amended_plan_weeks = forms.IntegerField(
        label="Weeks from proposed amendments to the final amended plan", **_WEEKS, initial=8
    )
    under5_review_months = forms.TypedChoiceField(
        label="Review plans of children under 5 every",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", "12 months, like everyone else"),
            (3, "3 months"),
            (4, "4 months"),
            (5, "5 months"),
            (6, "6 months"),
        ],
    )
    reassessment_decision_days = forms.IntegerField(
        label="Days to decide whether to reassess", required=False, min_value=1, max_value=60, initial=15
    )
    phase_transfer_day_before = forms.BooleanField(
        label="Read 'before 15 February' (31 March) as 14 February (30 March) for phase transfers", required=False
    )
    # Small numbers on aggregate pages (insight/disclosure.py); empty keeps the current value.
    disclosure_threshold = forms.IntegerField(
        label="Hide counts smaller than", required=False, min_value=2, max_value=50
    )
    disclosure_rounding = forms.TypedChoiceField(
        label="Round counts to the nearest",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(1, "1 (no rounding)"), (5, "5"), (10, "10")],
    )
    DISCLOSURE_FIELDS = ("disclosure_threshold", "disclosure_rounding")
    CLOCK_FIELDS = (
        "receipt_is_day_one",
        "advice_receipt_lag_days",
        "draft_service_lag_days",
        "school_consultation_days",
        "review_notice_weeks",
        "review_advice_weeks",
        "review_report_weeks",
        "review_decision_weeks",
        "amended_plan_weeks",
        "under5_review_months",
        "reassessment_decision_days",
        "phase_transfer_day_before",
    )

    class Meta:
        model = CouncilSettings
        fields = [
            "name",
            "service_name",
            "old_la_code",
            "new_la_code",
            "brand_colour",
            "contact_email",
            "privacy_url",
            "iass_contact",
            "mediation_contact",
        ]
        labels = {
            "name": "Council name",
            "service_name": "Service name",
            "brand_colour": "Brand colour",
            "contact_email": "Contact email",
            "privacy_url": "Privacy notice address",
            "iass_contact": "SENDIASS contact (printed on notices)",
            "mediation_contact": "Mediation adviser contact (printed on notices)",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in self.instance.rules().as_dict().items():
            if name in self.fields:
                self.fields[name].initial = value
        for name in self.DISCLOSURE_FIELDS:
            self.fields[name].initial = getattr(self.instance, name)

    def changes(self) -> dict:
        data = {f: self.cleaned_data[f] for f in self.Meta.fields}
        data.update({f: self.cleaned_data[f] for f in self.DISCLOSURE_FIELDS if self.cleaned_data[f] is not None})
        current = self.instance.rules().as_dict()
        # A number left empty keeps the current value (under-5s: empty means off).
        data["clock_rules"] = {
            f: current[f] if self.cleaned_data[f] is None and f != "under5_review_months" else self.cleaned_data[f]
            for f in self.CLOCK_FIELDS
        }
        return data


@requires("council.change_settings")
def edit(request):
    current = CouncilSettings.objects.filter(pk=1).first() or CouncilSettings(pk=1)
    form = CouncilSettingsForm(
        request.POST or None, instance=CouncilSettings.objects.filter(pk=1).first() or CouncilSettings(pk=1)
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_council_settings(actor=request.user, **form.changes())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Council settings saved")
            return redirect("council-settings")
    return render(
        request,
        "council/settings.html",
        {"page_title": "Council settings", "form": form, "current": current, "error_title": bool(form.errors)},
    )
