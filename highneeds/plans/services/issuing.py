"""Sending and issuing: the draft sent, amendments started and proposed, versions issued (immutably), cessation."""

from __future__ import annotations

import copy
from datetime import date

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.council.machines import enforce
from highneeds.engine.clock.machines import PLAN, PLAN_VERSION
from highneeds.letters import context as letter_context
from highneeds.people import services as people

from .. import queries, signals
from .. import sections as S
from ..models import CEASE_REASONS, SOURCES, Plan, PlanVersion
from ._common import _letters, _save

# ---------------------------------------------------------------------------------------------------------------
# Sending and issuing


@service
def send_draft(*, actor, version: PlanVersion, sent_on: date, letter: bool = True) -> PlanVersion:
    """Mark a draft as sent to the family (the casework step `send_draft_plan` calls this with letter=False,
    since it sends the statutory draft letter itself)."""
    require(actor, "plans.edit_plan", version.plan.child)
    enforce(PLAN_VERSION, version.state, "send")
    if version.kind != "draft":
        raise ValidationError({"__all__": "Only a draft being written can be sent"})
    if any((version.sections.get("I") or {}).values()):
        raise ValidationError({"__all__": "Section I must be blank in a draft plan: clear it before sending"})
    version.state, version.sent_on = "sent", sent_on
    _save(version, "state", "sent_on")
    log.record(
        actor=actor, action="plan.draft.send", obj=version, child=version.plan.child_id, after={"sent_on": sent_on}
    )
    if letter:
        _letters(actor, version.plan, "plan_draft_sent", last_day=queries.comment_last_day(version))
    return version


@service
def start_amendment(*, actor, plan: Plan, source: str, started_on: date) -> PlanVersion:
    """A new version to amend the plan in force, starting from the latest issued version's words."""
    require(actor, "plans.edit_plan", plan.child)
    if source not in SOURCES:
        raise ValidationError({"source": "Choose why the plan is being amended"})
    enforce(PLAN, plan.status, "amend")
    if queries.editable_version(plan) is not None:
        raise ValidationError({"__all__": "An amendment is already being written for this plan"})
    issued = queries.latest_issued(plan)
    sections = copy.deepcopy(issued.sections) if issued else S.blank()
    sections["K"] = {"appendices": []}
    number = (plan.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        kind="proposed_amendment",
        source=source,
        sections=sections,
        establishment=issued.establishment if issued else None,
    )
    log.record(
        actor=actor,
        action="plan.amendment.start",
        obj=version,
        child=plan.child_id,
        after={"source": source, "started_on": started_on, "from_version": getattr(issued, "pk", None)},
    )
    return version


@service
def send_proposed_amendments(*, actor, version: PlanVersion, sent_on: date) -> PlanVersion:
    """Send the proposed amendments with a copy of the plan; the family has 15 days to comment (reg 22(2))."""
    require(actor, "plans.edit_plan", version.plan.child)
    enforce(PLAN_VERSION, version.state, "send")
    if version.kind != "proposed_amendment":
        raise ValidationError({"__all__": "Only proposed amendments being written can be sent"})
    version.state, version.sent_on = "sent", sent_on
    _save(version, "state", "sent_on")
    log.record(
        actor=actor, action="plan.amendment.send", obj=version, child=version.plan.child_id, after={"sent_on": sent_on}
    )
    _letters(actor, version.plan, "plan_proposed_amendments", last_day=queries.comment_last_day(version))
    return version


