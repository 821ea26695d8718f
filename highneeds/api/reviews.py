"""/api/v1/reviews, /api/v1/phase-transfers, /api/v1/reassessments: the review tracker, read-only.

The same lists as the tracker page (`reviews.queries`), for the SEND team's own reporting tools:
`reviews.view_tracker` (caseworkers and managers), who see every child. Each call is audited with
its filters, not once a child.
"""
# No `from __future__ import annotations` here: ninja reads the views' annotations (Query[...]) at import.

from datetime import date

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from highneeds.audit import log
from highneeds.reviews import queries

from .errors import LIST_ERRORS
from .pagination import PagePagination
from .permissions import guarded

router = Router(tags=["reviews"])
TRACKER = "reviews.view_tracker"


class TrackerFilters(Schema):
    rag: str | None = Field(None, pattern="^(overdue|at_risk|on_track)$", description="Deadline status")
    phase: str | None = Field(None, pattern="^(early_years|primary|secondary|post16)$")
    caseworker: int | None = Field(None, ge=1, le=2**31 - 1, description="Caseworker's user id")
    establishment: int | None = Field(None, ge=1, le=2**31 - 1, description="Setting id")

    def criteria(self, show: str, list_: str = "") -> queries.TrackerFilter:
        return queries.TrackerFilter(
            show=show,
            list=list_,
            rag=self.rag or "",
            phase=self.phase or "",
            caseworker=self.caseworker or queries.ALL,
            establishment=self.establishment,
        )

    def used(self) -> dict:
        return {k: v for k, v in self.dict().items() if v is not None}


class ReviewFilters(TrackerFilters):
    list: str | None = Field(
        None,
        pattern="^(due|decision|amending)$",
        description="due: meeting to hold; decision: awaiting decision; amending: awaiting the amended plan",
    )


class Tracked(Schema):
    id: int
    child_id: int
    child_name: str
    phase: str
    establishment_id: int | None
    caseworker_id: int | None
    next_step: str
    next_due: date | None
    status: str = Field(..., description="overdue, at_risk or on_track, judged today")

    @staticmethod
    def resolve_child_name(obj) -> str:
        return obj.child.full_name

    @staticmethod
    def resolve_status(obj) -> str:
        return queries.rag_of(obj.next_due, date.today())


class ReviewItem(Tracked):
    stage: str
    due_on: date | None
    meeting_on: date | None
    held_on: date | None
    decision: str


class TransferItem(Tracked):
    kind: str
    transfer_on: date
    deadline: date | None
    stage: str

    @staticmethod
    def resolve_status(obj) -> str:
        return queries.rag_of(obj.next_due, date.today(), queries.TRANSFER_AT_RISK_DAYS)


class ReassessmentItem(Tracked):
    stage: str
    received_on: date
    decision: str


def _rows(request, show: str, filters, list_: str = ""):
    log.record(actor=request.auth, action=f"api.{show}.list", after={"filters": filters.used()})
    return queries.rows(request.auth, filters.criteria(show, list_))


@router.get(
    "/reviews",
    response={200: list[ReviewItem], **LIST_ERRORS},
    summary="Open annual reviews",
    description="Open annual reviews, the next statutory date first. Needs `reviews.view_tracker`.",
)
@paginate(PagePagination)
@guarded(TRACKER)
def list_reviews(request, filters: Query[ReviewFilters]):
    return _rows(request, "reviews", filters, filters.list or "")


@router.get(
    "/phase-transfers",
    response={200: list[TransferItem], **LIST_ERRORS},
    summary="Phase transfers for next September",
    description="Children with a plan moving phase by next September, with the deadline to amend the plan. "
    "Needs `reviews.view_tracker`.",
)
@paginate(PagePagination)
@guarded(TRACKER)
def list_transfers(request, filters: Query[TrackerFilters]):
    return _rows(request, "transfers", filters)


@router.get(
    "/reassessments",
    response={200: list[ReassessmentItem], **LIST_ERRORS},
    summary="Open requests to reassess",
    description="Requests to reassess awaiting a decision or a new plan. Needs `reviews.view_tracker`.",
)
@paginate(PagePagination)
@guarded(TRACKER)
def list_reassessments(request, filters: Query[TrackerFilters]):
    return _rows(request, "reassessments", filters)
