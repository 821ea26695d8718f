"""Where the plan document meets the assessment: a professional's structured advice, and issuing a plan.

Advice given by section is the assessment's advice (the clock must see it arrive) and the plan's contribution;
a first final plan is issued by its assessment (casework.flows), an amendment by the plan itself.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import service
from highneeds.casework import flows as casework_flows
from highneeds.casework import services as casework

from . import queries, services
from .models import Contribution, PlanVersion
from .services._common import ADVICE_PARTS, _name


@service
def give_structured_advice(
    *,
    actor,
    advice,
    parts: dict[str, str],
    summary: str = "",
    received_on: date | None = None,
    report: tuple[str, bytes] | None = None,
) -> Contribution:
    """A professional's advice by section (needs, outcomes, provision, health and social care). The casework
    record gets the whole text (so the clock sees the advice arrive); the parts are kept for the plan."""
    parts = {k: str(parts.get(k) or "").strip() for k in ADVICE_PARTS}
    summary = summary.strip()
    if not summary and not any(parts.values()):
        raise ValidationError({"text": "Enter your advice"})
    text = "\n\n".join([summary] * bool(summary) + [f"{ADVICE_PARTS[k]}:\n{v}" for k, v in parts.items() if v])
    casework.submit_advice(actor=actor, advice=advice, text=text, received_on=received_on, report=report)
    child = advice.request.child
    plan = queries.current_plan(child)
    contribution = Contribution.objects.create(
        child=child,
        plan=plan,
        advice_request=advice,
        kind="advice",
        author=actor if getattr(actor, "pk", None) else None,
        author_name=advice.adviser_name or _name(actor),
        author_role=advice.label,
        text=text,
        data=parts,
    )
    log.record(
        actor=actor,
        action="plan.advice.give",
        obj=contribution,
        child=child.pk,
        after={"advice_request": advice.pk, "parts": [k for k, v in parts.items() if v]},
    )
    return contribution


@service
def issue(*, actor, version: PlanVersion, issued_on: date, establishment=None) -> PlanVersion:
    """The plan page's "Issue": a draft whose assessment is waiting for it is issued by the assessment's step
    (which moves the case, the child's SEN status and the history with it); anything else by the plan."""
    plan = version.plan
    if version.kind == "draft" and plan.request_id and plan.request.status == "draft":
        casework_flows.issue_final_plan(
            actor=actor, request=plan.request, issued_on=issued_on, establishment=establishment
        )
        version.refresh_from_db()
        return version
    return services.issue_version(actor=actor, version=version, issued_on=issued_on, establishment=establishment)
