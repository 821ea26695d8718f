"""Reads for the review tracker, the child's review history and the family's pages.

Like the casework work queue, every row carries the clock's next step and its due date
(`next_step`, `next_due`), kept by the services and `highneeds recalculate-reviews`, so each list
is a plain indexed query; the RAG status is judged from `next_due` against today:

* **overdue**: the next statutory step was due before today;
* **at risk**: it is due within `AT_RISK_DAYS` (reviews, reassessments: 10 days, as the work queue)
  or `TRANSFER_AT_RISK_DAYS` (phase transfers: 6 weeks, the time a consultation with a school
  and the amendment take) — inclusive;
* **on track**: later than that, or nothing statutory is pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Max, Q, QuerySet
from django.http import Http404

from highneeds.accounts.models import User
from highneeds.accounts.roles import Role
from highneeds.audit import log

# The RAG status and its thresholds are the work queue's (reviews, reassessments: at risk within 10 days).
from highneeds.casework.queue import (  # noqa: F401  (re-exported for the views and templates)
    AT_RISK,
    AT_RISK_DAYS,
    ON_TRACK,
    OVERDUE,
    RAG_LABELS,
    RAG_TAGS,
    rag_of,
    rag_q,
)
from highneeds.disputes.models import CEASE_REASONS
from highneeds.engine.calendar import add_months
from highneeds.people.queries import open_child_record, visible_children
from highneeds.plans.queries import current_plan

from . import phase
from .models import PHASES, AnnualReview, PhaseTransfer, Reassessment

TRANSFER_AT_RISK_DAYS = 42
PAGE_SIZE = 25
TRACKER = "reviews.view_tracker"

ALL, UNASSIGNED = "all", "unassigned"

# The review lists: which stages each shows.
REVIEW_LISTS = {
    "due": ("Reviews due", ("due", "arranged")),
    "decision": ("Awaiting decision", ("held",)),
    "amending": ("Awaiting amended plan", ("amending",)),
}
ROW_FIELDS = {
    AnnualReview: ("due_on", "meeting_on", "held_on", "decision"),
    PhaseTransfer: ("kind", "transfer_on", "from_year", "to_year", "deadline"),
    Reassessment: ("received_on", "decision"),
}
SHOW = {"reviews": "Annual reviews", "transfers": "Phase transfers", "reassessments": "Reassessments"}


def caseworkers() -> QuerySet[User]:
    return User.objects.filter(role__in=(Role.CASEWORKER, Role.MANAGER), is_active=True).order_by(
        "last_name", "first_name", "username"
    )


@dataclass(frozen=True)
class TrackerFilter:
    """`caseworker`: a user id, ALL or UNASSIGNED; None means the signed-in user's own."""

    show: str = "reviews"
    list: str = ""  # a REVIEW_LISTS key, or "" for every open review
    caseworker: int | str | None = ALL
    rag: str = ""
    phase: str = ""
    establishment: int | None = None


def _check(user) -> None:
    if not user.has_perm(TRACKER):
        raise PermissionDenied(TRACKER)


def _narrow(found: QuerySet, user, criteria: TrackerFilter) -> QuerySet:
    whose = criteria.caseworker
    if whose is None:
        found = found.filter(caseworker=user)
    elif whose == UNASSIGNED:
        found = found.filter(caseworker__isnull=True)
    elif whose != ALL:
        found = found.filter(caseworker_id=whose)
    if criteria.phase:
        if criteria.phase not in PHASES:
            raise ValueError(f"unknown phase {criteria.phase!r}")
        found = found.filter(phase=criteria.phase)
    if criteria.establishment:
        found = found.filter(establishment_id=criteria.establishment)
    return found


def next_transfer_date(today: date) -> date:
    return phase.next_september(today)


def _base(user, criteria: TrackerFilter, today: date) -> tuple[QuerySet, int]:
    """The rows for the chosen list, narrowed by everything except the RAG status, and its at-risk window."""
    _check(user)
    if criteria.show == "transfers":
        found = PhaseTransfer.objects.filter(transfer_on__gt=today, transfer_on__lte=next_transfer_date(today)).exclude(
            stage="cancelled"
        )
        days = TRANSFER_AT_RISK_DAYS
    elif criteria.show == "reassessments":
        found, days = Reassessment.objects.filter(stage__in=Reassessment.OPEN_STAGES), AT_RISK_DAYS
    else:
        stages = REVIEW_LISTS[criteria.list][1] if criteria.list else AnnualReview.OPEN_STAGES
        found, days = AnnualReview.objects.filter(stage__in=stages), AT_RISK_DAYS
    return _narrow(found, user, criteria), days


