"""Reads of plans: always checked against `plans.view_plan` on the child, with reads of a child's plan audited.

"Missing" and "not yours" get the same answer (404), so ids cannot be probed. Families see only versions
that have been sent or issued to them; staff see every version.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.http import Http404

from highneeds.audit import log
from highneeds.casework.models import ADVISER_TYPES, AdviceRequest
from highneeds.engine import planquality
from highneeds.engine.clock.machines import PLAN_VERSION, REPRESENTATION_DAYS, StepRefused
from highneeds.people.models import Child
from highneeds.people.queries import visible_children

from .models import Contribution, Plan, PlanMedia, PlanVersion

FAMILY_ROLES = ("parent", "young_person")
# Families may comment on a draft or proposed amendments for 15 days, beginning with the day it was sent
# (SEND Regulations 2014 reg 13(1) and 22(2)(d)): the last day is sent_on + 14. The number is the clock's.
COMMENT_DAYS = REPRESENTATION_DAYS


def current_plan(child) -> Plan | None:
    """The child's plan that has not ceased."""
    return Plan.objects.filter(child=child).exclude(status="ceased").order_by("-id").first()


def latest_issued(plan: Plan) -> PlanVersion | None:
    return plan.versions.filter(state="issued").order_by("-number").first()


def editable_version(plan: Plan) -> PlanVersion | None:
    return plan.versions.filter(state__in=("editing", "sent")).order_by("-number").first()


def is_family(user) -> bool:
    return getattr(user, "role", None) in FAMILY_ROLES


def visible_versions(user, plan: Plan):
    versions = plan.versions.order_by("-number")
    if is_family(user) or getattr(user, "role", None) in ("senco", "professional", "panel_member"):
        versions = versions.exclude(state="editing").exclude(state="withdrawn")
    return versions


def _child_or_404(user, child_id: int, what: str) -> Child:
    child = Child.objects.filter(pk=child_id).first()
    if child is None or not user.has_perm("plans.view_plan", child):
        raise Http404("plan")
    log.record_read(actor=user, child=child, what=what)
    return child


def open_child_plans(user, child_id: int, what: str = "plan.view") -> tuple[Child, Plan | None]:
    child = _child_or_404(user, child_id, what)
    return child, current_plan(child) or Plan.objects.filter(child=child).order_by("-id").first()


def open_version(user, version_id: int, what: str = "plan.view") -> PlanVersion:
    version = PlanVersion.objects.filter(pk=version_id).select_related("plan__child", "establishment").first()
    if version is None:
        raise Http404("plan")
    child = version.plan.child
    if (
        not user.has_perm("plans.view_plan", child)
        or not visible_versions(user, version.plan).filter(pk=version.pk).exists()
    ):
        raise Http404("plan")
    log.record_read(actor=user, child=child, what=what)
    return version


def open_media(user, media_id: int) -> PlanMedia:
    media = PlanMedia.objects.filter(pk=media_id).select_related("plan__child").first()
    if media is None or not user.has_perm("plans.view_plan", media.plan.child):
        raise Http404("media")
    log.record_read(actor=user, child=media.plan.child, what="plan.media.view")
    return media


def media_name(stored_name: str) -> str:
    """An upload's name in the storage backend (STORAGES["default"], shared by every web server: docs/scaling.md).
    Never served directly."""
    return f"plans/{stored_name}"


def family_plan_path(child) -> str:
    return f"/portal/plans/{child.pk}/"


def family_children_with_plans(user):
    return (
        Plan.objects.filter(child__in=visible_children(user))
        .select_related("child")
        .order_by("child__first_name", "child_id", "-id")
    )


# ---------------------------------------------------------------------------------------------------------------
# The comment window and what families may do


def comment_last_day(version: PlanVersion) -> date | None:
    return version.sent_on + timedelta(days=COMMENT_DAYS - 1) if version.sent_on else None


