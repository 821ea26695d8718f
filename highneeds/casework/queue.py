"""The caseworker's work queue and caseloads: reads only, over the clock's cached answer.

Every open request carries the clock's next step and its due date (`next_step`, `next_due`), kept
up to date by the services whenever something is recorded. The queue is therefore a plain indexed
query over `next_due` (index `caseworker, status, next_due`): the clock is never run per row.

RAG status of a request, judged against `today`:

* **overdue**: the next statutory step was due before today;
* **at risk**: it is due today or within `AT_RISK_DAYS` days (inclusive);
* **on track**: it is due later than that, or the request has no statutory date pending.

`AT_RISK_DAYS` is 10 days: two working weeks, enough to chase advice or bring a case to panel
before the date is missed. A council that wants another threshold changes this constant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet

from highneeds.accounts.models import User
from highneeds.accounts.roles import Role
from highneeds.people.queries import visible_children

from .models import AssessmentRequest

AT_RISK_DAYS = 10
PAGE_SIZE = 25

OVERDUE, AT_RISK, ON_TRACK = "overdue", "at_risk", "on_track"
RAG_LABELS = {OVERDUE: "Overdue", AT_RISK: "At risk", ON_TRACK: "On track"}
RAG_TAGS = {OVERDUE: "govuk-tag--red", AT_RISK: "govuk-tag--orange", ON_TRACK: "govuk-tag--green"}

ALL, UNASSIGNED = "all", "unassigned"  # a manager's choice of whose queue to see
OPEN_STATUSES = [(code, label) for code, label in AssessmentRequest.STATUSES if code in AssessmentRequest.OPEN]


def rag_q(rag: str, today: date, days: int = AT_RISK_DAYS) -> Q:
    """The filter for one RAG status: the same thresholds as `rag_of` (at risk: due within `days`). Also used by
    the review tracker."""
    horizon = today + timedelta(days=days)
    if rag == OVERDUE:
        return Q(next_due__lt=today)
    if rag == AT_RISK:
        return Q(next_due__gte=today, next_due__lte=horizon)
    if rag == ON_TRACK:
        return Q(next_due__gt=horizon) | Q(next_due__isnull=True)
    raise ValueError(f"unknown RAG status {rag!r}")


def rag_of(next_due: date | None, today: date, days: int = AT_RISK_DAYS) -> str:
    if next_due is None or next_due > today + timedelta(days=days):
        return ON_TRACK
    return OVERDUE if next_due < today else AT_RISK


def days_left(next_due: date | None, today: date) -> int | None:
    return None if next_due is None else (next_due - today).days


def can_see_all(user) -> bool:
    """Managers choose whose queue to see; caseworkers see their own."""
    return user.has_perm("casework.reassign")


def caseworkers() -> QuerySet[User]:
    """People a request can be assigned to (as `services.assign` accepts)."""
    return User.objects.filter(role__in=(Role.CASEWORKER, Role.MANAGER), is_active=True).order_by(
        "last_name", "first_name", "username"
    )


@dataclass(frozen=True)
class QueueFilter:
    """What the queue is narrowed to. `caseworker` is a user id, `ALL` or `UNASSIGNED` (managers only);
    None means the signed-in user's own cases."""

    caseworker: int | str | None = None
    status: str = ""
    rag: str = ""
    received_from: date | None = None
    received_to: date | None = None
    name: str = ""


def open_requests() -> QuerySet[AssessmentRequest]:
    return AssessmentRequest.objects.filter(status__in=AssessmentRequest.OPEN)


def _visible(found: QuerySet, user, field: str = "child") -> QuerySet:
    """Narrow to children the user may see (`visible_children`). Caseworkers and managers see every child, so
    for them there is nothing to add, and the queue's query keeps to its index instead of a subquery."""
    visible = visible_children(user)
    return found.filter(**{f"{field}__in": visible}) if visible.query.has_filters() else found


def _scoped(user, criteria: QueueFilter) -> QuerySet[AssessmentRequest]:
    """Open requests the user may list, narrowed by everything except the RAG status."""
    if not user.has_perm("casework.view_queue"):
        raise PermissionDenied("casework.view_queue")
    found = _visible(open_requests(), user)
    whose = criteria.caseworker
    if whose is None or not can_see_all(user):
        found = found.filter(caseworker=user)
    elif whose == UNASSIGNED:
        found = found.filter(caseworker__isnull=True)
    elif whose != ALL:
        found = found.filter(caseworker_id=whose)
    if criteria.status:
        if criteria.status not in AssessmentRequest.OPEN:
            raise ValueError(f"{criteria.status!r} is not an open status")
        found = found.filter(status=criteria.status)
    if criteria.received_from:
        found = found.filter(received_on__gte=criteria.received_from)
    if criteria.received_to:
        found = found.filter(received_on__lte=criteria.received_to)
    for word in criteria.name.split()[:4]:
        found = found.filter(
            Q(child__first_name__istartswith=word)
            | Q(child__last_name__istartswith=word)
            | Q(child__preferred_name__istartswith=word)
        )
    return found


