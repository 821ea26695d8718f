from django.shortcuts import render

from highneeds.web.access import requires

from . import aggregates


@requires("insight.view_aggregates")
def overview(request):
    return render(request, "insight/overview.html", {"page_title": "Local area figures", "s": aggregates.summary()})
