"""Finding a school, college or provider: the one home for look-ups by URN (and by exact name)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q

from .models import Establishment


def by_urn(urn, *, missing: str = "No establishment has this URN") -> Establishment | None:
    """The establishment with this URN, None when no URN was given, or a ValidationError on the `urn` field."""
    if not urn:
        return None
    found = Establishment.objects.filter(urn=urn).first()
    if found is None:
        raise ValidationError({"urn": missing})
    return found


def find_establishment(text: str) -> Establishment:
    """A setting named by its URN or its exact name; one match or a message saying what to do."""
    text = text.strip()
    found = list(Establishment.objects.filter(Q(urn=int(text)) if text.isdecimal() else Q(name__iexact=text))[:2])
    if not found:
        raise ValidationError("We could not find that school or college. Check the name, or give its URN")
    if len(found) > 1:
        raise ValidationError("More than one school or college has that name. Give its URN instead")
    return found[0]
