"""/api/v1/establishments: the directory of schools, colleges and providers (any role may read it)."""
# No `from __future__ import annotations` here: ninja reads the views' annotations (Query[...]) at import.

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router
from ninja.pagination import paginate

from highneeds.council.models import CouncilSettings
from highneeds.establishments.models import Establishment

from .errors import DETAIL_ERRORS, LIST_ERRORS
from .pagination import PagePagination
from .permissions import guarded
from .schemas import MAX_ID, EstablishmentDetail, EstablishmentFilters, EstablishmentListItem

router = Router(tags=["establishments"])


def _council_la() -> str:
    return CouncilSettings.current().old_la_code


def _directory(council_la: str):
    """Establishments with `in_area` worked out against this council's LA number."""
    return Establishment.objects.annotate(
        in_area=ExpressionWrapper(Q(la_code=council_la), output_field=BooleanField())
    ).order_by("name", "pk")


@router.get(
    "/establishments",
    response={200: list[EstablishmentListItem], **LIST_ERRORS},
    summary="List establishments",
    description="Schools, colleges and providers, filtered and paged, ordered by name. Needs `establishments.view`.",
)
@paginate(PagePagination)
@guarded("establishments.view")
def list_establishments(request, filters: Query[EstablishmentFilters]):
    council_la = _council_la()
    found = _directory(council_la)
    if filters.name:
        found = found.filter(name__icontains=filters.name)
    if filters.type:
        found = found.filter(establishment_type=filters.type)
    if filters.la_code:
        found = found.filter(la_code=filters.la_code)
    if filters.in_area is not None:
        in_area = Q(la_code=council_la)
        found = found.filter(in_area if filters.in_area else ~in_area)
    if filters.s41 is not None:
        found = found.filter(s41_approved=filters.s41)
    return found


@router.get(
    "/establishments/{establishment_id}",
    response={200: EstablishmentDetail, **DETAIL_ERRORS},
    summary="One establishment",
    description="Needs `establishments.view`. 404 when there is no establishment with this id.",
)
@guarded("establishments.view")
def establishment_detail(request, establishment_id: int = Path(..., ge=1, le=MAX_ID)):
    return get_object_or_404(_directory(_council_la()), pk=establishment_id)
