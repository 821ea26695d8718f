"""Helpers the sending services use to build a letter's plain fields (see letters.fields).

Each returns a new dict of strings, dates and numbers copied from a record: the record itself never
reaches a template.
"""

from __future__ import annotations

from highneeds.council.models import CouncilSettings


def child(record) -> dict:
    return {"full_name": record.full_name, "first_name": record.first_name, "date_of_birth": record.date_of_birth}


def council() -> dict:
    current = CouncilSettings.current()
    return {"name": current.name, "mediation_contact": current.mediation_contact, "iass_contact": current.iass_contact}


def establishment(record) -> dict | None:
    return {"name": record.name} if record is not None else None


def base(record, recipient: str) -> dict:
    """The fields every letter has: who it is to, the child, and the council."""
    return {"recipient": recipient, "child": child(record), "council": council()}
