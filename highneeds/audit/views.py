"""The data protection officer's audit screen: who opened or changed which child's record, and when, with
refused attempts; filters, and a CSV export for subject access requests. Searching and exporting are
themselves audited."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from highneeds import spreadsheets
from highneeds.accounts.models import User
from highneeds.web.access import requires
from highneeds.web.forms import GovukDateField, GovukForm

from . import labels, log
from .models import AuditEvent

PAGE_SIZE = 50
EXPORT_COLUMNS = [
    "When",
    "Who",
    "Role",
    "What",
    "Action code",
    "Child id",
    "Child",
    "Record type",
    "Record id",
    "Request id",
]


class AuditFilterForm(GovukForm):
    child = forms.IntegerField(
        label="Child's record number",
        required=False,
        min_value=1,
        max_value=2**63 - 1,  # a record number the database can hold
        error_messages={
            "invalid": "Child's record number must be a number, like 1234",
            "min_value": "Child's record number must be a number, like 1234",
            "max_value": "Child's record number must be a number, like 1234",
        },
    )
    person = forms.CharField(label="Person (name or username)", required=False, max_length=100)
    kind = forms.ChoiceField(label="What happened", required=False, choices=[("", "Anything"), *labels.KINDS.items()])
    start = GovukDateField(label="From", required=False)
    end = GovukDateField(label="To", required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The end date must be the same as or after the start date")
        return data


def filtered(data: dict):
    """Events matching the form's cleaned data, newest first."""
    found = AuditEvent.objects.all()
    if data.get("child"):
        found = found.filter(child_id=data["child"])
    person = (data.get("person") or "").strip()
    if person:
        people = User.objects.all()
        for word in person.split()[:3]:
            people = people.filter(
                Q(first_name__istartswith=word) | Q(last_name__istartswith=word) | Q(username__istartswith=word)
            )
        found = found.filter(Q(actor_id__in=people.values("pk")) | Q(actor_label__iexact=person))
    if data.get("kind"):
        found = found.filter(labels.kind_q(data["kind"]))
    tz = timezone.get_current_timezone()
    if data.get("start"):
        found = found.filter(occurred_at__gte=datetime.combine(data["start"], time.min, tz))
    if data.get("end"):
        found = found.filter(occurred_at__lte=datetime.combine(data["end"], time.max, tz))
    # Newest first. With dates, order by the indexed time the range is read by (a sort of every row in the
    # range otherwise); the sequence number breaks ties, and without dates it is the cheapest order.
    if data.get("start") or data.get("end"):
        return found.order_by("-occurred_at", "-seq")
    return found.order_by("-seq")


def _criteria(request) -> tuple[AuditFilterForm, dict | None]:
    form = AuditFilterForm(request.GET or None)
    if not form.is_bound:
        return form, {}
    return form, (form.cleaned_data if form.is_valid() else None)


def _audit_search(user, data: dict, action: str) -> None:
    plain = {k: v for k, v in data.items() if v not in (None, "")}
    log.record(actor=user, action=action, child=data.get("child"), after=plain)


@requires("audit.view_log")
def audit_log(request):
    form, data = _criteria(request)
    page, rows = None, []
    if data is not None:
        page = Paginator(filtered(data), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = labels.describe(page.object_list)
        _audit_search(request.user, data, "audit.view")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {
            "page_title": "Audit log",
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "kinds": labels.KINDS,
            "error_title": bool(form.errors),
        },
    )


class _Echo:
    def write(self, value):
        return value


@requires("audit.view_log")
def audit_export(request):
    form, data = _criteria(request)
    if data is None:
        return render(
            request,
            "audit/log.html",
            {
                "page_title": "Audit log",
                "form": form,
                "page": None,
                "rows": [],
                "query": "",
                "kinds": labels.KINDS,
                "error_title": True,
            },
            status=400,
        )
    _audit_search(request.user, data, "audit.export")
    events = filtered(data)
    writer = spreadsheets.csv_writer(_Echo())

    def lines():
        yield writer.writerow(EXPORT_COLUMNS)
        batch = []
        for event in events.iterator(chunk_size=2000):
            batch.append(event)
            if len(batch) == 2000:
                yield from _rows(writer, batch)
                batch = []
        yield from _rows(writer, batch)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = f"audit-child-{data['child']}" if data.get("child") else "audit"
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


def _rows(writer, batch):
    for r in labels.describe(batch):
        yield writer.writerow(
            [
                ("" if v is None else v)
                for v in (
                    timezone.localtime(r["when"]).strftime("%Y-%m-%d %H:%M:%S"),
                    r["who"],
                    r["role"],
                    r["what"],
                    r["action"],
                    r["child_id"] or "",
                    r["child"],
                    r["object_type"],
                    r["object_id"],
                    r["request_id"],
                )
            ]
        )