def queue(user, criteria: QueueFilter = QueueFilter(), *, today: date | None = None) -> QuerySet[AssessmentRequest]:
    """Open requests in order of the next statutory date (none last), then the date received."""
    today = today or date.today()
    found = _scoped(user, criteria)
    if criteria.rag:
        found = found.filter(rag_q(criteria.rag, today))
    # The row needs neither the cached deadlines (the longest column) nor the request's reasons.
    return (
        found.select_related("child", "caseworker")
        .defer("deadlines", "reason")
        .order_by(F("next_due").asc(nulls_last=True), "received_on", "id")
    )


def rag_counts(user, criteria: QueueFilter = QueueFilter(), *, today: date | None = None) -> dict[str, int]:
    """How many requests in the (otherwise filtered) queue are overdue, at risk and on track: one query."""
    today = today or date.today()
    found = _scoped(user, criteria)
    counts = found.aggregate(**{rag: Count("id", filter=rag_q(rag, today)) for rag in RAG_LABELS})
    return {rag: counts[rag] or 0 for rag in RAG_LABELS}


def queue_page(user, criteria: QueueFilter = QueueFilter(), number=1, *, today: date | None = None):
    """One page of the queue and the RAG counts for the whole (otherwise filtered) queue: two queries.

    The counts give the page's total too, so the paginator does not count the queue a second time."""
    today = today or date.today()
    counts = rag_counts(user, criteria, today=today)
    paginator = Paginator(queue(user, criteria, today=today), PAGE_SIZE)
    paginator.count = counts[criteria.rag] if criteria.rag else sum(counts.values())
    return paginator.get_page(number), counts


# ---------------------------------------------------------------------------------------------
# Caseloads


@dataclass
class Caseload:
    caseworker: User | None  # None: requests nobody is assigned to
    by_status: dict[str, int] = field(default_factory=dict)
    by_rag: dict[str, int] = field(default_factory=dict)
    children_led: int = 0

    @property
    def open_requests(self) -> int:
        return sum(self.by_status.values())

    @property
    def name(self) -> str:
        if self.caseworker is None:
            return "Not assigned"
        name = self.caseworker.get_full_name() or self.caseworker.username
        return name if self.caseworker.is_active else f"{name} (has left: reassign)"

    @property
    def held_by_leaver(self) -> bool:
        return self.caseworker is not None and not self.caseworker.is_active


def children_led_by(user, person) -> QuerySet:
    """Children `person` is lead caseworker for, among those `user` may see: the home page's list and count
    and the caseload page's "Children led" all read this."""
    return visible_children(user).filter(lead_caseworker=person)


def caseloads(user, *, today: date | None = None) -> list[Caseload]:
    """Open requests by stage and RAG status, and children led, per caseworker: three queries.

    A manager sees every active caseworker and the unassigned requests; a caseworker their own row.
    """
    if not user.has_perm("casework.view_queue"):
        raise PermissionDenied("casework.view_queue")
    today = today or date.today()
    everyone = can_see_all(user)
    people = list(caseworkers()) if everyone else [user]
    requests = _visible(open_requests(), user)
    children = visible_children(user)
    if not everyone:
        requests = requests.filter(caseworker=user)
        children = children_led_by(user, user)
    measures = {f"s_{code}": Count("id", filter=Q(status=code)) for code, _ in OPEN_STATUSES}
    measures.update({f"r_{rag}": Count("id", filter=rag_q(rag, today)) for rag in RAG_LABELS})
    rows = {row["caseworker"]: row for row in requests.values("caseworker").annotate(**measures).order_by()}
    led = dict(
        children.exclude(lead_caseworker__isnull=True)
        .values_list("lead_caseworker")
        .annotate(n=Count("id"))
        .values_list("lead_caseworker", "n")
        .order_by()
    )

    def make(person: User | None) -> Caseload:
        row = rows.get(person.pk if person else None, {})
        return Caseload(
            caseworker=person,
            by_status={code: row.get(f"s_{code}", 0) for code, _ in OPEN_STATUSES},
            by_rag={rag: row.get(f"r_{rag}", 0) for rag in RAG_LABELS},
            children_led=led.get(person.pk, 0) if person else 0,
        )

    out = [make(person) for person in people]
    known = {p.pk for p in people}
    # Requests and children held by someone no longer active (or no longer a caseworker) still need a home.
    for pk in sorted(k for k in set(rows) | set(led) if k is not None and k not in known):
        out.append(make(User.objects.get(pk=pk)))
    if everyone:
        out.append(make(None))
    return out
