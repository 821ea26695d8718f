from highneeds.audit import log
from highneeds.audit.service import require, service

from .models import CouncilSettings


@service
def update_council_settings(*, actor, **changes) -> CouncilSettings:
    require(actor, "council.change_settings")
    current = CouncilSettings.objects.filter(pk=1).first() or CouncilSettings(pk=1)
    before = current.as_dict()
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    log.record(actor=actor, action="council.settings.update", obj=current, before=before, after=current.as_dict())
    return current
