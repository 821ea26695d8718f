"""Every change to a child's record: checked, validated and audited in one transaction."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.engine import codes

from .models import CaseAccess, Child, ChildNeed, CohortFlag, ParentCarer, Placement, SenStatusPeriod
from .validation import check_needs, clean_child, refuse_hidden_characters


@service
def create_child(*, actor, data: dict) -> Child:
    require(actor, "people.change_child")
    child = Child(**clean_child(data))
    child.full_clean()
    child.save()
    log.record(actor=actor, action="child.create", obj=child, child=child, after=child.snapshot())
    return child


@service
def update_child(*, actor, child: Child, changes: dict) -> Child:
    require(actor, "people.change_child", child)
    before = child.snapshot()
    for field, value in clean_child(changes, partial=True).items():
        setattr(child, field, value)
    child.full_clean()
    child.save()
    after = child.snapshot()
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    log.record(
        actor=actor,
        action="child.update",
        obj=child,
        child=child,
        before={k: before[k] for k in changed},
        after=changed,
    )
    return child


@service
def set_sen_status(*, actor, child: Child, status: str, on: date) -> Child:
    """Close the current period and open one for the new status ('N' closes without opening)."""
    require(actor, "people.change_child", child)
    if status not in codes.SEN_STATUS:
        raise ValidationError({"sen_status": f"{status} is not an SEN status"})
    current = child.sen_periods.filter(end_date__isnull=True).first()
    if current and on < current.start_date:
        raise ValidationError({"start_date": "The new status cannot start before the current one began"})
    before = child.sen_status
    if current and current.status != status:
        current.end_date = on
        current.save(update_fields=["end_date"])
    if status != "N" and (current is None or current.status != status):
        SenStatusPeriod.objects.create(child=child, status=status, start_date=on)
    if status == "N":
        child.needs.all().delete()
    elif status != "K":
        child.needs.filter(code__in=codes.NEED_CODES_SEN_SUPPORT_ONLY).delete()
    child.sen_status = status
    child.save(update_fields=["sen_status", "updated_at"])
    log.record(
        actor=actor,
        action="child.sen_status",
        obj=child,
        child=child,
        before={"sen_status": before},
        after={"sen_status": status, "from": on},
    )
    return child


@service
def set_needs(*, actor, child: Child, need_codes: list[str], on: date | None = None) -> list[ChildNeed]:
    """Replace the ranked needs: the first code is the primary need."""
    require(actor, "people.change_child", child)
    ranked = check_needs(need_codes, child.sen_status)
    before = list(child.needs.values_list("code", flat=True))
    child.needs.all().delete()
    needs = ChildNeed.objects.bulk_create(
        [
            ChildNeed(child=child, code=code, rank=rank, recorded_on=on or date.today())
            for rank, code in enumerate(ranked, 1)
        ]
    )
    log.record(
        actor=actor, action="child.needs", obj=child, child=child, before={"needs": before}, after={"needs": ranked}
    )
    return needs


@service
def record_sen_status_and_needs(*, actor, child: Child, status: str, on: date, need_codes: list[str]) -> Child:
    """The usual caseworker step: a status change and the needs that go with it, together or not at all."""
    if status != child.sen_status:
        set_sen_status(actor=actor, child=child, status=status, on=on)
    set_needs(actor=actor, child=child, need_codes=need_codes if status != "N" else [], on=on)
    return child


@service
def add_flag(
    *,
    actor,
    child: Child,
    flag: str,
    start_date: date,
    end_date: date | None = None,
    responsible_la: str = "",
    note: str = "",
) -> CohortFlag:
    require(actor, "people.change_child", child)
    if flag not in codes.COHORT_FLAGS:
        raise ValidationError({"flag": f"{flag} is not a cohort flag"})
    if end_date and end_date < start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date"})
    if flag == "LAC" and not responsible_la:
        raise ValidationError({"responsible_la": "Give the LA responsible for a looked-after child"})
    record = CohortFlag.objects.create(
        child=child, flag=flag, start_date=start_date, end_date=end_date, responsible_la=responsible_la, note=note
    )
    log.record(
        actor=actor,
        action="child.flag.add",
        obj=record,
        child=child,
        after={"flag": flag, "start_date": start_date, "end_date": end_date},
    )
    return record


@service
def end_flag(*, actor, flag: CohortFlag, end_date: date) -> CohortFlag:
    require(actor, "people.change_child", flag.child)
    if end_date < flag.start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date"})
    flag.end_date = end_date
    flag.save(update_fields=["end_date"])
    log.record(actor=actor, action="child.flag.end", obj=flag, child=flag.child_id, after={"end_date": end_date})
    return flag


@service
def add_placement(
    *, actor, child: Child, establishment, placement_type: str, start_date: date, end_date: date | None = None
) -> Placement:
    """Record a placement. A new on-roll placement ends the open on-roll one the day before."""
    require(actor, "people.change_child", child)
    if placement_type not in codes.PLACEMENT_TYPES:
        raise ValidationError({"placement_type": f"{placement_type} is not a placement type"})
    if end_date and end_date < start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date"})
    if placement_type != "DUAL":
        for open_one in child.placements.filter(end_date__isnull=True).exclude(placement_type="DUAL"):
            if open_one.start_date >= start_date:
                raise ValidationError({"start_date": "A current placement started on or after this date"})
            open_one.end_date = start_date
            open_one.save(update_fields=["end_date"])
    placement = Placement.objects.create(
        child=child,
        establishment=establishment,
        placement_type=placement_type,
        start_date=start_date,
        end_date=end_date,
    )
    log.record(
        actor=actor,
        action="child.placement.add",
        obj=placement,
        child=child,
        after={"establishment": establishment.pk, "type": placement_type, "start_date": start_date},
    )
    return placement


@service
def end_placement(*, actor, placement: Placement, end_date: date) -> Placement:
    require(actor, "people.change_child", placement.child)
    if end_date < placement.start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date"})
    placement.end_date = end_date
    placement.save(update_fields=["end_date"])
    log.record(
        actor=actor, action="child.placement.end", obj=placement, child=placement.child_id, after={"end_date": end_date}
    )
    return placement


@service
def add_parent(*, actor, child: Child, **fields) -> ParentCarer:
    require(actor, "people.change_child", child)
    parent = ParentCarer(child=child, **fields)
    refuse_hidden_characters(
        {f: getattr(parent, f) for f in ("first_name", "last_name", "relationship", "preferred_language", "address")}
    )
    parent.full_clean()
    parent.save()
    log.record(
        actor=actor,
        action="child.parent.add",
        obj=parent,
        child=child,
        after={k: v for k, v in fields.items() if k != "user"},
    )
    return parent


@service
def grant_access(*, actor, child: Child, user, reason: str, expires_on: date | None = None) -> CaseAccess:
    """Invite a professional or panel member to one child's record."""
    require(actor, "people.grant_access", child)
    if not reason.strip():
        raise ValidationError({"reason": "Say why this person needs to see the record"})
    grant = CaseAccess.objects.create(
        child=child, user=user, reason=reason, granted_by=getattr(actor, "pk", None) and actor, expires_on=expires_on
    )
    log.record(
        actor=actor,
        action="child.access.grant",
        obj=grant,
        child=child,
        after={"user": user.pk, "reason": reason, "expires_on": expires_on},
    )
    return grant


@service
def revoke_access(*, actor, grant: CaseAccess) -> CaseAccess:
    require(actor, "people.grant_access", grant.child)
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    log.record(actor=actor, action="child.access.revoke", obj=grant, child=grant.child_id)
    return grant
