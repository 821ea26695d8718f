from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.engine.calendar import read_govuk_years

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


@service
def import_bank_holidays(*, actor, data, division: str = "england-and-wales", source: str = "") -> dict[int, int]:
    """Store whole years of bank holidays from gov.uk's bank-holidays.json (parsed JSON). Each year in
    the file replaces that year, built-in or imported before (gov.uk lists whole years, and this is
    how a moved holiday is corrected). Returns {year: number of dates}. Raises ValidationError
    naming the problem in the file."""
    require(actor, "council.change_settings")
    try:
        years = read_govuk_years(data, division)
    except ValueError as exc:
        raise ValidationError({"bank_holidays": str(exc)}) from None
    current = CouncilSettings.objects.filter(pk=1).first() or CouncilSettings(pk=1)
    before = dict(current.bank_holidays or {})
    stored = dict(before)
    for year, days in years.items():
        stored[str(year)] = [list(day) for day in days]
    current.bank_holidays = dict(sorted(stored.items()))
    current.save()
    log.record(
        actor=actor,
        action="council.bank_holidays.import",
        obj=current,
        before={"years": sorted(before)},
        after={"years": sorted(current.bank_holidays), "imported": sorted(years), "source": source},
    )
    return {year: len(days) for year, days in years.items()}
