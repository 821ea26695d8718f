from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from highneeds.web.access import requires

from .models import CouncilSettings
from .services import update_council_settings


class CouncilSettingsForm(forms.ModelForm):
    class Meta:
        model = CouncilSettings
        fields = ["name", "service_name", "old_la_code", "new_la_code", "brand_colour", "contact_email", "privacy_url"]
        labels = {"name": "Council name", "service_name": "Service name", "brand_colour": "Brand colour",
                  "contact_email": "Contact email", "privacy_url": "Privacy notice address"}


@requires("council.change_settings")
def edit(request):
    current = CouncilSettings.objects.filter(pk=1).first() or CouncilSettings(pk=1)
    form = CouncilSettingsForm(request.POST or None, instance=CouncilSettings.objects.filter(pk=1).first() or CouncilSettings(pk=1))
    if request.method == "POST" and form.is_valid():
        try:
            update_council_settings(actor=request.user, **{f: form.cleaned_data[f] for f in form.Meta.fields})
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors[0])
        else:
            messages.success(request, "Council settings saved")
            return redirect("council-settings")
    return render(request, "council/settings.html", {"page_title": "Council settings", "form": form, "current": current,
                                                     "error_title": bool(form.errors)})
