"""The council's settings for disagreements (working days, order deadlines)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service

from ..models import (
    DisputeSettings,
    TribunalOrder,
)
from ._common import PERM


@service
def update_settings(*, actor, values: dict) -> DisputeSettings:
    require(actor, PERM)
    current = DisputeSettings.current()
    before = {k: getattr(current, k) for k in values}
    for name, value in values.items():
        if name == "order_days":
            if not all(k in TribunalOrder.KINDS and isinstance(v, int) and 0 <= v <= 365 for k, v in value.items()):
                raise ValidationError({"order_days": "Give whole numbers of days (0 to 365) for known kinds of order"})
        elif not isinstance(value, int) or not 1 <= value <= 120:
            raise ValidationError({name: "Enter a whole number of working days from 1 to 120"})
        setattr(current, name, value)
    current.save()
    log.record(actor=actor, action="dispute.settings.update", obj=current, before=before, after=values)
    return current
