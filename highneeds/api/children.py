"""/api/v1/children: search children the caller may see, and open one child's summary.

Listing is audited once a call (`api.children.search`, with the filters used), not once a child;
opening a child is audited as a read of that child's record (`child.view_api`).
"""
# No `from __future__ import annotations` here: ninja reads the views' annotations (Query[...]) at import.

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.http import Http404
from ninja import Path, Query, Router
from ninja.pagination import paginate

from highneeds.audit import log
from highneeds.engine import codes
from highneeds.people.models import ChildNeed, Placement
from highneeds.people.queries import ChildSearch, flags_for, nhs_number_for, open_child_record, search_children

from .errors import DETAIL_ERRORS, LIST_ERRORS
from .pagination import PagePagination
from .permissions import guarded
from .schemas import MAX_ID, ChildDetail, ChildFilters, ChildListItem

router = Router(tags=["children"])

NOT_FOUND_NOTE = (
    "404 means the child does not exist *or* you may not see them: the two are answered alike "
    "so that ids cannot be probed."
)


def _current_placement():
    """A child's current placement: open, on roll rather than dual-registered, latest first."""
    return Placement.objects.filter(child=OuterRef("pk"), end_date__isnull=True).order_by(
        Case(When(placement_type="DUAL", then=Value(1)), default=Value(0), output_field=IntegerField()),
        "-start_date",
        "-pk",
    )


@router.get(
    "/children",
    response={200: list[ChildListItem], **LIST_ERRORS},
    summary="Search children",
    description=(
        "Children you may see, filtered and paged, ordered by last name, first name and id. "
        "Needs `people.search_children`: caseworkers, managers and finance see every child; a SENCO "
        "the children currently at their setting; a professional or panel member those they are "
        "invited to; a parent their own children. Other roles get 403. Each call is audited with its filters."
    ),
)
@paginate(PagePagination)
@guarded("people.search_children")
def list_children(request, filters: Query[ChildFilters]):
    user = request.auth
    found = search_children(
        user,
        ChildSearch(
            name=filters.name or "",
            upn=filters.upn or "",
            date_of_birth=filters.date_of_birth,
            establishment_id=filters.establishment,
            sen_status=filters.sen_status or "",
        ),
    )
    log.record(actor=user, action="api.children.search", after={"filters": filters.used()})
    current = _current_placement()
    return found.annotate(
        primary_need=Subquery(ChildNeed.objects.filter(child=OuterRef("pk")).order_by("rank").values("code")[:1]),
        current_setting_id=Subquery(current.values("establishment_id")[:1]),
        current_setting_name=Subquery(current.values("establishment__name")[:1]),
    )


@router.get(
    "/children/{child_id}",
    response={200: ChildDetail, **DETAIL_ERRORS},
    summary="Open a child's summary",
    description=(
        "One child's identifiers, year group, ranked needs, placements, cohort flags and the names and "
        "contact preference of parents or carers with parental responsibility. Needs `people.view_child` "
        "on this child (roles that can open no child's record get 403). Every call is audited as a read "
        "of the child's record. " + NOT_FOUND_NOTE
    ),
)
@guarded("people.view_child", gate="people.open_records", object_level=True)
def child_detail(request, child_id: int = Path(..., ge=1, le=MAX_ID)):
    try:
        child = open_child_record(request.auth, child_id, what="child.view_api")
    except PermissionDenied:
        raise Http404("child") from None
    return summarise(child, viewer=request.auth)


def summarise(child, today: date | None = None, viewer=None) -> dict:
    """`viewer`: leave out what they need not know (safeguarding flags, the NHS number); None means show all."""
    today = today or date.today()
    flags = flags_for(viewer, child) if viewer is not None else child.flags.all()
    nhs_number = nhs_number_for(viewer, child) if viewer is not None else child.nhs_number
    placements = [
        {
            "id": p.pk,
            "establishment": {"id": p.establishment_id, "name": p.establishment.name},
            "placement_type": p.placement_type,
            "placement_type_label": p.get_placement_type_display(),
            "start_date": p.start_date,
            "end_date": p.end_date,
        }
        for p in child.placements.select_related("establishment").order_by("-start_date", "-pk")
    ]
    return {
        "id": child.pk,
        "first_name": child.first_name,
        "last_name": child.last_name,
        "preferred_name": child.preferred_name,
        "date_of_birth": child.date_of_birth,
        "age": child.age(today),
        "year_group": child.year_group_label(today),
        "sex": child.sex,
        "identifiers": {"upn": child.upn, "uln": child.uln, "nhs_number": nhs_number},
        "responsible_la": child.responsible_la,
        "sen_status": child.sen_status,
        "sen_status_label": codes.SEN_STATUS.get(child.sen_status, child.sen_status),
        "needs": [{"rank": n.rank, "code": n.code, "label": n.label} for n in child.needs.order_by("rank")],
        "placements": {
            "current": [p for p in placements if p["end_date"] is None],
            "past": [p for p in placements if p["end_date"] is not None],
        },
        "cohort_flags": [
            {
                "flag": f.flag,
                "label": f.label,
                "start_date": f.start_date,
                "end_date": f.end_date,
                "current": f.start_date <= today and (f.end_date is None or f.end_date >= today),
            }
            for f in flags.order_by("-start_date", "-pk")
        ],
        "parents": [
            {"first_name": p.first_name, "last_name": p.last_name, "preferred_contact": p.preferred_contact}
            for p in child.parents.filter(parental_responsibility=True).order_by("last_name", "first_name", "pk")
        ],
    }
