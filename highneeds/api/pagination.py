"""Page-number paging for list endpoints: `?page=2&page_size=50` -> {count, page, page_size, results}.

Unlike ninja's PageNumberPagination, a page_size over the maximum is a 422 naming the field
rather than being quietly cut down, and the response says which page and size it holds.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import PaginationBase

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class PagePagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, description="Page number, from 1")
        page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Results a page, at most 100")

    class Output(Schema):
        count: int = Field(..., description="Results across all pages")
        page: int
        page_size: int
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset, pagination: Input, request, **params) -> dict:
        count = self._items_count(queryset)
        offset = (pagination.page - 1) * pagination.page_size
        # A page past the end is empty; never hand the database an offset it cannot hold.
        results = queryset[offset : offset + pagination.page_size] if offset < count else []
        return {"count": count, "page": pagination.page, "page_size": pagination.page_size, "results": results}
