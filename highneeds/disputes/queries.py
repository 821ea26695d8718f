"""Reads for the disagreements pages, the API and the apply-cessations command."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from highneeds.council.models import CouncilSettings
from highneeds.engine.calendar import add_months
from highneeds.engine.schoolyear import academic_year_start

from .models import Appeal, Cessation, Complaint, DecisionNotice, DisputeSettings, Mediation, TribunalOrder


def working_days_after(d: date, n: int) -> date:
    """The n-th working day after d (England and Wales bank holidays, with any years the council added)."""
    return CouncilSettings.current().calendar().add_working_days(d, n)


def adviser_contact_by(notice: DecisionNotice) -> date:
    """The family should contact the mediation adviser within 2 months of the notice (R 33)."""
    return add_months(notice.sent_on, 2)


def icbs_told_by(mediation: Mediation) -> date | None:
    """Health-only mediation: the council tells each ICB within a few working days (reg UNVERIFIED)."""
    if not (mediation.health_only and mediation.requested_on):
        return None
    return working_days_after(mediation.requested_on, DisputeSettings.current().icb_notice_working_days)


def suggested_cease_date(decided_on: date) -> date:
    """Cessation generally takes effect at the end of the academic year (CoP 9.207): 31 August of the
    academic year in which the decision is made."""
    return date(academic_year_start(decided_on) + 1, 8, 31)


@dataclass(frozen=True)
class Effective:
    on: date | None  # the first day the cessation may take effect, or None while it cannot
    why: str


def cessation_effective(cessation: Cessation) -> Effective:
    """When a cessation may take effect: not before the date decided, and not while the plan must stay
    in force (CFA Explanatory Notes para 247): until the family's appeal deadline has passed, unless they
    have confirmed they will not appeal; while an appeal is lodged and undecided."""
    if cessation.status == "held":
        return Effective(None, "An appeal against the cessation is lodged: the plan stays in force until it is decided")
    if cessation.status != "notice_sent" or not cessation.notice_id:
        return Effective(None, f"The cessation is {cessation.get_status_display().lower()}")
    notice = cessation.notice
    decided = [a for a in notice.appeals.all() if a.decided]
    if decided:
        lifted_on = max(a.outcome_on for a in decided)
        why = f"the appeal was decided on {lifted_on:%-d %B %Y}"
    elif cessation.no_appeal_confirmed_on:
        lifted_on = cessation.no_appeal_confirmed_on
        why = f"the family confirmed on {lifted_on:%-d %B %Y} that they will not appeal"
    else:
        deadline = notice.due("appeal_deadline")
        if deadline is None:
            return Effective(None, "The appeal deadline is not known yet (the statutory clock has not given it)")
        lifted_on = deadline + timedelta(days=1)
        why = f"the family's appeal deadline is {deadline:%-d %B %Y}"
    on = max(lifted_on, cessation.takes_effect_on or lifted_on)
    if on > lifted_on:
        why += f"; the date decided for the plan to cease is {on:%-d %B %Y}"
    return Effective(on, f"Can take effect from {on:%-d %B %Y}: {why}")


def cessations_due(today: date) -> list[tuple[Cessation, date]]:
    """Cessations whose plan may now cease, with the date they take effect."""
    found = []
    for cessation in (
        Cessation.objects.filter(status="notice_sent")
        .select_related("notice", "plan", "child")
        .prefetch_related("notice__appeals")
    ):
        effective = cessation_effective(cessation)
        if effective.on is not None and effective.on <= today:
            found.append((cessation, effective.on))
    return found


def child_disputes(child) -> dict:
    """Everything disagreed about on one child's record."""
    notices = list(child.decision_notices.select_related("letter", "mediation").prefetch_related("appeals__orders"))
    return {
        "notices": notices,
        "appeals": list(Appeal.objects.filter(child=child).select_related("notice").prefetch_related("orders")),
        "cessations": list(
            child.cessations.select_related("plan", "notice", "setting", "review").prefetch_related("notice__appeals")
        ),
        "complaints": list(child.complaints.all()),
    }


def overview(today: date, horizon_days: int = 28) -> dict:
    """What is due across all children: statutory steps from the clock, and the council's own periods."""
    soon = today + timedelta(days=horizon_days)
    notices = (
        DecisionNotice.objects.select_related("child", "mediation")
        .filter(next_due__isnull=False, next_due__lte=soon)
        .order_by("next_due", "id")
    )
    certificates = [n for n in notices if n.next_step.startswith("mediation_certificate")]
    to_arrange = [n for n in notices if n.next_step.startswith("mediation_arranged")]
    icbs = [
        m
        for m in Mediation.objects.select_related("notice__child").filter(
            health_only=True, requested_on__isnull=False, icbs_told_on__isnull=True
        )
    ]
    open_appeals = Appeal.objects.select_related("child", "notice").exclude(outcome__in=Appeal.DECIDED)
    responses = list(open_appeals.filter(response_sent_on__isnull=True).order_by("response_due", "id"))
    hearings = list(open_appeals.filter(hearing_on__gte=today).order_by("hearing_on", "id"))
    orders = list(
        TribunalOrder.objects.select_related("appeal__child").filter(complied_on__isnull=True).order_by("due_on", "id")
    )
    waiting = list(
        Cessation.objects.filter(status__in=("notice_sent", "held"))
        .select_related("child", "notice")
        .prefetch_related("notice__appeals")
        .order_by("takes_effect_on", "id")
    )
    complaints = list(
        Complaint.objects.select_related("child")
        .filter(responded_on__isnull=True)
        .exclude(outcome="withdrawn")
        .order_by("response_due", "id")
    )
    return {
        "today": today,
        "certificates": certificates,
        "to_arrange": to_arrange,
        "icbs": [(m, icbs_told_by(m)) for m in icbs],
        "responses": responses,
        "hearings": hearings,
        "orders": orders,
        "overdue_orders": [o for o in orders if o.overdue(today)],
        "cessations": [(c, cessation_effective(c)) for c in waiting],
        "complaints": complaints,
    }


def appeal_state(appeal) -> str:
    """The appeal machine's state: waiting for the tribunal, decided, or decided for the family (orders follow)."""
    if not appeal.decided:
        return "open"
    return "upheld" if appeal.outcome in ("allowed", "allowed_part", "conceded") else "decided"