@service
def issue_version(
    *, actor, version: PlanVersion, issued_on: date, establishment=None, setting_type: str = "", letter: bool = True
) -> PlanVersion:
    """Issue a sent draft as the final plan, or sent proposed amendments as the amended final plan, once the
    family's 15 days have run. Section I is the named establishment (or a type of setting); every issued plan
    needs a need in B and specific, quantified provision in F (`queries.issue_errors`). A first final plan is
    issued only by its assessment (`casework.issue_final_plan`), which moves the case, the child's SEN status
    and the history with it. Section K keeps the advice as it stands today. Afterwards the version cannot be
    changed; the previously issued version is superseded."""
    plan = version.plan
    require(actor, "plans.issue_plan", plan.child)
    if issued_on > date.today():
        raise ValidationError({"issued_on": "The issue date cannot be in the future"})
    errors = queries.issue_errors(version, issued_on, establishment, setting_type)
    if errors:
        raise ValidationError(errors)
    amended = version.kind == "proposed_amendment" or (version.kind != "draft" and plan.status == "final")
    if version.kind == "draft":
        # A draft (a new plan, or one replacing the plan after a re-assessment) ends an assessment: only the
        # assessment's own step issues it, having recorded the issue in the case's history first.
        enforce(PLAN, plan.status, "issue_first" if plan.status == "draft" else "reassess")
        request = plan.request
        if (
            request is None
            or request.status != "plan_issued"
            or not request.events.filter(event_type="final_plan_issued", occurred_on=issued_on).exists()
        ):
            raise ValidationError(
                {
                    "__all__": "Issue the final plan: that step is taken from the assessment's case "
                    "page, after the decision to issue, the draft and the family's 15 days"
                }
            )
    else:
        enforce(PLAN, plan.status, "amend")
    sections = queries.with_placement(copy.deepcopy(version.sections), establishment, setting_type)
    sections["K"] = {
        "appendices": [
            {
                "title": a["title"],
                "from": a["from"],
                "text": a["text"],
                "given_on": a["given_on"].isoformat() if a["given_on"] else "",
            }
            for a in queries.appendices(version)
        ]
    }
    previous = queries.latest_issued(plan)
    if previous is not None:
        previous.state = "superseded"
        previous.save(update_fields=["state", "updated_at"])
    version.kind = "amended_final" if amended else "final"
    version.state, version.issued_on, version.sections = "issued", issued_on, sections
    version.establishment = establishment or version.establishment
    version.save(update_fields=["kind", "state", "issued_on", "sections", "establishment", "updated_at"])
    if plan.status != "final":
        plan.status = "final"
        plan.first_issued_on = plan.first_issued_on or issued_on
        plan.save(update_fields=["status", "first_issued_on"])
    log.record(
        actor=actor,
        action="plan.issue",
        obj=version,
        child=plan.child_id,
        after={
            "kind": version.kind,
            "issued_on": issued_on,
            "establishment": getattr(establishment, "pk", None),
            "superseded": getattr(previous, "pk", None),
        },
    )
    signals.plan_issued.send(sender=PlanVersion, actor=actor, version=version, issued_on=issued_on)
    if letter:
        _letters(
            actor,
            plan,
            "plan_amended_final" if amended else "plan_final_issued",
            version={"sections": {"I": {"name": (sections.get("I") or {}).get("name", "")}}},
            establishment=letter_context.establishment(establishment),
        )
    return version


@service
def mark_ceased(*, actor, plan: Plan, ceased_on: date, reason: str) -> Plan:
    """The plan ceases (SEN2 CeaseReason code). The child's EHC status ends: SEN support where the plan ceased
    because needs are met without it (reason 2), otherwise no SEN status."""
    require(actor, "plans.issue_plan", plan.child)
    if str(reason) not in CEASE_REASONS:
        raise ValidationError({"reason": "Choose a reason the plan ceased"})
    enforce(PLAN, plan.status, "cease")
    before = plan.status
    plan.status, plan.ceased_on, plan.cease_reason = "ceased", ceased_on, str(reason)
    plan.save(update_fields=["status", "ceased_on", "cease_reason"])
    plan.versions.filter(state__in=("editing", "sent")).update(state="withdrawn")
    child = plan.child
    if child.sen_status == "E":
        people.set_sen_status(actor=actor, child=child, status="K" if str(reason) == "2" else "N", on=ceased_on)
    log.record(
        actor=actor,
        action="plan.cease",
        obj=plan,
        child=child.pk,
        before={"status": before},
        after={"ceased_on": ceased_on, "reason": str(reason)},
    )
    signals.plan_ceased.send(sender=Plan, actor=actor, plan=plan, ceased_on=ceased_on)
    return plan
