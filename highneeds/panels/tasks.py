"""Making a panel pack in the background and keeping it until its papers change (docs/tasks.md)."""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from highneeds.accounts.roles import SystemActor
from highneeds.jobs.models import KeptFile
from highneeds.jobs.services import keep_file

from . import pack as packs
from .models import PanelMeeting


def items_of(meeting: PanelMeeting, item_ids=None) -> list:
    """The meeting's agenda items in agenda order (the same query for the page and the task, so the same HTML)."""
    items = meeting.items.select_related("request__child")
    return list(items if item_ids is None else items.filter(pk__in=item_ids))


def kept_pack(meeting: PanelMeeting, items) -> tuple[str, KeptFile | None]:
    key, _html = packs.keyed(meeting, items)
    return key, KeptFile.objects.filter(key=key).first()


@task()
def render_panel_pack(meeting_id: int, item_ids: list[int], requested_by: int | None = None) -> dict:
    """Render and keep the pack of these items as they are now. Run twice, the second run finds it kept."""
    meeting = PanelMeeting.objects.select_related("panel").get(pk=meeting_id)
    items = items_of(meeting, item_ids)
    key, html = packs.keyed(meeting, items)
    if not KeptFile.objects.filter(key=key).exists():
        keep_file(
            actor=SystemActor("panel-pack"),
            key=key,
            content=packs.pdf_of(html),
            content_type="application/pdf",
            replaces=packs.key_prefix(meeting, items),  # the same member's pack before its papers changed
        )
    return {
        "url": reverse("panel-pack", args=[meeting_id]),
        "link": "Download the panel pack",
        "summary": f"The panel pack for {meeting.panel.name} on {meeting.meets_on:%-d %B %Y} is ready.",
    }
