"""Families and professionals: the family's own words (section A), pictures and video, comments on a draft."""

from __future__ import annotations

import copy
import secrets
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import storages

from highneeds.audit import log
from highneeds.audit.service import require, service

from .. import queries
from .. import sections as S
from ..models import Contribution, PlanMedia, PlanVersion
from ._common import (
    MAX_IMAGE_BYTES,
    MAX_MEDIA_PER_PLAN,
    MAX_VIDEO_BYTES,
    MEDIA_TYPES,
    _editable,
    _name,
    _role_label,
    _save,
)

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
