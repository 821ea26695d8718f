"""Writing EHC plans: drafts prefilled from the advice, section edits, the family's own words and comments,
professionals' structured advice, sending, issuing (immutably), amendments and cessation.

Issued versions are never changed: every write to a version goes through `_editable`, which refuses them.
One module per sub-domain (drafting, contributions, issuing; shared helpers and limits in `_common`), all named here.
"""

from ._common import ADVICE_PARTS, MAX_IMAGE_BYTES, MAX_MEDIA_PER_PLAN, MAX_VIDEO_BYTES, MEDIA_TYPES
from .contributions import add_media, comment_on_version, write_section_a
from .drafting import copy_advice, create_plan, draft_for_request, save_items, save_section
from .issuing import issue_version, mark_ceased, send_draft, send_proposed_amendments, start_amendment

__all__ = [
    "ADVICE_PARTS",
    "MAX_IMAGE_BYTES",
    "MAX_MEDIA_PER_PLAN",
    "MAX_VIDEO_BYTES",
    "MEDIA_TYPES",
    "add_media",
    "comment_on_version",
    "copy_advice",
    "create_plan",
    "draft_for_request",
    "issue_version",
    "mark_ceased",
    "save_items",
    "save_section",
    "send_draft",
    "send_proposed_amendments",
    "start_amendment",
    "write_section_a",
]
