"""A family's letters and disagreements for one child (the home page links here; highneeds/portal/family.py).

Gated by `portal.follow_requests`; the child is opened with `people.view_child` (audited). Another family's
child, a missing child and a letter that is not this child's all answer 403, alike.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from highneeds.people.queries import open_child_record
from highneeds.people.voice import voice_for
from highneeds.web.access import requires

from . import family
from .queries import FOLLOW_REQUESTS


@requires(FOLLOW_REQUESTS)
def letters(request, child_id: int):
    child = open_child_record(request.user, child_id, what="portal.letter.list")
    v = voice_for(request.user, child)
    return render(
        request,
        "portal/family_letters.html",
        {
            "page_title": f"Letters about {v.who}",
            "child": child,
            "letters": family.child_letters(child, request.user),
        },
    )


@requires(FOLLOW_REQUESTS)
def letter(request, child_id: int, letter_id: int):
    child = open_child_record(request.user, child_id, what="portal.view_letter")
    found = next((item for item in family.child_letters(child, request.user) if item.pk == letter_id), None)
    if found is None:
        raise PermissionDenied("letter")
    return render(
        request,
        "portal/family_letter.html",
        {"page_title": found.subject, "letter": found, "child": child},
    )


@requires(FOLLOW_REQUESTS)
def disagreements(request, child_id: int):
    child = open_child_record(request.user, child_id, what="portal.disagreement.view")
    return render(
        request,
        "portal/family_disagreements.html",
        {"page_title": "Disagreements, appeals and complaints", "child": child, **family.child_disagreements(child)},
    )
