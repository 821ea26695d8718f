"""Plans and drafts: a plan for a child, a draft prefilled from the advice, section and item edits."""

from __future__ import annotations

import copy
from datetime import date

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service

from .. import queries
from .. import sections as S
from ..models import Contribution, Plan, PlanVersion
from ._common import (
    ADVICE_PARTS,
    _editable,
    _name,
    _prefilled_sections,
    _role_label,
    _save,
)

# ---------------------------------------------------------------------------------------------------------------
# Plans and drafts


@service
def create_plan(*, actor, child, request=None, source: str = "assessment") -> Plan:
    """A plan in draft for a child, with version 1 prefilled from the child's needs and the advice."""
    require(actor, "plans.edit_plan", child)
    if queries.current_plan(child) is not None:
        raise ValidationError({"__all__": f"{child.full_name} already has a plan that has not ceased"})
    plan = Plan.objects.create(child=child, request=request, status="draft")
    version = PlanVersion.objects.create(
        plan=plan, number=1, kind="draft", source=source, sections=_prefilled_sections(child, plan)
    )
    log.record(
        actor=actor,
        action="plan.create",
        obj=plan,
        child=child,
        after={"version": version.pk, "request": getattr(request, "pk", None), "source": source},
    )
    return plan


@service
def draft_for_request(*, actor, request) -> PlanVersion:
    """The draft for an assessment: the one being written, else a new plan prefilled from the advice."""
    require(actor, "plans.edit_plan", request.child)
    plan = queries.current_plan(request.child)
    if plan is None:
        plan = create_plan(actor=actor, child=request.child, request=request)
    elif plan.request_id is None and plan.status == "draft":
        plan.request = request
        plan.save(update_fields=["request"])
        log.record(
            actor=actor, action="plan.link_request", obj=plan, child=plan.child_id, after={"request": request.pk}
        )
    version = queries.editable_version(plan)
    if version is None:
        # A plan is in force and this assessment replaces it (a re-assessment): a new draft from its words.
        issued = queries.latest_issued(plan)
        sections = copy.deepcopy(issued.sections) if issued else S.blank()
        sections["I"], sections["K"] = {"name": "", "type": ""}, {"appendices": []}
        number = (plan.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        version = PlanVersion.objects.create(
            plan=plan, number=number, kind="draft", source="reassessment", sections=sections
        )
        log.record(
            actor=actor,
            action="plan.draft.start",
            obj=version,
            child=plan.child_id,
            after={"request": request.pk, "from_version": getattr(issued, "pk", None)},
        )
    return version


@service
def save_section(*, actor, version: PlanVersion, section: str, data: dict) -> PlanVersion:
    """A text section (A, C, D, G, H1, H2, I, J). Section I stays blank in a draft (reg 13 / CoP 9.77)."""
    require(actor, "plans.edit_plan", version.plan.child)
    _editable(version)
    if section not in S.TEXT_FIELDS:
        raise ValidationError({"section": f"{section} is not a text section"})
    cleaned = S.clean_text_section(section, data)
    if section == "I" and version.kind == "draft" and any(cleaned.values()):
        raise ValidationError(
            {
                "name": "Section I must be left blank in a draft plan: the school or college is named "
                "when the final plan is issued"
            }
        )
    before = version.sections.get(section, {})
    merged = {**before, **cleaned}
    if section == "A":
        merged.update(written_by=_name(actor), written_by_role=_role_label(actor), written_on=date.today().isoformat())
    version.sections = {**version.sections, section: merged}
    _save(version, "sections")
    log.record(
        actor=actor,
        action="plan.section.save",
        obj=version,
        child=version.plan.child_id,
        before={section: before},
        after={section: merged},
    )
    return version


@service
def save_items(*, actor, version: PlanVersion, section: str, items: list[dict]) -> PlanVersion:
    """The whole list of needs (B), outcomes (E) or provision (F). Removing a need removes the links to it."""
    require(actor, "plans.edit_plan", version.plan.child)
    _editable(version)
    if section not in S.ITEM_FIELDS:
        raise ValidationError({"section": f"{section} is not a list section"})
    key, _ = S.ITEM_FIELDS[section]
    cleaned = S.clean_items(section, items, version.sections)
    sections = copy.deepcopy(version.sections)
    before = sections.get(section, {}).get(key, [])
    sections.setdefault(section, {})[key] = cleaned
    kept = {i["id"] for i in cleaned}
    link = {"B": "needs", "E": "outcomes"}.get(section)
    if link:  # drop links to removed needs/outcomes
        for other, other_key in (("E", "outcomes"), ("F", "items")):
            for item in sections.get(other, {}).get(other_key, []):
                if link in item:
                    item[link] = [i for i in item[link] if i in kept]
    version.sections = sections
    _save(version, "sections")
    log.record(
        actor=actor,
        action="plan.section.save",
        obj=version,
        child=version.plan.child_id,
        before={section: before},
        after={section: cleaned},
    )
    return version


@service
def copy_advice(*, actor, version: PlanVersion, contribution: Contribution, part: str) -> PlanVersion:
    """Copy one part of a professional's structured advice into the matching section, saying whose it was."""
    require(actor, "plans.edit_plan", version.plan.child)
    _editable(version)
    if contribution.kind != "advice" or contribution.child_id != version.plan.child_id:
        raise ValidationError({"__all__": "That advice is not about this child"})
    text = str((contribution.data or {}).get(part) or "").strip()
    if part not in ADVICE_PARTS or not text:
        raise ValidationError({"part": "That part of the advice is empty"})
    text = f"{text} (from {contribution.author_name}, {contribution.created_at:%-d %B %Y})"
    sections = copy.deepcopy(version.sections)
    if part == "needs":
        sections["B"]["needs"].append({**S.blank_item("B"), "text": text})
    elif part == "outcomes":
        sections["E"]["outcomes"].append({**S.blank_item("E"), "text": text})
    elif part == "provision":
        sections["F"]["items"].append({**S.blank_item("F"), "what": text})
    else:
        sections["C"]["text"] = (sections["C"].get("text", "") + "\n\n" + text).strip()
    version.sections = sections
    _save(version, "sections")
    log.record(
        actor=actor,
        action="plan.advice.copy",
        obj=version,
        child=version.plan.child_id,
        after={"contribution": contribution.pk, "part": part},
    )
    return version
