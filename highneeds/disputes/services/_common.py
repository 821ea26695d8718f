"""Helpers shared by the sub-domains' services."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

PERM = "disputes.manage"


def _not_future(field: str, on: date | None, what: str = "The date") -> None:
    if on is not None and on > date.today():
        raise ValidationError({field: f"{what} cannot be in the future"})


def _not_before(field: str, on: date, earlier: date | None, what: str) -> None:
    if earlier is not None and on < earlier:
        raise ValidationError({field: f"This date cannot be before {what} ({earlier:%-d %B %Y})"})


def _actor_or_none(actor):
    return actor if getattr(actor, "pk", None) else None