def issue_errors(version: PlanVersion, issued_on: date, establishment=None, setting_type: str = "") -> dict:
    """Why this version cannot be issued on `issued_on` ({field: [messages]}; empty when it can): its state
    (sent to the family, unless a tribunal ordered the words), the family's 15 days, and the content every
    issued plan must have (planquality.issue_blockers)."""
    errors: dict[str, list[str]] = {}
    step = "issue_as_ordered" if version.source == "tribunal_order" and version.kind != "draft" else "issue"
    try:
        PLAN_VERSION.check(version.state, step)
    except StepRefused as refused:
        errors["__all__"] = [str(refused)]
        return errors
    if version.sent_on and step == "issue" and issued_on < version.sent_on + timedelta(days=COMMENT_DAYS):
        errors["issued_on"] = [
            f"The family have until {comment_last_day(version):%-d %B %Y} to comment: the plan "
            f"can be issued from {version.sent_on + timedelta(days=COMMENT_DAYS):%-d %B %Y}"
        ]
    for finding in planquality.issue_blockers(with_placement(version.sections, establishment, setting_type)):
        errors.setdefault("establishment" if finding.section == "I" else "__all__", []).append(finding.message)
    return errors


def with_placement(sections: dict, establishment=None, setting_type: str = "") -> dict:
    """The sections with section I as it will be issued: the named establishment, or a type of setting."""
    if establishment is not None:
        return {**sections, "I": {"name": establishment.name, "type": establishment.type_label}}
    if setting_type.strip():
        return {**sections, "I": {"name": "", "type": setting_type.strip()}}
    return sections


def comment_window_open(version: PlanVersion, today: date) -> bool:
    last = comment_last_day(version)
    return (
        version.state == "sent"
        and version.kind in ("draft", "proposed_amendment")
        and last is not None
        and version.sent_on <= today <= last
    )


def family_may_write_a(version: PlanVersion, today: date) -> bool:
    """Section A can be written while the draft is being written, or commented on."""
    return version.state == "editing" or comment_window_open(version, today)


# ---------------------------------------------------------------------------------------------------------------
# Advice: for section K and for copying into sections


def advice_for(plan: Plan) -> list[dict]:
    """The advice received for this plan: the assessment's advice requests, with any structured advice given
    through the portal, and who gave it and when."""
    structured = {
        c.advice_request_id: c
        for c in Contribution.objects.filter(child=plan.child_id, kind="advice").select_related("advice_request")
    }
    found = []
    requests = AdviceRequest.objects.filter(request__child=plan.child_id, received_on__isnull=False)
    if plan.request_id:
        requests = requests.filter(request=plan.request_id)
    for advice in requests.order_by("received_on", "id"):
        contribution = structured.pop(advice.pk, None)
        found.append(
            {
                "title": ADVISER_TYPES.get(advice.adviser_type, advice.adviser_type),
                "from": advice.adviser_name or ADVISER_TYPES.get(advice.adviser_type, ""),
                "given_on": advice.received_on,
                "text": advice.advice,
                "parts": contribution.data if contribution else {},
                "contribution": contribution,
            }
        )
    for contribution in structured.values():  # structured advice not tied to this plan's request
        found.append(
            {
                "title": contribution.author_role or "Advice",
                "from": contribution.author_name,
                "given_on": contribution.created_at.date(),
                "text": contribution.text,
                "parts": contribution.data,
                "contribution": contribution,
            }
        )
    return found


def appendices(version: PlanVersion) -> list[dict]:
    """Section K: as stored when the version was issued (fixed for good), else the advice received so far."""
    if version.is_locked or version.sections.get("K", {}).get("appendices"):
        stored = version.sections.get("K", {}).get("appendices") or []
        return [{**a, "given_on": date.fromisoformat(a["given_on"]) if a.get("given_on") else None} for a in stored]
    return [{k: a[k] for k in ("title", "from", "given_on", "text")} for a in advice_for(version.plan)]


def contributions(version: PlanVersion, kind: str | None = None):
    found = Contribution.objects.filter(plan=version.plan_id).select_related("version")
    return found.filter(kind=kind) if kind else found
