"""The panel pack: a tagged, accessible PDF (PDF/UA-1) for one meeting, made with WeasyPrint.

A cover page (the panel, the date, its members by agency, the agenda), then a section per case: the child's
name, age, year group, needs and current setting; the request's stage and statutory deadlines; a summary of
each piece of advice received; and what the panel is asked to decide. It names children: the view serving it
checks who may see the meeting and audits each download against each child.

WeasyPrint is imported only when a pack is made, so the rest of the service runs without its system libraries.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.template.loader import render_to_string

from highneeds.casework.plain import STEP_LABELS
from highneeds.council.models import CouncilSettings
from highneeds.engine import codes
from highneeds.web import pdf

from . import queries
from .models import AGENCIES, PanelMeeting

ADVICE_SUMMARY_CHARS = 1500


PdfUnavailable = pdf.PdfUnavailable


def _weasyprint():
    return pdf.load_weasyprint("Panel packs")


def load() -> None:
    """Raise PdfUnavailable now if packs cannot be made here."""
    _weasyprint()


def _step_label(step: str) -> str:
    return STEP_LABELS(step)


_STATUS_WORDS = {
    "met": "Met",
    "missed": "Missed",
    "pending": "Due",
    "overdue": "Overdue",
    "excepted": "Exception applies",
}


def _summary(text: str) -> tuple[str, bool]:
    text = (text or "").strip()
    if len(text) <= ADVICE_SUMMARY_CHARS:
        return text, False
    cut = text[:ADVICE_SUMMARY_CHARS].rsplit(" ", 1)[0]
    return cut + " …", True


def pack_context(meeting: PanelMeeting, today: date | None = None, items=None) -> dict:
    """`items`: the agenda items to include (default all; a member's pack leaves out cases they may not see)."""
    today = today or date.today()
    panel = meeting.panel
    members = list(panel.members.filter(is_active=True).select_related("user").order_by("agency", "user__last_name"))
    by_agency = [(label, [m for m in members if m.agency == code]) for code, label in AGENCIES.items()]
    cases = []
    if items is None:
        items = meeting.items.select_related("request__child").prefetch_related("conflicts__member__user")
    for item in items:
        request = item.request
        child = request.child
        placements = list(child.placements.filter(end_date__isnull=True).select_related("establishment"))
        advice = []
        for a in request.advice_requests.filter(received_on__isnull=False):
            text, cut = _summary(a.advice)
            advice.append(
                {"label": a.label, "from": a.adviser_name, "received_on": a.received_on, "text": text, "cut": cut}
            )
        cases.append(
            {
                "item": item,
                "request": request,
                "child": child,
                "age": child.age(meeting.meets_on),
                "year_group": child.year_group_label(meeting.meets_on),
                "sen_status": child.get_sen_status_display(),
                "needs": [n.label for n in child.needs.all()],
                "settings": [f"{p.establishment.name} ({p.get_placement_type_display()})" for p in placements],
                "deadlines": [
                    {
                        "label": _step_label(d["step"]),
                        "due": date.fromisoformat(d["due"]),
                        "done": date.fromisoformat(d["done"]) if d.get("done") else None,
                        "status": _STATUS_WORDS.get(d["status"], d["status"]),
                    }
                    for d in request.deadlines or []
                ],
                "advice": advice,
                "advice_asked": [a.label for a in request.advice_requests.filter(received_on__isnull=True)],
                "question": item.summary or queries.QUESTIONS[panel.panel_type],
                "options": [label for _, label in panel.recommendation_choices],
                "conflicts": list(item.conflicts.all()),
                "source": codes.REQUEST_SOURCES.get(request.source, request.source),
            }
        )
    return {
        "meeting": meeting,
        "panel": panel,
        "by_agency": by_agency,
        "cases": cases,
        "council": CouncilSettings.current(),
        "made_on": today,
    }


def render_html(meeting: PanelMeeting, items=None) -> str:
    return render_to_string("panels/pack.html", pack_context(meeting, items=items))


def render_pack(meeting: PanelMeeting, items=None) -> bytes:
    return pdf_of(render_html(meeting, items=items))


def pdf_of(html: str) -> bytes:
    return pdf.write_pdf(_weasyprint(), html)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def key_prefix(meeting: PanelMeeting, items) -> str:
    """Kept packs of this meeting for exactly these items (one member's, or everyone's for casework)."""
    ids = ",".join(str(pk) for pk in sorted(item.pk for item in items))
    return f"panel-pack:{meeting.pk}:{_digest(ids)[:16]}:"


def keyed(meeting: PanelMeeting, items) -> tuple[str, str]:
    """(key, html): the key names the meeting, the items and a hash of the papers as they are now, so a changed
    item (new advice, a new deadline, a conflict declared) makes a new pack and an unchanged one is reused.
    Rendering the HTML is cheap; turning it into a PDF is the slow part the queue takes."""
    html = render_html(meeting, items=items)
    return key_prefix(meeting, items) + _digest(html)[:32], html
