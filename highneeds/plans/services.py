"""Writing EHC plans: drafts prefilled from the advice, section edits, the family's own words and comments,
professionals' structured advice, sending, issuing (immutably), amendments and cessation.

Issued versions are never changed: every write to a version goes through `_editable`, which refuses them.
"""

from __future__ import annotations

import copy
import secrets
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import storages

from highneeds.accounts.roles import Role
from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.council.machines import enforce
from highneeds.engine.clock.machines import PLAN, PLAN_VERSION
from highneeds.letters import context as letter_context
from highneeds.letters.services import letters_to_family
from highneeds.people import services as people

from . import queries, signals
from . import sections as S
from .models import CEASE_REASONS, SOURCES, Contribution, Plan, PlanMedia, PlanVersion

# ---------------------------------------------------------------------------------------------------------------
# Helpers

ADVICE_PARTS = {
    "needs": "Needs",
    "outcomes": "Outcomes to aim for",
    "provision": "Provision needed",
    "health_social_care": "Health and social care",
}
MEDIA_TYPES = {  # content type -> (extension, leading bytes check)
    "image/jpeg": (".jpg", lambda b: b[:3] == b"\xff\xd8\xff"),
    "image/png": (".png", lambda b: b[:8] == b"\x89PNG\r\n\x1a\n"),
    "image/gif": (".gif", lambda b: b[:4] == b"GIF8"),
    "image/webp": (".webp", lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP"),
    "video/mp4": (".mp4", lambda b: b[4:8] == b"ftyp"),
    "video/quicktime": (".mov", lambda b: b[4:8] == b"ftyp" or b[4:8] == b"moov"),
    "video/webm": (".webm", lambda b: b[:4] == b"\x1a\x45\xdf\xa3"),
}
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_VIDEO_BYTES = 25 * 1024 * 1024
MAX_MEDIA_PER_PLAN = 12


def _editable(version: PlanVersion) -> None:
    enforce(PLAN_VERSION, version.state, "edit")


def _name(actor) -> str:
    if getattr(actor, "is_system", False) or not getattr(actor, "pk", None):
        return getattr(actor, "label", "System")
    return actor.get_full_name() or actor.get_username()


def _role_label(actor) -> str:
    role = getattr(actor, "role", "")
    label = Role.LABELS.get(role, role)
    agency = getattr(actor, "agency", "")
    return f"{label}, {agency}" if agency else label


def _letters(actor, plan: Plan, code: str, **fields) -> list:
    """One letter per family recipient; `fields` are the letter's own plain fields (letters.fields)."""
    return letters_to_family(
        actor=actor,
        code=code,
        child=plan.child,
        request=plan.request,
        fields={"plan_url": queries.family_plan_path(plan.child), **fields},
    )


def _save(version: PlanVersion, *fields: str) -> None:
    version.save(update_fields=[*fields, "updated_at"])


def _prefilled_sections(child, plan: Plan | None = None) -> dict:
    """A new draft: the child's recorded needs in B (with their SEN2 codes and areas), and each piece of
    structured advice received offered as items in B, E and F and text in C, with who gave it."""
    sections = S.blank()
    for need in child.needs.exclude(code__in=("NSA", "OTH")).order_by("rank"):
        sections["B"]["needs"].append(
            {"id": S.new_id("B"), "area": S.AREA_OF_CODE.get(need.code, ""), "code": need.code, "text": ""}
        )
    if plan is not None:
        for advice in queries.advice_for(plan):
            parts = advice["parts"] or {}
            who = f"(from {advice['from']}, {advice['given_on']:%-d %B %Y})"
            if parts.get("needs"):
                sections["B"]["needs"].append({**S.blank_item("B"), "text": f"{parts['needs']} {who}"})
            if parts.get("outcomes"):
                sections["E"]["outcomes"].append({**S.blank_item("E"), "text": f"{parts['outcomes']} {who}"})
            if parts.get("provision"):
                sections["F"]["items"].append({**S.blank_item("F"), "what": f"{parts['provision']} {who}"})
            if parts.get("health_social_care"):
                sections["C"]["text"] = (sections["C"]["text"] + f"\n\n{parts['health_social_care']} {who}").strip()
    return sections


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


# ---------------------------------------------------------------------------------------------------------------
# Families and professionals


@service
def write_section_a(
    *, actor, version: PlanVersion, views: str, interests: str, aspirations: str, today: date | None = None
) -> PlanVersion:
    """The child's and family's own words. A family member writes while the draft is being written or during
    the 15 days for comments; their words are kept as theirs (author and date shown with the section)."""
    child = version.plan.child
    today = today or date.today()
    family = queries.is_family(actor)
    if family:
        require(actor, "plans.contribute", child)
        _editable(version)
        if not queries.family_may_write_a(version, today):
            raise ValidationError(
                {
                    "__all__": "The time to change section A of this plan has ended. Contact your "
                    "caseworker if you want to tell us something"
                }
            )
    else:
        require(actor, "plans.edit_plan", child)
        _editable(version)
    cleaned = S.clean_text_section("A", {"views": views, "interests": interests, "aspirations": aspirations})
    if not any(cleaned.values()):
        raise ValidationError({"views": "Write something in at least one of the boxes"})
    before = version.sections.get("A", {})
    after = {
        **before,
        **cleaned,
        "written_by": _name(actor),
        "written_by_role": _role_label(actor),
        "written_on": today.isoformat(),
    }
    version.sections = {**version.sections, "A": after}
    _save(version, "sections")
    Contribution.objects.create(
        child=child,
        plan=version.plan,
        version=version,
        kind="section_a",
        section="A",
        author=actor if getattr(actor, "pk", None) else None,
        author_name=_name(actor),
        author_role=_role_label(actor),
        data=cleaned,
    )
    log.record(
        actor=actor,
        action="plan.section_a.write",
        obj=version,
        child=child.pk,
        before={"A": {k: before.get(k, "") for k in cleaned}},
        after={"A": cleaned},
    )
    return version


@service
def add_media(*, actor, version: PlanVersion, upload, caption: str = "") -> PlanMedia:
    """A photo or short video for section A. Only image and video types whose first bytes match, within a size
    limit, stored under a random name (never the uploaded one)."""
    child = version.plan.child
    if queries.is_family(actor):
        require(actor, "plans.contribute", child)
        if not queries.family_may_write_a(version, date.today()):
            raise ValidationError({"upload": "The time to add to section A of this plan has ended"})
    else:
        require(actor, "plans.edit_plan", child)
    _editable(version)
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in MEDIA_TYPES:
        raise ValidationError({"upload": "Choose a photo (JPEG, PNG, GIF or WebP) or a video (MP4, MOV or WebM)"})
    limit = MAX_VIDEO_BYTES if content_type.startswith("video/") else MAX_IMAGE_BYTES
    if upload.size > limit:
        raise ValidationError({"upload": f"The file must be smaller than {limit // (1024 * 1024)} MB"})
    if upload.size == 0:
        raise ValidationError({"upload": "The file is empty"})
    head = upload.read(16)
    upload.seek(0)
    extension, looks_right = MEDIA_TYPES[content_type]
    if not looks_right(head):
        raise ValidationError({"upload": "The file is not the kind of photo or video its name says it is"})
    if version.plan.media.count() >= MAX_MEDIA_PER_PLAN:
        raise ValidationError({"upload": f"A plan can have up to {MAX_MEDIA_PER_PLAN} photos and videos"})
    # Through the storage backend, never a local path: another web server must be able to serve it.
    saved = storages["default"].save(queries.media_name(secrets.token_urlsafe(24) + extension), upload)
    stored = saved.rsplit("/", 1)[-1]
    media = PlanMedia.objects.create(
        plan=version.plan,
        stored_name=stored,
        original_name=Path(getattr(upload, "name", "upload")).name[:200],
        content_type=content_type,
        size=upload.size,
        caption=caption.strip()[:200],
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    sections = copy.deepcopy(version.sections)
    sections.setdefault("A", {}).setdefault("media", []).append(media.pk)
    version.sections = sections
    _save(version, "sections")
    log.record(
        actor=actor,
        action="plan.media.add",
        obj=media,
        child=child.pk,
        after={"content_type": content_type, "size": upload.size, "version": version.pk},
    )
    return media


@service
def comment_on_version(
    *, actor, version: PlanVersion, section: str, text: str, today: date | None = None
) -> Contribution:
    """A family's comment on one section of a sent draft or proposed amendments, within the 15 days."""
    child = version.plan.child
    require(actor, "plans.contribute", child)
    today = today or date.today()
    if not queries.comment_window_open(version, today):
        last = queries.comment_last_day(version)
        raise ValidationError(
            {
                "__all__": "The time to comment on this plan has ended"
                + (f" (the last day was {last:%-d %B %Y})" if last and today > last else "")
                + ". Contact your caseworker if you want to tell us something"
            }
        )
    if section not in S.TITLES or section == "K":
        raise ValidationError({"section": "Choose a section"})
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write your comment"})
    if len(text) > S.MAX_TEXT:
        raise ValidationError({"text": f"Keep your comment under {S.MAX_TEXT:,} characters"})
    comment = Contribution.objects.create(
        child=child,
        plan=version.plan,
        version=version,
        kind="comment",
        section=section,
        author=actor if getattr(actor, "pk", None) else None,
        author_name=_name(actor),
        author_role=_role_label(actor),
        text=text,
    )
    log.record(
        actor=actor,
        action="plan.comment",
        obj=comment,
        child=child.pk,
        after={"version": version.pk, "section": section, "length": len(text)},
    )
    return comment


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
