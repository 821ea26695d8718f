"""What the panel pages share: the link to a case and the pattern of a case reference."""

from __future__ import annotations

import re

from django.urls import NoReverseMatch, reverse

_REFERENCE = re.compile(r"^\s*EHC-(\d{4})-0*(\d+)\s*$", re.I)


def _case_url(request_id: int) -> str | None:
    try:
        return reverse("case", args=[request_id])
    except NoReverseMatch:  # the casework pages are optional here
        return None
