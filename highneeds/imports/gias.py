"""Establishments from the GIAS "all establishments" extract.

One row per URN. A URN already held is an update (or unchanged); a new URN is created,
unless it belongs to an establishment held without a URN (created from the section 41 list)
with the same name in the same LA, which then takes the URN. Optional columns that the file
leaves out are left alone on update. Closed establishments are kept, with is_open=False.
The code lists and columns are in `gias_codes`.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.engine.identifiers import validate_postcode
from highneeds.establishments.models import Establishment
from highneeds.establishments.services import clean_establishment

from . import csvkit
from .csvkit import RowError, RowErrors
from .establishment_writes import apply_changes, check_lengths, model_errors, whole_number, write_changes

# GIAS_TYPES is re-exported: callers import the code lists from here.
from .gias_codes import (  # noqa: F401
    _PHASES,
    _RESOURCED,
    _S41,
    _STATUS,
    _TYPES,
    FIELD_COLUMN,
    GIAS_COLUMNS,
    GIAS_TYPES,
    SEN_COLUMNS,
    gias_need,
    lookup,
)
from .names import name_key, resolve_la

# --------------------------------------------------------------------------------------------
# GIAS
# --------------------------------------------------------------------------------------------


def clean_gias_row(number: int, rec: dict[str, str]) -> dict:
    """The Establishment field values this row sets (only those its file has columns for)."""
    errors: list[RowError] = []
    values: dict = {}

    def put(field_name, column, parse):
        if column not in rec:
            return
        try:
            values[field_name] = parse(rec[column])
        except ValueError as exc:
            errors.append(RowError(number, column, str(exc), rec[column]))

    def required(parse):
        def check(text):
            if not text:
                raise ValueError("This is required")
            return parse(text)

        return check

    def optional(parse):
        return lambda text: parse(text) if text else None

    def la_code(text):
        if text and not re.fullmatch(r"\d{3}", text):
            raise ValueError("Enter the 3-digit LA number")
        return text

    def ukprn(text):
        if not re.fullmatch(r"\d{8}", text):
            raise ValueError("A UKPRN has 8 digits")
        return int(text)

    def need_list():
        found, seen = [], set()
        for column in SEN_COLUMNS:
            if column not in rec:
                continue
            try:
                code = gias_need(rec[column])
            except ValueError as exc:
                errors.append(RowError(number, column, str(exc), rec[column]))
                continue
            if code and code not in seen:
                seen.add(code)
                found.append(code)
        return found

    put("urn", "URN", required(lambda t: whole_number(t, low=100000, high=999999)))
    put("name", "EstablishmentName", lambda t: re.sub(r"\s+", " ", t))
    put(
        "establishment_type",
        "TypeOfEstablishment (name)",
        required(lambda t: lookup(_TYPES, t, "type of establishment")),
    )
    put("is_open", "EstablishmentStatus (name)", required(lambda t: lookup(_STATUS, t, "establishment status")))
    put("phase", "PhaseOfEducation (name)", lambda t: lookup(_PHASES, t, "phase of education") if t else "NA")
    put("la_code", "LA (code)", la_code)
    put("la_name", "LA (name)", str)
    put("ukprn", "UKPRN", optional(ukprn))
    put("age_low", "StatutoryLowAge", optional(lambda t: whole_number(t, high=99)))
    put("age_high", "StatutoryHighAge", optional(lambda t: whole_number(t, high=99)))
    put("street", "Street", str)
    put("town", "Town", str)
    put("easting", "Easting", optional(whole_number))
    put("northing", "Northing", optional(whole_number))
    put("resourced_provision_places", "ResourcedProvisionCapacity", optional(whole_number))
    put("sen_unit_places", "SenUnitCapacity", optional(whole_number))
    if "TypeOfResourcedProvision (name)" in rec:
        text = rec["TypeOfResourcedProvision (name)"]
        try:
            values["has_resourced_provision"], values["has_sen_unit"] = (
                lookup(_RESOURCED, text, "type of resourced provision") if text else (False, False)
            )
        except ValueError as exc:
            errors.append(RowError(number, "TypeOfResourcedProvision (name)", str(exc), text))
    if any(c in rec for c in SEN_COLUMNS):
        values["designated_needs"] = need_list()
    if "Section41Approved (name)" in rec:
        text = rec["Section41Approved (name)"]
        try:
            approved = lookup(_S41, text, "section 41 status") if text else None
            if approved is not None:
                values["s41_approved"] = approved
            if approved is False:
                values["s41_approved_on"] = None
        except ValueError as exc:
            errors.append(RowError(number, "Section41Approved (name)", str(exc), text))
    if "Postcode" in rec:
        text = rec["Postcode"]
        try:
            values["postcode"] = validate_postcode(text) if text else ""
        except ValueError as exc:
            if values.get("establishment_type") == "OTHER":
                values["postcode"] = ""  # overseas and other non-English establishments: not kept
            else:
                errors.append(RowError(number, "Postcode", str(exc), text))

    if not errors:
        try:
            clean_establishment({"phase": "NA", **values})
            check_lengths(values)
        except ValidationError as exc:
            errors.extend(model_errors(number, exc, rec, FIELD_COLUMN))
    if errors:
        raise RowErrors(errors)
    return values


@service
def import_gias(*, actor, path, skip_invalid: bool = False, rejects_path=None, progress=None) -> csvkit.ImportResult:
    """Create or update establishments from a GIAS-format CSV; all-or-nothing unless skip_invalid."""
    require(actor, "establishments.change")
    progress = progress or csvkit.NoProgress()
    source = csvkit.read_csv(path, GIAS_COLUMNS)
    checked = csvkit.check_rows(source, clean_gias_row, progress)
    csvkit.flag_repeats(checked, {row: v["urn"] for row, v in checked.good.items()}, source.label("URN"), "URN")

    result = csvkit.ImportResult(
        "establishments", source.path, total=checked.total, rejected=len(checked.bad), errors=checked.errors
    )
    if source.unrecognised:
        result.notes.append("Columns not used: " + ", ".join(source.unrecognised))
    with csvkit.settle(source, checked, skip_invalid=skip_invalid, rejects_path=rejects_path) as rejects:
        result.rejects_path = rejects
        by_urn: dict[int, Establishment] = {}
        without_urn: dict[str, list[Establishment]] = {}
        for est in Establishment.objects.all().iterator(chunk_size=2000):
            if est.urn is not None:
                by_urn[est.urn] = est
            else:
                without_urn.setdefault(name_key(est.name), []).append(est)

        # An establishment held without a URN takes the URN of the one row naming it in its LA.
        claims: dict[int, list[int]] = {}
        held = {est.pk: est for group in without_urn.values() for est in group}
        for row, values in checked.good.items():
            if values["urn"] in by_urn:
                continue
            la = resolve_la(values.get("la_name", ""))
            for est in without_urn.get(name_key(values.get("name", "")), []):
                if (est.la_code and est.la_code == values.get("la_code")) or la.holds(est.la_code, est.la_name):
                    claims.setdefault(est.pk, []).append(row)
        adopted = {rows[0]: held[pk] for pk, rows in claims.items() if len(rows) == 1}

        creates: list[Establishment] = []
        updates: list[tuple[Establishment, dict, dict]] = []
        for row in sorted(checked.good):
            values = checked.good[row]
            est = by_urn.get(values["urn"]) or adopted.get(row)
            if est is None:
                creates.append(Establishment(**values))
                continue
            change = apply_changes(est, values)
            if change is None:
                result.unchanged += 1
            else:
                updates.append((est, *change))
        result.created, result.updated = len(creates), len(updates)
        if adopted:
            result.notes.append(
                f"{len(adopted)} establishment(s) held without a URN were matched by name and LA and given one"
            )
        write_changes(actor, creates, updates, progress)
        log.record(actor=actor, action="import.establishments", after=result.audit_summary(source))
    return result