def rows(user, criteria: TrackerFilter = TrackerFilter(), *, today: date | None = None) -> QuerySet:
    today = today or date.today()
    found, days = _base(user, criteria, today)
    if criteria.rag:
        found = found.filter(rag_q(criteria.rag, today, days))
    # Only what a row shows: a review carries long texts (the meeting record) the list never needs.
    common = ("id", "child", "caseworker", "establishment", "phase", "next_step", "next_due", "stage")
    return (
        found.select_related("child", "caseworker", "establishment")
        .only(*common, *ROW_FIELDS[found.model])
        .order_by(F("next_due").asc(nulls_last=True), "id")
    )


def counts(user, criteria: TrackerFilter = TrackerFilter(), *, today: date | None = None) -> dict[str, int]:
    """How many rows are overdue, at risk and on track (and, for reviews, in each list): one query."""
    today = today or date.today()
    found, days = _base(user, criteria, today)
    measures = {rag: Count("id", filter=rag_q(rag, today, days)) for rag in RAG_LABELS}
    if criteria.show == "reviews" and not criteria.list:
        measures.update({key: Count("id", filter=Q(stage__in=stages)) for key, (_, stages) in REVIEW_LISTS.items()})
    found_counts = found.aggregate(**measures)
    return {key: value or 0 for key, value in found_counts.items()}


def tracker_page(user, criteria: TrackerFilter = TrackerFilter(), number=1, *, today: date | None = None):
    """One page of the chosen list and its counts: two queries."""
    today = today or date.today()
    found_counts = counts(user, criteria, today=today)
    paginator = Paginator(rows(user, criteria, today=today), PAGE_SIZE)
    paginator.count = found_counts[criteria.rag] if criteria.rag else sum(found_counts[r] for r in RAG_LABELS)
    return paginator.get_page(number), found_counts


def review_list_counts(user, criteria: TrackerFilter, *, today: date | None = None) -> dict[str, int]:
    """Open reviews in each list (for the tabs), with the other filters applied: one query."""
    _check(user)
    found = _narrow(AnnualReview.objects.filter(stage__in=AnnualReview.OPEN_STAGES), user, criteria)
    got = found.aggregate(**{key: Count("id", filter=Q(stage__in=stages)) for key, (_, stages) in REVIEW_LISTS.items()})
    return {key: value or 0 for key, value in got.items()}


# ---------------------------------------------------------------------------------------------
# One child's reviews (staff)


def open_review(user, review_id: int, what: str = "review.view") -> AnnualReview:
    """One review for a staff page; missing and not permitted both 404; the read is audited."""
    _check(user)
    review = AnnualReview.objects.filter(pk=review_id).select_related("child", "plan", "caseworker").first()
    if review is None:
        raise Http404("review")
    _open_child(user, review.child_id, what)
    return review


def _open_child(user, child_id: int, what: str):
    try:
        return open_child_record(user, child_id, what=what)
    except PermissionDenied:
        raise Http404("child") from None


def open_transfer(user, transfer_id: int, what: str = "phase_transfer.view") -> PhaseTransfer:
    _check(user)
    found = PhaseTransfer.objects.filter(pk=transfer_id).select_related("child", "plan", "new_establishment").first()
    if found is None:
        raise Http404("transfer")
    _open_child(user, found.child_id, what)
    return found


def open_reassessment(user, item_id: int, what: str = "reassessment.view") -> Reassessment:
    _check(user)
    found = Reassessment.objects.filter(pk=item_id).select_related("child", "plan").first()
    if found is None:
        raise Http404("reassessment")
    _open_child(user, found.child_id, what)
    return found


def child_history(user, child_id: int) -> dict:
    """Everything about one child's reviews, transfers and reassessments, newest first."""
    _check(user)
    child = _open_child(user, child_id, "review.history")
    return {
        "child": child,
        "plan": current_plan(child),
        "reviews": list(child.annual_reviews.select_related("decision_letter").order_by("-counted_from", "-id")),
        "transfers": list(child.phase_transfers.select_related("new_establishment").order_by("-transfer_on")),
        "reassessments": list(child.reassessments.order_by("-received_on", "-id")),
    }


def cease_reasons() -> dict[str, str]:
    """The SEN2 CeaseReason codes (the disputes app keeps the list; imported late, see the contracts)."""
    return CEASE_REASONS


def last_assessed(plan) -> date | None:
    """When the child was last assessed: the last reassessment's new plan, or the plan's making."""
    latest = Reassessment.objects.filter(plan=plan, plan_issued_on__isnull=False).aggregate(last=Max("plan_issued_on"))[
        "last"
    ]
    return latest or plan.first_issued_on


def within_refusal_window(plan, on: date) -> bool:
    """Regulation 24: the council may refuse to reassess if the child was assessed in the previous 6 months."""
    last = last_assessed(plan)
    return bool(last and on < add_months(last, 6))


# ---------------------------------------------------------------------------------------------
# The family's pages


FAMILY = "portal.follow_requests"


