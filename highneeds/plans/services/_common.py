"""What the plan's steps share: limits on media, the editable-version guard, names and letters."""

from __future__ import annotations

from highneeds.accounts.roles import Role
from highneeds.council.machines import enforce
from highneeds.engine.clock.machines import PLAN_VERSION
from highneeds.letters.services import letters_to_family

from .. import queries
from .. import sections as S
from ..models import Plan, PlanVersion

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
