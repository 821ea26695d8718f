"""What the disagreements pages share: opening the child's record (audited) for a page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from highneeds.people.models import Child
from highneeds.people.queries import open_child_record


def _child(request, child_id: int, what: str = "dispute.view") -> Child:
    if not Child.objects.filter(pk=child_id).exists():
        raise Http404("child")
    try:
        return open_child_record(request.user, child_id, what=what)
    except PermissionDenied:
        raise Http404("child") from None