def family_reviews(user) -> list[AnnualReview]:
    """Reviews of the family's own children (the `people.view_child` rule), newest first."""
    if not user.has_perm(FAMILY):
        raise PermissionDenied(FAMILY)
    return list(
        AnnualReview.objects.filter(child__in=visible_children(user))
        .select_related("child")
        .order_by("child__first_name", "child_id", "-counted_from", "-id")
    )


def open_family_review(user, review_id: int, what: str = "portal.review.view") -> AnnualReview:
    if not user.has_perm(FAMILY):
        raise PermissionDenied(FAMILY)
    review = AnnualReview.objects.filter(pk=review_id).select_related("plan", "amendment", "decision_letter").first()
    if review is None:
        raise Http404("review")
    review.child = _open_child(user, review.child_id, what)
    return review


def open_review_to_contribute(user, review_id: int) -> AnnualReview:
    """A review someone may give views for (`reviews.contribute`: the family, the setting, invited professionals)."""
    review = AnnualReview.objects.filter(pk=review_id).select_related("child").first()
    if review is None or not user.has_perm("reviews.contribute", review.child):
        raise Http404("review")
    log.record_read(actor=user, child=review.child, what="review.contribute")
    return review


# ---------------------------------------------------------------------------------------------
# A school's review dates (its SENCO's page and the counts on the SENCO's home page: one query for both)

SCHOOL = "reviews.school_reports"
# "Due soon": within 8 weeks, the time to book a meeting with 2 weeks' notice and gather advice before it.
DUE_SOON_DAYS = 56
SCHOOL_STATUS = {"overdue": ("Overdue", "govuk-tag--red"), "due_soon": ("Due soon", "govuk-tag--orange")}


@dataclass(frozen=True)
class SchoolReviewRow:
    child_id: int
    name: str
    year_group: str
    due_on: date | None
    status: str  # "overdue", "due_soon" or ""
    stage: str
    review_id: int | None
    meeting_on: date | None
    report: str  # the school's report: "", "draft" or "submitted"


def school_status(due: date | None, today: date) -> str:
    """ "overdue" before today, "due_soon" from today to DUE_SOON_DAYS ahead (inclusive), else ""."""
    if due is None:
        return ""
    if due < today:
        return "overdue"
    return "due_soon" if (due - today).days <= DUE_SOON_DAYS else ""


def school_review_dates(user, today: date) -> list[SchoolReviewRow]:
    """Every pupil at the SENCO's setting with a plan in force: the open review's due date (or, with none open,
    12 months from the last review meeting or the plan), soonest first."""
    if not user.has_perm(SCHOOL):
        raise PermissionDenied(SCHOOL)
    with_plan = visible_children(user).filter(plans__status="final")
    children = list(with_plan.distinct().order_by("last_name", "first_name"))
    ids = [c.pk for c in children]
    open_reviews = {
        r.child_id: r
        for r in AnnualReview.objects.filter(child_id__in=ids, stage__in=AnnualReview.OPEN_STAGES)
        .select_related("school_report")
        .order_by("child_id", "-counted_from")
    }
    last_meeting = dict(
        AnnualReview.objects.filter(child_id__in=ids, held_on__isnull=False)
        .values("child_id")
        .annotate(last=Max("held_on"))
        .values_list("child_id", "last")
        .order_by()
    )
    first_issued = dict(with_plan.values_list("pk", "plans__first_issued_on").order_by("pk", "plans__id"))
    rows = []
    for child in children:
        review = open_reviews.get(child.pk)
        if review:
            due = review.due_on
        else:
            start = last_meeting.get(child.pk) or first_issued.get(child.pk)
            due = add_months(start, 12) if start else None
        status = school_status(due, today)
        report = getattr(review, "school_report", None) if review else None
        rows.append(
            SchoolReviewRow(
                child_id=child.pk,
                name=child.full_name,
                year_group=child.year_group_label(today),
                due_on=due,
                status=status,
                stage=review.get_stage_display() if review else "Not opened yet",
                review_id=review.pk if review else None,
                meeting_on=(review.held_on or review.meeting_on) if review else None,  # once held, the day it was
                report="" if report is None else ("submitted" if report.submitted_on else "draft"),
            )
        )
    rows.sort(key=lambda r: (r.due_on is None, r.due_on or today, r.name))
    return rows


def school_review_counts(rows: list[SchoolReviewRow]) -> dict[str, int]:
    return {
        "pupils": len(rows),
        "overdue": sum(r.status == "overdue" for r in rows),
        "due_soon": sum(r.status == "due_soon" for r in rows),
    }


def open_school_review(user, review_id: int) -> AnnualReview:
    """A review of a pupil at the SENCO's setting, the read audited; another school's and a missing one get the
    same 403 (open_child_record's answer)."""
    review = AnnualReview.objects.filter(pk=review_id).select_related("child").first()
    open_child_record(user, review.child_id if review else 0, what="school.view_review")
    return review
