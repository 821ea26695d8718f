from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from highneeds.web.access import requires
from highneeds.web.forms import add_errors

from .models import CouncilSettings
from .services import update_council_settings


class CouncilSettingsForm(forms.ModelForm):
    # The statutory clock's choices where the law is not settled (docs/statutory-clock.md).
    receipt_is_day_one = forms.BooleanField(
        label="Count the day a request is received as day 1 (limits fall a day earlier)", required=False)
    advice_receipt_lag_days = forms.IntegerField(label="Days for an adviser to receive a request for advice",
                                                 min_value=0, max_value=30, initial=0)
    draft_service_lag_days = forms.IntegerField(label="Days for a draft plan to be served", min_value=0, max_value=30,
                                                initial=0)
    school_consultation_days = forms.IntegerField(label="Days a school has to reply to a consultation", min_value=1,
                                                  max_value=60, initial=15)
    CLOCK_FIELDS = ("receipt_is_day_one", "advice_receipt_lag_days", "draft_service_lag_days", "school_consultation_days")

    class Meta:
        model = CouncilSettings
        fields = ["name", "service_name", "old_la_code", "new_la_code", "brand_colour", "contact_email", "privacy_url",
                  "iass_contact", "mediation_contact"]
        labels = {"name": "Council name", "service_name": "Service name", "brand_colour": "Brand colour",
                  "contact_email": "Contact email", "privacy_url": "Privacy notice address",
                  "iass_contact": "SENDIASS contact (printed on notices)",
                  "mediation_contact": "Mediation adviser contact (printed on notices)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in self.instance.rules().as_dict().items():
            self.fields[name].initial = value

    def changes(self) -> dict:
        data = {f: self.cleaned_data[f] for f in self.Meta.fields}
        data["clock_rules"] = {f: self.cleaned_data[f] for f in self.CLOCK_FIELDS}
        return data


@requires("council.change_settings")
def edit(request):
    current = CouncilSettings.objects.filter(pk=1).first() or CouncilSettings(pk=1)
    form = CouncilSettingsForm(request.POST or None, instance=CouncilSettings.objects.filter(pk=1).first() or CouncilSettings(pk=1))
    if request.method == "POST" and form.is_valid():
        try:
            update_council_settings(actor=request.user, **form.changes())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Council settings saved")
            return redirect("council-settings")
    return render(request, "council/settings.html", {"page_title": "Council settings", "form": form, "current": current,
                                                     "error_title": bool(form.errors)})
