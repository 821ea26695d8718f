"""Reads about users for pages and services."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone

from highneeds.audit.models import AuditEvent
from highneeds.casework.models import AssessmentRequest
from highneeds.people.models import Child, ParentCarer

from .models import User


def display_name(user) -> str:
    """A person's name for screens and letters; the username only when no name is recorded."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def held_by(user: User) -> dict[str, int]:
    """What a leaver still holds: open requests they are caseworker for and children they lead on."""
    return {
        "open_requests": AssessmentRequest.objects.filter(caseworker=user, status__in=AssessmentRequest.OPEN).count(),
        "children_led": Child.objects.filter(lead_caseworker=user).count(),
    }


OWN_ACCOUNT = "Their own account (young person)"


def linked_children(user: User) -> list[dict]:
    """The children a family account is, or was, linked to (for the DPO): the parent records naming the account and
    a young person's own record, with when each link began and ended taken from the audit log."""
    events = AuditEvent.objects.filter(
        Q(action="family.accept", object_id=str(user.pk))
        | Q(action="family.access_end", after__user=user.pk)
        | Q(action="child.parent.add", object_id__in=[str(p) for p in user.parent_links.values_list("pk", flat=True)])
    ).order_by("seq")
    began: dict[int, date] = {}
    ended: dict[int, tuple] = {}  # child id: (when, object type, object id)
    for e in events:
        if e.action == "family.access_end":
            ended[e.child_id] = (timezone.localdate(e.occurred_at), e.object_type, e.object_id)
        else:
            began[e.child_id] = timezone.localdate(
                e.occurred_at
            )  # the latest: an invitation accepted, else the parent record made
    links = {p.child_id: (p.child, p.relationship) for p in user.parent_links.select_related("child")}
    if user.child_id:
        links[user.child_id] = (user.child, OWN_ACCOUNT)
    gone = Child.objects.in_bulk([c for c in ended if c not in links])
    for child_id, child in gone.items():
        _, kind, obj = ended[child_id]
        parent = ParentCarer.objects.filter(pk=obj).first() if kind == "people.parentcarer" else None
        links[child_id] = (child, parent.relationship if parent else OWN_ACCOUNT)
    return [
        {
            "child": child,
            "name": child.full_name,
            "dob": child.date_of_birth,
            "relationship": relationship,
            "since": began.get(child_id),
            "ended": ended[child_id][0] if child_id in gone else None,
        }
        for child_id, (child, relationship) in sorted(links.items(), key=lambda kv: kv[1][0].full_name)
    ]
