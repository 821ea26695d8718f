"""The overview of what is due, a child's disagreements with the steps open on each, and a filed letter."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render

from highneeds.letters import recipients
from highneeds.letters.models import Letter
from highneeds.people.queries import ChildSearch, search_children
from highneeds.plans.queries import current_plan
from highneeds.web.access import requires
from highneeds.web.forms import query_text

from .. import clock, queries
from ..models import DecisionNotice
from ..plain import STATUS_TEXT, status_tag, step_label
from ._common import _child
from .steps import APPEAL_STEPS, CESSATION_STEPS, COMPLAINT_STEPS, NOTICE_STEPS, _actions


@requires("disputes.view")
def overview(request):
    today = date.today()
    name = query_text(request.GET, "name")
    found = list(search_children(request.user, ChildSearch(name=name))[:20]) if name else None
    return render(
        request,
        "disputes/overview.html",
        {"page_title": "Disagreements", "name": name, "found": found, **queries.overview(today)},
    )


@requires("disputes.view")
def child_page(request, child_id: int):
    child = _child(request, child_id)
    found = queries.child_disputes(child)
    plan = current_plan(child)
    return render(
        request,
        "disputes/child.html",
        {
            "page_title": f"{child.full_name}: disagreements",
            "child": child,
            "plan": plan,
            **found,
            "notice_rows": [_notice_row(n) for n in found["notices"]],
            "cessation_rows": [
                (c, queries.cessation_effective(c), _actions(CESSATION_STEPS, c)) for c in found["cessations"]
            ],
            "complaint_rows": [(c, _actions(COMPLAINT_STEPS, c)) for c in found["complaints"]],
            "appeal_actions": {a.pk: _actions(APPEAL_STEPS, a) for a in found["appeals"]},
            "letters": list(child.letters.filter(template_code__startswith="cessation_")),
            "can_start_cessation": plan is not None
            and plan.status == "final"
            and not any(c.is_open for c in found["cessations"] if c.plan_id == plan.pk),
            "today": date.today(),
        },
    )


def _notice_row(notice: DecisionNotice) -> dict:
    # Statuses move from due to overdue as days pass: ask the clock afresh rather than show the cached answer.
    try:
        clock.apply_result(notice, clock.run_clock(notice))
    except ValidationError:
        pass  # keep the last answer the clock gave when the record was saved
    return {
        "notice": notice,
        "mediation": getattr(notice, "mediation", None),
        "contact_by": queries.adviser_contact_by(notice),
        "deadlines": [
            {
                **d,
                "label": step_label(d["step"]),
                "tag": status_tag(d["status"]),
                "status_text": STATUS_TEXT.get(d["status"], d["status"]),
            }
            for d in notice.deadlines
        ],
        "actions": _actions(NOTICE_STEPS, notice),
        "icbs_by": queries.icbs_told_by(notice.mediation) if getattr(notice, "mediation", None) else None,
    }


@requires("disputes.view")
def letter(request, child_id: int, letter_id: int):
    child = _child(request, child_id, what="dispute.view_letter")
    found = get_object_or_404(Letter, pk=letter_id, child=child, template_code__startswith="cessation_")
    return render(
        request,
        "disputes/letter.html",
        {"page_title": found.subject, "child": child, "letter": found, "recipients": recipients.for_page(child)},
    )
