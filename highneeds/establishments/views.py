from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from highneeds.council.models import CouncilSettings
from highneeds.engine import codes
from highneeds.insight import disclosure
from highneeds.web.access import requires
from highneeds.web.forms import GovukForm

from .models import Establishment


class DirectoryFilter(GovukForm):
    name = forms.CharField(label="Name, URN or UKPRN", required=False, max_length=100)
    establishment_type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any type")] + list(codes.ESTABLISHMENT_TYPES.items())
    )
    area = forms.ChoiceField(
        label="Where",
        required=False,
        choices=[("", "In and out of area"), ("in", "In our area"), ("out", "Out of area")],
    )
    specialist = forms.ChoiceField(
        label="Specialist provision",
        required=False,
        choices=[("", "Any"), ("unit", "Has an SEN unit or resourced provision"), ("s41", "Approved under section 41")],
    )


@requires("establishments.view")
def directory(request):
    form = DirectoryFilter(request.GET or None)
    found = Establishment.objects.filter(is_open=True)
    if form.is_valid():
        data = form.cleaned_data
        text = data["name"].strip()
        if text.isdecimal():
            found = found.filter(Q(urn=int(text)) | Q(ukprn=int(text)))
        elif text:
            found = found.filter(name__icontains=text)
        if data["establishment_type"]:
            found = found.filter(establishment_type=data["establishment_type"])
        la = CouncilSettings.current().old_la_code
        if data["area"] == "in":
            found = found.filter(la_code=la)
        elif data["area"] == "out":
            found = found.exclude(la_code=la)
        if data["specialist"] == "unit":
            found = found.filter(Q(has_sen_unit=True) | Q(has_resourced_provision=True))
        elif data["specialist"] == "s41":
            found = found.filter(s41_approved=True)
    page = Paginator(found.order_by("name", "id"), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "establishments/directory.html",
        {
            "page_title": "Establishments",
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "council_la": CouncilSettings.current().old_la_code,
        },
    )


@requires("establishments.view")
def detail(request, establishment_id: int):
    establishment = get_object_or_404(Establishment, pk=establishment_id)
    # Aggregates only, and every role reaches this page: small counts are protected (insight/disclosure.py).
    on_roll = (
        establishment.placements.filter(end_date__isnull=True)
        .values("child__sen_status")
        .annotate(n=Count("child_id", distinct=True))
    )
    counts = {row["child__sen_status"]: row["n"] for row in on_roll}
    policy = disclosure.policy_for(request.user)
    ehcp, support = disclosure.protect(policy, [[counts.get("E", 0), counts.get("K", 0)]]).cells[0]
    return render(
        request,
        "establishments/detail.html",
        {
            "page_title": establishment.name,
            "e": establishment,
            "codes": codes,
            "ehcp_count": disclosure.shown(ehcp),
            "support_count": disclosure.shown(support),
            "disclosure_note": disclosure.note(policy),
            "in_area": establishment.in_area(CouncilSettings.current().old_la_code),
        },
    )
