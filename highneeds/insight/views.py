from django.shortcuts import render

from highneeds.web.access import requires

from . import aggregates, disclosure


@requires("insight.view_aggregates")
def overview(request):
    summary = aggregates.summary(disclosure.policy_for(request.user))
    return render(request, "insight/overview.html", {"page_title": "Local area figures", "s": summary})
