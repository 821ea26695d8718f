"""A plan version as an accessible HTML document, a tagged PDF (PDF/UA-1, WeasyPrint) and an easy-read
one-page profile for the child.

The document template is standalone (no site chrome) so the same HTML feeds the page, the PDF and the
benchmark. WeasyPrint is imported only when a PDF is made, so the rest of the service runs without its
system libraries.
"""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string

from highneeds.council.models import CouncilSettings
from highneeds.engine import planquality
from highneeds.web import pdf

from . import queries
from . import sections as S
from .models import PlanVersion

PdfUnavailable = pdf.PdfUnavailable


def _weasyprint():
    return pdf.load_weasyprint("Plan PDFs")


def _links(ids: list[str], labeller, sections: dict) -> str:
    return ", ".join(labeller(sections, i) for i in ids or [])


def document_context(version: PlanVersion, *, today: date | None = None, media_url=None) -> dict:
    """Everything the document templates show, with the ids of needs and outcomes turned into labels."""
    plan, child = version.plan, version.plan.child
    sections = version.sections or {}
    b = sections.get("B", {}).get("needs", [])
    needs = [
        {
            **n,
            "number": i,
            "area_label": S.AREAS.get(n.get("area"), "Area not given"),
            "code_label": S.PLAN_NEED_CODES.get(n.get("code"), ""),
        }
        for i, n in enumerate(b, 1)
    ]
    by_area = [(label, [n for n in needs if n.get("area") == area]) for area, label in S.AREAS.items()]
    unplaced = [n for n in needs if n.get("area") not in S.AREAS]
    if unplaced:
        by_area.append(("Area not yet given", unplaced))
    outcomes = [
        {
            **o,
            "number": i,
            "needs_label": _links(o.get("needs"), S.need_label, sections),
            "adulthood_label": S.ADULTHOOD_AREAS.get(o.get("adulthood") or "", ""),
        }
        for i, o in enumerate(sections.get("E", {}).get("outcomes", []), 1)
    ]
    provision = [
        {
            **f,
            "number": i,
            "needs_label": _links(f.get("needs"), S.need_label, sections),
            "outcomes_label": _links(f.get("outcomes"), S.outcome_label, sections),
        }
        for i, f in enumerate(sections.get("F", {}).get("items", []), 1)
    ]
    media_ids = sections.get("A", {}).get("media", [])
    media = list(plan.media.filter(pk__in=media_ids)) if media_ids else []
    ref_day = version.issued_on or version.sent_on or today or date.today()
    return {
        "version": version,
        "plan": plan,
        "child": child,
        "s": sections,
        "titles": S.TITLES,
        "needs_by_area": [(label, items) for label, items in by_area if items],
        "needs": needs,
        "outcomes": outcomes,
        "provision": provision,
        "appendices": queries.appendices(version),
        "media": media,
        "media_url": media_url,
        "la": CouncilSettings.current(),
        "year_group": child.year_group_label(ref_day),
        "age": child.age(ref_day),
        "is_draft": version.kind in ("draft", "proposed_amendment") and not version.is_locked,
    }


def render_document(version: PlanVersion, **kw) -> str:
    """The standalone HTML document (for the PDF and for download)."""
    return render_to_string("plans/document.html", document_context(version, **kw))


def render_pdf(version: PlanVersion) -> bytes:
    weasyprint = _weasyprint()
    return pdf.write_pdf(weasyprint, render_document(version))


# ---------------------------------------------------------------------------------------------------------------
# The easy-read one-page profile

PROFILE_ITEMS = 4


def profile_context(version: PlanVersion) -> dict:
    """About me, what I'm good at, what's important to me and how to help me, from section A and the first
    few provision items, in plain words."""
    sections = version.sections or {}
    a = sections.get("A", {})
    helps = []
    for item in sections.get("F", {}).get("items", [])[:PROFILE_ITEMS]:
        what = " ".join(str(item.get("what") or "").split())
        if what:
            how_often = f" ({item['frequency']})" if item.get("frequency") else ""
            helps.append(_first_sentence(what) + how_often)
    child = version.plan.child
    return {
        "version": version,
        "child": child,
        "name": child.preferred_name or child.first_name,
        "about": _first_sentence(a.get("views", ""), 300),
        "good_at": _first_sentence(a.get("interests", ""), 300),
        "important": _first_sentence(a.get("aspirations", ""), 300),
        "helps": helps,
        "la": CouncilSettings.current(),
    }


def _first_sentence(text: str, limit: int = 160) -> str:
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def render_profile(version: PlanVersion) -> str:
    return render_to_string("plans/profile.html", profile_context(version))


def render_profile_pdf(version: PlanVersion) -> bytes:
    weasyprint = _weasyprint()
    return pdf.write_pdf(weasyprint, render_profile(version))


def quality(version: PlanVersion) -> planquality.Report:
    child = version.plan.child
    return planquality.check(version.sections or {}, ncy=child.year_group(version.issued_on or date.today()))
