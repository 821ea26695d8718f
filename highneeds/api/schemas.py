"""Request filters and response bodies. Codes are the DfE census / SEN2 codes in highneeds.engine.codes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

from highneeds.engine import codes

# Database ids: positive 64-bit integers (larger values are a 422, not a database overflow).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def text(max_length: int):
    """A free-text filter: bounded, and no control characters (PostgreSQL refuses NUL)."""
    return Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=max_length, pattern=r"^[^\x00-\x1f\x7f]*$")
    ]


ChildName = text(100)
Upn = text(13)
EstablishmentName = text(200)
LaCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{3}$")]
SenStatus = Literal[tuple(codes.SEN_STATUS)]  # type: ignore[valid-type]
EstablishmentType = Literal[tuple(codes.ESTABLISHMENT_TYPES)]  # type: ignore[valid-type]


# --- filters -------------------------------------------------------------------------------


class ChildFilters(Schema):
    name: ChildName | None = Field(None, description="Each word matches the start of a first, last or preferred name")
    upn: Upn | None = Field(None, description="Unique pupil number, exact")
    date_of_birth: date | None = Field(None, description="YYYY-MM-DD")
    establishment: Id | None = Field(None, description="Id of a setting where the child is currently placed")
    sen_status: SenStatus | None = Field(None, description="N, K (SEN support) or E (EHC plan)")

    def used(self) -> dict:
        return {k: v for k, v in self.model_dump().items() if v not in (None, "")}


class EstablishmentFilters(Schema):
    name: EstablishmentName | None = Field(None, description="Part of the name")
    type: EstablishmentType | None = Field(None, description="Establishment type code")
    la_code: LaCode | None = Field(None, description="3-digit LA number of the establishment's local authority")
    in_area: bool | None = Field(None, description="In (true) or out of (false) this council's area")
    s41: bool | None = Field(None, description="Approved (or not) under section 41 of the Children and Families Act")


# --- shared --------------------------------------------------------------------------------


class SettingRef(Schema):
    id: int
    name: str


# --- children ------------------------------------------------------------------------------


class ChildListItem(Schema):
    id: int
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: date
    sex: str
    sen_status: str
    primary_need: str | None = Field(None, description="Code of the need ranked first")
    current_setting: SettingRef | None = None

    @staticmethod
    def resolve_current_setting(obj) -> dict | None:
        if getattr(obj, "current_setting_id", None) is None:
            return None
        return {"id": obj.current_setting_id, "name": obj.current_setting_name}


class Identifiers(Schema):
    upn: str | None
    uln: str | None
    nhs_number: str | None


class Need(Schema):
    rank: int
    code: str
    label: str


class PlacementOut(Schema):
    id: int
    establishment: SettingRef
    placement_type: str
    placement_type_label: str
    start_date: date
    end_date: date | None


class Placements(Schema):
    current: list[PlacementOut] = Field(..., description="Placements with no end date")
    past: list[PlacementOut]


class CohortFlagOut(Schema):
    flag: str
    label: str
    start_date: date
    end_date: date | None
    current: bool


class ParentOut(Schema):
    first_name: str
    last_name: str
    preferred_contact: str


class ChildDetail(Schema):
    id: int
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: date
    age: int
    year_group: str
    sex: str
    identifiers: Identifiers
    responsible_la: str
    sen_status: str
    sen_status_label: str
    needs: list[Need] = Field(..., description="Ranked: the first is the primary need")
    placements: Placements
    cohort_flags: list[CohortFlagOut]
    parents: list[ParentOut] = Field(..., description="Parents and carers with parental responsibility")


# --- establishments ------------------------------------------------------------------------


class EstablishmentListItem(Schema):
    id: int
    urn: int | None
    ukprn: int | None
    name: str
    establishment_type: str
    phase: str
    la_code: str
    la_name: str
    town: str
    postcode: str
    is_open: bool
    in_area: bool
    s41_approved: bool


class EstablishmentDetail(EstablishmentListItem):
    type_label: str
    phase_label: str
    age_low: int | None
    age_high: int | None
    street: str
    has_sen_unit: bool
    sen_unit_places: int | None
    has_resourced_provision: bool
    resourced_provision_places: int | None
    designated_needs: list[str]
    s41_approved_on: date | None

    @staticmethod
    def resolve_phase_label(obj) -> str:
        return obj.get_phase_display()
