"""Reads of kept returns. Downloading a return hands over every included child's record: audited like a read."""

from __future__ import annotations

from highneeds.audit import log

from .models import KeptReturn


def download(user, kept: KeptReturn) -> bytes:
    log.record(
        actor=user,
        action="sen2.download",
        obj=kept,
        after={"year": kept.year, "children": kept.summary.get("child_ids", [])},
    )
    return bytes(kept.xml)
