"""Reads of children: always filtered to what the user may see, and audited where a record is opened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from highneeds.accounts.roles import Role
from highneeds.accounts.rules import active_access_q
from highneeds.audit import log

from .models import SAFEGUARDING_FLAGS, CaseAccess, Child, ParentCarer, Placement


def visible_children(user) -> QuerySet[Child]:
    """The queryset twin of the `people.view_child` rule."""
    children = Child.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return children.none()
    role = user.role
    if role in (Role.CASEWORKER, Role.MANAGER, Role.FINANCE):
        return children
    if role == Role.SENCO:
        if not user.establishment_id:
            return children.none()
        here = Placement.objects.filter(
            child=OuterRef("pk"), establishment_id=user.establishment_id, end_date__isnull=True
        )
        return children.filter(Exists(here))
    if role in (Role.PROFESSIONAL, Role.PANEL_MEMBER):
        invited = CaseAccess.objects.filter(active_access_q(), child=OuterRef("pk"), user=user)
        return children.filter(Exists(invited))
    if role == Role.PARENT:
        mine = ParentCarer.objects.filter(child=OuterRef("pk"), user=user, parental_responsibility=True)
        return children.filter(Exists(mine))
    if role == Role.YOUNG_PERSON and user.child_id:
        today = date.today()
        try:
            sixteen_ago = today.replace(year=today.year - 16)
        except ValueError:  # 29 February
            sixteen_ago = today.replace(year=today.year - 16, day=28) + timedelta(days=1)
        return children.filter(pk=user.child_id, date_of_birth__lte=sixteen_ago)
    return children.none()


@dataclass(frozen=True)
class ChildSearch:
    name: str = ""
    upn: str = ""
    date_of_birth: date | None = None
    establishment_id: int | None = None
    sen_status: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.upn or self.date_of_birth or self.establishment_id or self.sen_status)


def search_children(user, criteria: ChildSearch) -> QuerySet[Child]:
    if not user.has_perm("people.search_children"):
        raise PermissionDenied("people.search_children")
    found = visible_children(user)
    if criteria.name:
        for word in criteria.name.split()[:4]:
            found = found.filter(
                Q(first_name__istartswith=word) | Q(last_name__istartswith=word) | Q(preferred_name__istartswith=word)
            )
    if criteria.upn:
        found = found.filter(upn=criteria.upn.strip().upper())
    if criteria.date_of_birth:
        found = found.filter(date_of_birth=criteria.date_of_birth)
    if criteria.establishment_id:
        # An IN over the setting's current placements uses the (establishment, end_date) index; a
        # correlated EXISTS made SQLite walk every child first.
        found = found.filter(
            pk__in=Placement.objects.filter(establishment_id=criteria.establishment_id, end_date__isnull=True).values(
                "child_id"
            )
        )
    if criteria.sen_status:
        found = found.filter(sen_status=criteria.sen_status)
    return found.order_by("last_name", "first_name", "id")


def current_settings(children: list[Child]) -> dict[int, str]:
    """Each child's current setting name, in one query, for result lists."""
    rows = (
        Placement.objects.filter(child__in=children, end_date__isnull=True)
        .order_by("child_id", "-start_date")
        .values_list("child_id", "establishment__name")
    )
    found: dict[int, str] = {}
    for child_id, name in rows:
        found.setdefault(child_id, name)
    return found


def open_child_record(user, child_id: int, what: str = "child.view") -> Child:
    """Fetch one child for display, enforcing the object rule and auditing the read."""
    child = Child.objects.filter(pk=child_id).first()
    if child is None or not user.has_perm("people.view_child", child):
        # Same answer for "missing" and "not yours", so ids cannot be probed; audited either way, against the
        # child when there is one (it shows in their access log).
        log.record(actor=user, action="child.view_refused", child=child, after={"child_id": child_id, "what": what})
        refused = PermissionDenied("people.view_child")
        refused.audited = True  # the 403 page need not record it again
        raise refused
    log.record_read(actor=user, child=child, what=what)
    return child


def flags_for(user, child: Child):
    """The child's circumstances this user may see: safeguarding flags only on a need to know."""
    flags = child.flags.all()
    if not user.has_perm("people.view_safeguarding_flags", child):
        flags = flags.exclude(flag__in=SAFEGUARDING_FLAGS)
    return flags


def nhs_number_for(user, child: Child) -> str | None:
    """The NHS number if this user needs it, else None (shown as "not shown" where a page says so)."""
    return child.nhs_number if user.has_perm("people.view_nhs_number", child) else None


def timeline(child: Child, user=None) -> list[dict]:
    """Everything dated on a child's record, newest first (flags filtered for `user` when given)."""
    items: list[dict] = []
    for period in child.sen_periods.all():
        items.append({"date": period.start_date, "kind": "SEN status", "text": f"{period.get_status_display()} began"})
        if period.end_date:
            items.append(
                {"date": period.end_date, "kind": "SEN status", "text": f"{period.get_status_display()} ended"}
            )
    for placement in child.placements.select_related("establishment"):
        items.append(
            {
                "date": placement.start_date,
                "kind": "Placement",
                "text": f"Started at {placement.establishment.name} ({placement.get_placement_type_display()})",
            }
        )
        if placement.end_date:
            items.append(
                {"date": placement.end_date, "kind": "Placement", "text": f"Left {placement.establishment.name}"}
            )
    for flag in flags_for(user, child) if user is not None else child.flags.all():
        items.append({"date": flag.start_date, "kind": "Flag", "text": f"{flag.label} from this date"})
        if flag.end_date:
            items.append({"date": flag.end_date, "kind": "Flag", "text": f"{flag.label} ended"})
    for event in child.case_events.all():
        items.append({"date": event.occurred_on, "kind": "Casework", "text": event.label + _event_suffix(event)})
    items.sort(key=lambda item: item["date"], reverse=True)
    return items


def _event_suffix(event) -> str:
    outcome = event.detail.get("outcome") if isinstance(event.detail, dict) else None
    return f": {outcome.replace('_', ' ')}" if outcome else ""
