"""Reads about users for pages and services."""

from __future__ import annotations

from highneeds.casework.models import AssessmentRequest
from highneeds.people.models import Child

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
