"""The panel pack for a meeting, and the outcomes figures across panels."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from highneeds.insight import disclosure
from highneeds.jobs.queue import enqueue_once
from highneeds.web.access import requires

from .. import forms, queries, reports, tasks
from .. import pack as packs  # named apart from the `pack` view
from .meeting import _audit_meeting_read

# ---------------------------------------------------------------------------------------------
# The panel pack


@requires("panels.view")
def pack(request, meeting_id: int):
    meeting = queries.get_meeting(request.user, meeting_id)
    if not queries.is_casework(request.user) and (queries.access_ends(meeting) < date.today() or meeting.closed):
        # Members' invitations to these children have lapsed, and so has their copy of the papers.
        raise PermissionDenied("The panel pack is no longer available to members")
    # A member's pack holds only the cases whose child they may still see (not one they declared a conflict on).
    items = [item for item in tasks.items_of(meeting) if request.user.has_perm("people.view_child", item.request.child)]
    # Made on the queue and kept until the papers change (docs/tasks.md): the first ask goes to the job's page.
    _key, kept = tasks.kept_pack(meeting, items)
    if kept is None:
        try:
            packs.load()  # say at once when the PDF renderer is missing, rather than on a failed job
        except packs.PdfUnavailable as exc:
            return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
        ids = [item.pk for item in items]
        job = enqueue_once(tasks.render_panel_pack, meeting.pk, ids, requested_by=request.user.pk)
        return redirect("job-status", job_id=job.id)
    _audit_meeting_read(request.user, meeting, items, "panel.pack.download")
    response = HttpResponse(bytes(kept.content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="panel-pack-{meeting.meets_on:%Y-%m-%d}-{meeting.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------------------------
# Outcomes


@requires("insight.view_aggregates")
def outcomes(request):
    today = date.today()
    date_from, date_to, period = (today - timedelta(days=365)).replace(day=1), today, "month"
    form = forms.OutcomesForm(
        request.GET or None, initial={"date_from": date_from, "date_to": date_to, "period": period}
    )
    if form.is_bound and form.is_valid():
        date_from = form.cleaned_data["date_from"] or date_from
        date_to = form.cleaned_data["date_to"] or date_to
        period = form.cleaned_data["period"] or period
    # Readers who may not open every record get protected counts over whole quarters, as on the area figures.
    policy = disclosure.policy_for(request.user)
    date_from, date_to = disclosure.period_for(policy, date_from, date_to)
    report = reports.outcomes(date_from=date_from, date_to=date_to, period=period, policy=policy)
    return render(
        request,
        "panels/outcomes.html",
        {
            "page_title": "Panel outcomes",
            "form": form,
            "report": report,
            "error_title": bool(form.errors),
            "chart": reports.bar_chart(report.shown_totals, title="Recommendations by outcome"),
        },
    )
