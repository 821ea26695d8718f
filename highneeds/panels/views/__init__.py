"""Panel pages, one module per page group: panels and their members (`panels`), a meeting with its attendance,
conflicts and recommendations (`meeting`), the agenda and the council's decision on an item (`agenda`), and the
panel pack and outcomes figures (`pack_and_outcomes`). urls.py names the views from here.

Every page works without JavaScript: each action is an ordinary form that posts and comes back to the page.
"""

from .agenda import agenda_add, decision
from .meeting import attendance, conflict, item_remove, meeting_close, meeting_detail, recommendation
from .pack_and_outcomes import outcomes, pack
from .panels import meeting_create, member_add, member_remove, panel_create, panel_detail, panel_list

__all__ = [
    "agenda_add",
    "attendance",
    "conflict",
    "decision",
    "item_remove",
    "meeting_close",
    "meeting_create",
    "meeting_detail",
    "member_add",
    "member_remove",
    "outcomes",
    "pack",
    "panel_create",
    "panel_detail",
    "panel_list",
    "recommendation",
]
