"""Establishments from the GIAS "all establishments" extract.

One row per URN. A URN already held is an update (or unchanged); a new URN is created,
unless it belongs to an establishment held without a URN (created from the section 41 list)
with the same name in the same LA, which then takes the URN. Optional columns that the file
leaves out are left alone on update. Closed establishments are kept, with is_open=False.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.engine import codes
from highneeds.engine.identifiers import validate_postcode
from highneeds.establishments.models import Establishment
from highneeds.establishments.services import clean_establishment

from . import csvkit
from .csvkit import RowError, RowErrors
from .establishment_writes import apply_changes, check_lengths, model_errors, whole_number, write_changes
from .names import name_key, resolve_la

# --------------------------------------------------------------------------------------------
# GIAS code lists
# --------------------------------------------------------------------------------------------

# TypeOfEstablishment (name) -> our establishment type. Every type in the April 2025 extract
# (see tests); compared without case.
GIAS_TYPES: dict[str, str] = {
    # Local authority maintained schools
    "Community school": "MS_LA",
    "Voluntary aided school": "MS_LA",
    "Voluntary controlled school": "MS_LA",
    "Foundation school": "MS_LA",
    "Pupil referral unit": "AP_PRU",
    "Local authority nursery school": "EARLY_YEARS",
    # Special schools
    "Community special school": "SP_LA",
    "Foundation special school": "SP_LA",
    "Non-maintained special school": "SP_NON_MAINTAINED",
    "Other independent special school": "SP_INDEPENDENT",
    # Academies
    "Academy sponsor led": "MS_ACADEMY",
    "Academy converter": "MS_ACADEMY",
    "Academy 16-19 converter": "MS_ACADEMY",
    "Academy 16 to 19 sponsor led": "MS_ACADEMY",
    "Academy special sponsor led": "SP_ACADEMY",
    "Academy special converter": "SP_ACADEMY",
    "Academy alternative provision converter": "AP_PRU",
    "Academy alternative provision sponsor led": "AP_PRU",
    "Academy secure 16 to 19": "OTHER",
    # Free schools
    "Free schools": "MS_FREE",
    "Free schools 16 to 19": "MS_FREE",
    "University technical college": "MS_FREE",
    "Studio schools": "MS_FREE",
    "Free schools special": "SP_ACADEMY",
    "Free schools alternative provision": "AP_PRU",
    # Independent schools (a city technology college is state-funded and run like an academy)
    "Other independent school": "MS_INDEPENDENT",
    "City technology college": "MS_ACADEMY",
    # Colleges
    "Further education": "FE",
    "Sixth form centres": "FE",
    # Other types
    "Special post 16 institution": "SPECIALIST_POST16",
    "Higher education institutions": "OTHER",
    "Welsh establishment": "OTHER",
    "Secure units": "OTHER",
    "Offshore schools": "OTHER",
    "Service children's education": "OTHER",
    "Miscellaneous": "OTHER",
    "British schools overseas": "OTHER",
    "Institution funded by other government department": "OTHER",
    "Online provider": "OTHER",
    "Children's centre": "EARLY_YEARS",
    "Children's centre linked site": "EARLY_YEARS",
}
_TYPES = {k.casefold(): v for k, v in GIAS_TYPES.items()}

GIAS_PHASES: dict[str, str] = {
    "Not applicable": "NA",
    "Nursery": "EY",
    "Primary": "PRIMARY",
    "Middle deemed primary": "MIDDLE",
    "Middle deemed secondary": "MIDDLE",
    "Secondary": "SECONDARY",
    "All-through": "ALL_THROUGH",
    "All through": "ALL_THROUGH",
    "16 plus": "POST16",
}
_PHASES = {k.casefold(): v for k, v in GIAS_PHASES.items()}

# EstablishmentStatus (name) -> is_open. One proposed to open does not take pupils yet.
GIAS_STATUS: dict[str, bool] = {
    "Open": True,
    "Open, but proposed to close": True,
    "Closed": False,
    "Proposed to open": False,
}
_STATUS = {k.casefold(): v for k, v in GIAS_STATUS.items()}

# TypeOfResourcedProvision (name) -> (has resourced provision, has SEN unit)
GIAS_RESOURCED: dict[str, tuple[bool, bool]] = {
    "Not applicable": (False, False),
    "Resourced provision": (True, False),
    "SEN unit": (False, True),
    "Resourced provision and SEN unit": (True, True),
}
_RESOURCED = {k.casefold(): v for k, v in GIAS_RESOURCED.items()}

# Section41Approved (name): "Not applicable" (most schools) leaves the approval as the s41 list set it.
_S41 = {"approved": True, "not approved": False, "not applicable": None}

SEN_COLUMNS = tuple(f"SEN{i} (name)" for i in range(1, 14))

GIAS_COLUMNS = csvkit.Columns(
    required=(
        "URN",
        "LA (code)",
        "LA (name)",
        "EstablishmentName",
        "TypeOfEstablishment (name)",
        "EstablishmentStatus (name)",
        "PhaseOfEducation (name)",
    ),
    optional=(
        "UKPRN",
        "StatutoryLowAge",
        "StatutoryHighAge",
        "Street",
        "Town",
        "Postcode",
        "Easting",
        "Northing",
        *SEN_COLUMNS,
        "TypeOfResourcedProvision (name)",
        "ResourcedProvisionCapacity",
        "SenUnitCapacity",
        "Section41Approved (name)",
    ),
    # The rest of the public extract: read past without complaint.
    known_unused=(
        "EstablishmentNumber",
        "TypeOfEstablishment (code)",
        "EstablishmentTypeGroup (code)",
        "EstablishmentTypeGroup (name)",
        "EstablishmentStatus (code)",
        "ReasonEstablishmentOpened (code)",
        "ReasonEstablishmentOpened (name)",
        "OpenDate",
        "ReasonEstablishmentClosed (code)",
        "ReasonEstablishmentClosed (name)",
        "CloseDate",
        "PhaseOfEducation (code)",
        "Boarders (code)",
        "Boarders (name)",
        "NurseryProvision (name)",
        "OfficialSixthForm (code)",
        "OfficialSixthForm (name)",
        "Gender (code)",
        "Gender (name)",
        "ReligiousCharacter (code)",
        "ReligiousCharacter (name)",
        "ReligiousEthos (name)",
        "Diocese (code)",
        "Diocese (name)",
        "AdmissionsPolicy (code)",
        "AdmissionsPolicy (name)",
        "SchoolCapacity",
        "SpecialClasses (code)",
        "SpecialClasses (name)",
        "CensusDate",
        "NumberOfPupils",
        "NumberOfBoys",
        "NumberOfGirls",
        "PercentageFSM",
        "TrustSchoolFlag (code)",
        "TrustSchoolFlag (name)",
        "Trusts (code)",
        "Trusts (name)",
        "SchoolSponsorFlag (name)",
        "SchoolSponsors (name)",
        "FederationFlag (name)",
        "Federations (code)",
        "Federations (name)",
        "FEHEIdentifier",
        "FurtherEducationType (name)",
        "OfstedLastInsp",
        "OfstedSpecialMeasures (code)",
        "OfstedSpecialMeasures (name)",
        "LastChangedDate",
        "Locality",
        "Address3",
        "County (name)",
        "SchoolWebsite",
        "TelephoneNum",
        "HeadTitle (name)",
        "HeadFirstName",
        "HeadLastName",
        "HeadPreferredJobTitle",
        "BSOInspectorateName (name)",
        "InspectorateReport",
        "DateOfLastInspectionVisit",
        "NextInspectionVisit",
        "TeenMoth (name)",
        "TeenMothPlaces",
        "CCF (name)",
        "SENPRU (name)",
        "EBD (name)",
        "PlacesPRU",
        "FTProv (name)",
        "EdByOther (name)",
        "ResourcedProvisionOnRoll",
        "SenUnitOnRoll",
        "GOR (code)",
        "GOR (name)",
        "DistrictAdministrative (code)",
        "DistrictAdministrative (name)",
        "AdministrativeWard (code)",
        "AdministrativeWard (name)",
        "ParliamentaryConstituency (code)",
        "ParliamentaryConstituency (name)",
        "UrbanRural (code)",
        "UrbanRural (name)",
        "GSSLACode (name)",
        "MSOA (name)",
        "LSOA (name)",
        "InspectorateName (name)",
        "SENStat",
        "SENNoStat",
        "BoardingEstablishment (name)",
        "PropsName",
        "PreviousLA (code)",
        "PreviousLA (name)",
        "PreviousEstablishmentNumber",
        "OfstedRating (name)",
        "RSCRegion (name)",
        "Country (name)",
        "UPRN",
        "SiteName",
        "QABName (code)",
        "QABName (name)",
        "EstablishmentAccredited (code)",
        "EstablishmentAccredited (name)",
        "QABReport",
        "CHNumber",
        "MSOA (code)",
        "LSOA (code)",
        "FSM",
        "AccreditationExpiryDate",
    ),
    extra="ignore",
)

# Model field -> the GIAS column its value comes from (to name the column in an error).
FIELD_COLUMN = {
    "urn": "URN",
    "ukprn": "UKPRN",
    "name": "EstablishmentName",
    "establishment_type": "TypeOfEstablishment (name)",
    "phase": "PhaseOfEducation (name)",
    "age_low": "StatutoryLowAge",
    "age_high": "StatutoryHighAge",
    "la_code": "LA (code)",
    "la_name": "LA (name)",
    "street": "Street",
    "town": "Town",
    "postcode": "Postcode",
    "easting": "Easting",
    "northing": "Northing",
    "is_open": "EstablishmentStatus (name)",
    "has_sen_unit": "TypeOfResourcedProvision (name)",
    "has_resourced_provision": "TypeOfResourcedProvision (name)",
    "sen_unit_places": "SenUnitCapacity",
    "resourced_provision_places": "ResourcedProvisionCapacity",
    "designated_needs": "SEN1 (name)",
    "s41_approved": "Section41Approved (name)",
    "s41_approved_on": "Section41Approved (name)",
}


def gias_need(text: str) -> str | None:
    """A GIAS 'SENn (name)' value such as 'SpLD - Specific Learning Difficulty' -> 'SPLD'."""
    if not text or text.casefold() in ("not applicable", "not recorded"):
        return None
    code = text.split(" - ", 1)[0].strip().upper()
    if code in codes.NEED_CODES and code not in codes.NEED_CODES_SEN_SUPPORT_ONLY:
        return code
    for need, label in codes.NEED_CODES.items():
        if text.casefold() == label.casefold():
            return need
    raise ValueError("Not a GIAS type of SEN provision")


def lookup(table: dict, text: str, what: str):
    try:
        return table[text.casefold()]
    except KeyError:
        raise ValueError(f"Not a GIAS {what}") from None


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
