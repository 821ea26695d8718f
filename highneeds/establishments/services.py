from __future__ import annotations

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.engine import codes, identifiers

from .models import Establishment


def clean_establishment(data: dict) -> dict:
    """Check codes and ranges; ValidationError names each bad field."""
    errors = {}
    if not str(data.get("name") or "").strip():
        errors["name"] = "Enter the establishment's name"
    else:
        try:
            identifiers.validate_name_text(str(data["name"]))
        except ValueError as exc:
            errors["name"] = str(exc)
    if data.get("establishment_type") not in codes.ESTABLISHMENT_TYPES:
        errors["establishment_type"] = f"{data.get('establishment_type')!r} is not an establishment type"
    if data.get("phase", "NA") not in codes.PHASES:
        errors["phase"] = f"{data.get('phase')!r} is not a phase"
    low, high = data.get("age_low"), data.get("age_high")
    if low is not None and high is not None and low > high:
        errors["age_high"] = "The upper age must be at least the lower age"
    unknown = [n for n in data.get("designated_needs") or [] if n not in codes.NEED_CODES]
    if unknown:
        errors["designated_needs"] = f"Unknown need code {', '.join(unknown)}"
    if errors:
        raise ValidationError(errors)
    return data


@service
def save_establishment(*, actor, data: dict, establishment: Establishment | None = None) -> Establishment:
    """Create, or update when `establishment` is given."""
    require(actor, "establishments.change")
    clean_establishment(data)
    before = establishment.snapshot() if establishment else None
    target = establishment or Establishment()
    for field, value in data.items():
        setattr(target, field, value)
    target.full_clean()
    target.save()
    log.record(
        actor=actor,
        action="establishment.update" if establishment else "establishment.create",
        obj=target,
        before=before,
        after=target.snapshot(),
    )
    return target
