"""Requests to reassess: the request's page, its steps, and adding one to a child's plan."""

from __future__ import annotations

from django.shortcuts import render

from highneeds.engine.clock.machines import REASSESSMENT
from highneeds.web.access import requires
from highneeds.web.steps import Step

from .. import flows, forms, queries, services
from ._common import MANAGE, _deadlines, _establishment, _may, _plan_step, _record_step

# ---------------------------------------------------------------------------------------------
# Reassessments


REASSESSMENT_STEPS = {
    s.slug: s
    for s in (
        Step(
            slug="decide",
            title="Record the decision whether to reassess",
            form=forms.ReassessmentDecisionForm,
            shown=lambda r: _may(REASSESSMENT, "decide_reassessment", r),
            save=lambda user, r, d: (
                services.decide_reassessment(
                    actor=user, reassessment=r, decision=d["decision"], decided_on=d["decided_on"], reasons=d["reasons"]
                )
                and "Decision recorded; the notice is ready"
            ),
        ),
        Step(
            slug="issue",
            title="Issue the plan after reassessment",
            form=forms.IssueForm,
            shown=lambda r: _may(REASSESSMENT, "issue_reassessed_plan", r),
            save=lambda user, r, d: (
                flows.issue_reassessed_plan(
                    actor=user, reassessment=r, issued_on=d["on"], establishment=_establishment(d["urn"])
                )
                and "Plan issued"
            ),
        ),
    )
}


@requires(MANAGE)
def reassessment_page(request, item_id: int):
    item = queries.open_reassessment(request.user, item_id)
    return render(
        request,
        "reviews/reassessment.html",
        {
            "page_title": f"{item.child.full_name}: request to reassess",
            "item": item,
            "child": item.child,
            "deadlines": _deadlines(item),
            "last_assessed": queries.last_assessed(item.plan),
            "refusal_allowed": queries.within_refusal_window(item.plan, item.received_on),
            "actions": [s for s in REASSESSMENT_STEPS.values() if s.shown(item)],
        },
    )


@requires(MANAGE)
def reassessment_step(request, item_id: int, slug: str):
    item = queries.open_reassessment(request.user, item_id, what="reassessment.view_for_edit")
    return _record_step(
        request,
        item,
        REASSESSMENT_STEPS,
        slug,
        "reviews:reassessment",
        "That step is not open now",
        {"child": item.child, "caption": f"Request received {item.received_on:%-d %B %Y}"},
    )


@requires(MANAGE)
def add_reassessment(request, child_id: int):
    spec = Step(
        slug="add",
        title="Record a request to reassess",
        form=forms.ReassessmentRequestForm,
        shown=lambda p: True,
        save=lambda user, plan, d: services.request_reassessment(actor=user, plan=plan, **d) and "Request recorded",
    )
    return _plan_step(request, child_id, spec, "Reassessment")
