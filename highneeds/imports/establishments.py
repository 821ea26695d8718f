"""Establishments from the GIAS "all establishments" extract and from the DfE section 41 list.

GIAS: one row per URN. A URN already held is an update (or unchanged); a new URN is created,
unless it belongs to an establishment held without a URN (created from the section 41 list)
with the same name in the same LA, which then takes the URN. Optional columns that the file
leaves out are left alone on update. Closed establishments are kept, with is_open=False.

Section 41: rows are matched to establishments by name and LA, else created as independent
special schools or special post-16 institutions. The published list has sections: approved
institutions, and institutions removed from the list; a removal clears the approval unless the
same list (or the record) shows a later approval.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.engine import codes
from highneeds.engine.identifiers import validate_postcode
from highneeds.establishments.models import Establishment
from highneeds.establishments.services import clean_establishment
from highneeds.people.validation import parse_date

from . import csvkit
from .csvkit import RowError, RowErrors
from .names import name_key, resolve_la

BATCH = 500

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
        "URN", "LA (code)", "LA (name)", "EstablishmentName", "TypeOfEstablishment (name)",
        "EstablishmentStatus (name)", "PhaseOfEducation (name)",
    ),
    optional=(
        "UKPRN", "StatutoryLowAge", "StatutoryHighAge", "Street", "Town", "Postcode", "Easting", "Northing",
        *SEN_COLUMNS, "TypeOfResourcedProvision (name)", "ResourcedProvisionCapacity", "SenUnitCapacity",
        "Section41Approved (name)",
    ),
    # The rest of the public extract: read past without complaint.
    known_unused=(
        "EstablishmentNumber", "TypeOfEstablishment (code)", "EstablishmentTypeGroup (code)",
        "EstablishmentTypeGroup (name)", "EstablishmentStatus (code)", "ReasonEstablishmentOpened (code)",
        "ReasonEstablishmentOpened (name)", "OpenDate", "ReasonEstablishmentClosed (code)",
        "ReasonEstablishmentClosed (name)", "CloseDate", "PhaseOfEducation (code)", "Boarders (code)",
        "Boarders (name)", "NurseryProvision (name)", "OfficialSixthForm (code)", "OfficialSixthForm (name)",
        "Gender (code)", "Gender (name)", "ReligiousCharacter (code)", "ReligiousCharacter (name)",
        "ReligiousEthos (name)", "Diocese (code)", "Diocese (name)", "AdmissionsPolicy (code)",
        "AdmissionsPolicy (name)", "SchoolCapacity", "SpecialClasses (code)", "SpecialClasses (name)",
        "CensusDate", "NumberOfPupils", "NumberOfBoys", "NumberOfGirls", "PercentageFSM",
        "TrustSchoolFlag (code)", "TrustSchoolFlag (name)", "Trusts (code)", "Trusts (name)",
        "SchoolSponsorFlag (name)", "SchoolSponsors (name)", "FederationFlag (name)", "Federations (code)",
        "Federations (name)", "FEHEIdentifier", "FurtherEducationType (name)", "OfstedLastInsp",
        "OfstedSpecialMeasures (code)", "OfstedSpecialMeasures (name)", "LastChangedDate", "Locality",
        "Address3", "County (name)", "SchoolWebsite", "TelephoneNum", "HeadTitle (name)", "HeadFirstName",
        "HeadLastName", "HeadPreferredJobTitle", "BSOInspectorateName (name)", "InspectorateReport",
        "DateOfLastInspectionVisit", "NextInspectionVisit", "TeenMoth (name)", "TeenMothPlaces", "CCF (name)",
        "SENPRU (name)", "EBD (name)", "PlacesPRU", "FTProv (name)", "EdByOther (name)",
        "ResourcedProvisionOnRoll", "SenUnitOnRoll", "GOR (code)", "GOR (name)",
        "DistrictAdministrative (code)", "DistrictAdministrative (name)", "AdministrativeWard (code)",
        "AdministrativeWard (name)", "ParliamentaryConstituency (code)", "ParliamentaryConstituency (name)",
        "UrbanRural (code)", "UrbanRural (name)", "GSSLACode (name)", "MSOA (name)", "LSOA (name)",
        "InspectorateName (name)", "SENStat", "SENNoStat", "BoardingEstablishment (name)", "PropsName",
        "PreviousLA (code)", "PreviousLA (name)", "PreviousEstablishmentNumber", "OfstedRating (name)",
        "RSCRegion (name)", "Country (name)", "UPRN", "SiteName", "QABName (code)", "QABName (name)",
        "EstablishmentAccredited (code)", "EstablishmentAccredited (name)", "QABReport", "CHNumber",
        "MSOA (code)", "LSOA (code)", "FSM", "AccreditationExpiryDate",
    ),
    extra="ignore",
)

# Model field -> the GIAS column its value comes from (to name the column in an error).
FIELD_COLUMN = {
    "urn": "URN", "ukprn": "UKPRN", "name": "EstablishmentName", "establishment_type": "TypeOfEstablishment (name)",
    "phase": "PhaseOfEducation (name)", "age_low": "StatutoryLowAge", "age_high": "StatutoryHighAge",
    "la_code": "LA (code)", "la_name": "LA (name)", "street": "Street", "town": "Town", "postcode": "Postcode",
    "easting": "Easting", "northing": "Northing", "is_open": "EstablishmentStatus (name)",
    "has_sen_unit": "TypeOfResourcedProvision (name)", "has_resourced_provision": "TypeOfResourcedProvision (name)",
    "sen_unit_places": "SenUnitCapacity", "resourced_provision_places": "ResourcedProvisionCapacity",
    "designated_needs": "SEN1 (name)", "s41_approved": "Section41Approved (name)",
    "s41_approved_on": "Section41Approved (name)",
}


# --------------------------------------------------------------------------------------------
# Parsing single values
# --------------------------------------------------------------------------------------------


def whole_number(text: str, *, low: int = 0, high: int | None = None) -> int:
    if not re.fullmatch(r"\d+", text):
        raise ValueError("Enter a whole number")
    value = int(text)
    if value < low or (high is not None and value > high):
        raise ValueError(f"Must be between {low} and {high}" if high is not None else f"Must be at least {low}")
    return value


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


def model_errors(number: int, exc: ValidationError, record: dict, columns: dict[str, str]) -> list[RowError]:
    """A ValidationError from clean_establishment or full_clean, as row errors naming columns."""
    out = []
    for field_name, messages in exc.message_dict.items():
        column = columns.get(field_name, field_name)
        out.append(RowError(number, column, "; ".join(messages), record.get(column, "")))
    return out


_LIMITS = {f.name: f.max_length for f in Establishment._meta.concrete_fields if getattr(f, "max_length", None)}


def check_lengths(values: dict) -> None:
    """The record's length limits, without full_clean's cost (about 0.3 ms a row on a GIAS extract)."""
    errors = {f: f"Must be {limit} characters or fewer" for f, limit in _LIMITS.items()
              if isinstance(values.get(f), str) and len(values[f]) > limit}
    if errors:
        raise ValidationError(errors)


def _audit_entry(action: str, est: Establishment, *, before=None, after=None) -> log.Entry:
    return log.Entry(action=action, object_type=Establishment._meta.label_lower, object_id=str(est.pk),
                     before=before, after=after)


def _write(actor, creates: list[Establishment], updates: list[tuple[Establishment, dict, dict]], progress) -> None:
    """Bulk-create and bulk-update, auditing each record in the same batches."""
    progress.stage("Writing", len(creates) + len(updates))
    for start in range(0, len(creates), BATCH):
        batch = creates[start:start + BATCH]
        Establishment.objects.bulk_create(batch)
        log.record_many(actor=actor, entries=[_audit_entry("establishment.create", e, after=e.snapshot()) for e in batch])
        progress.advance(len(batch))
    now = timezone.now()
    for start in range(0, len(updates), BATCH):
        batch = updates[start:start + BATCH]
        fields = sorted({f for _, _, changed in batch for f in changed} | {"updated_at"})
        for est, _, _ in batch:
            est.updated_at = now
        Establishment.objects.bulk_update([est for est, _, _ in batch], fields)
        log.record_many(actor=actor, entries=[
            _audit_entry("establishment.update", est, before=before, after=changed) for est, before, changed in batch
        ])
        progress.advance(len(batch))


def _apply(est: Establishment, values: dict) -> tuple[dict, dict] | None:
    """Set the values that differ; (before, after) of those, or None when nothing changes."""
    changed = {f: v for f, v in values.items() if getattr(est, f) != v}
    if not changed:
        return None
    before = {f: getattr(est, f) for f in changed}
    for f, v in changed.items():
        setattr(est, f, v)
    return before, changed


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
    put("establishment_type", "TypeOfEstablishment (name)", required(lambda t: lookup(_TYPES, t, "type of establishment")))
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

    result = csvkit.ImportResult("establishments", source.path, total=checked.total, rejected=len(checked.bad),
                                 errors=checked.errors)
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
            change = _apply(est, values)
            if change is None:
                result.unchanged += 1
            else:
                updates.append((est, *change))
        result.created, result.updated = len(creates), len(updates)
        if adopted:
            result.notes.append(f"{len(adopted)} establishment(s) held without a URN were matched by name and LA and given one")
        _write(actor, creates, updates, progress)
        log.record(actor=actor, action="import.establishments", after=result.audit_summary(source))
    return result


# --------------------------------------------------------------------------------------------
# Section 41 list
# --------------------------------------------------------------------------------------------

S41_COLUMNS = csvkit.Columns(
    required=("Local authority", "Institution name", "Type", "Date"),
    aliases={
        "field2": "Local authority",
        "field3": "Institution name",
        "Institution trading name (1)": "Institution name",
        "Institution trading name": "Institution name",
        "Institution": "Institution name",
        "field5": "Type",
        "Independent special school / Special post-16 institution": "Type",
        "field6": "Date",
        "Date approved under section 41": "Date",
        "Date approved": "Date",
        "Date removed from list": "Date",
    },
)
# A row repeating one of these in the name column starts a new section of the list.
_SECTION_NAMES = {csvkit.normalise_header(h) for h in ("Institution trading name (1)", "Institution trading name",
                                                        "Institution name")}
S41_TYPES = {"independent special school": "SP_INDEPENDENT", "special post-16 institution": "SPECIALIST_POST16"}
_MONTHS = {m.casefold(): i for i, m in enumerate(calendar.month_abbr) if m} | {
    m.casefold(): i for i, m in enumerate(calendar.month_name) if m
}
_MONTHS["sept"] = 9


def parse_month(text: str) -> date:
    """'Aug-16', 'Aug 2016', 'August 2016' -> the first of that month; or a full date."""
    match = re.fullmatch(r"([A-Za-z]+)[\s\-/]*(\d{2}|\d{4})", text.strip())
    if match and match.group(1).casefold() in _MONTHS:
        year = int(match.group(2))
        return date(year + 2000 if year < 100 else year, _MONTHS[match.group(1).casefold()], 1)
    try:
        return parse_date(text)
    except ValueError:
        raise ValueError("Enter a month like Aug-16, or a date like 01/08/2016") from None


@dataclass
class S41Entry:
    row: int
    name: str
    la_name: str
    la: object
    type_code: str
    on: date
    removed: bool

    @property
    def key(self) -> tuple[str, str]:
        return name_key(self.name), self.la.code or self.la.name.casefold()

    def new_values(self) -> dict:
        """The establishment to create when none is held."""
        return {
            "name": self.name, "establishment_type": self.type_code,
            "phase": "POST16" if self.type_code == "SPECIALIST_POST16" else "NA",
            "la_code": self.la.code, "la_name": self.la.name, "is_open": True,
            "s41_approved": True, "s41_approved_on": self.on,
        }


def _s41_cleaner(initially_removed: bool):
    state = {"removed": initially_removed}

    def clean(number: int, rec: dict[str, str]):
        # The published list is typeset: no-break spaces, line breaks and soft hyphens (U+00AD, a hyphenation hint
        # that is never shown) sit inside names. They are layout, not part of the name.
        name, la_name = (re.sub(r"\s+", " ", rec[c].replace("\u00a0", " ").replace("\u00ad", "")).strip()
                         for c in ("Institution name", "Local authority"))
        if csvkit.normalise_header(rec["Institution name"]) in _SECTION_NAMES:
            state["removed"] = "removed" in rec["Date"].casefold()
            return csvkit.SKIP
        errors = []
        if not name:
            errors.append(RowError(number, "Institution name", "This is required", ""))
        if not la_name:
            errors.append(RowError(number, "Local authority", "This is required", ""))
        type_code = S41_TYPES.get(re.sub(r"\s+", " ", rec["Type"]).strip().casefold())
        if type_code is None:
            errors.append(RowError(number, "Type", "Must be 'Independent special school' or 'Special post-16 institution'",
                                   rec["Type"]))
        on = None
        try:
            on = parse_month(rec["Date"])
        except ValueError as exc:
            errors.append(RowError(number, "Date", str(exc) if rec["Date"] else "This is required", rec["Date"]))
        if errors:
            raise RowErrors(errors)
        entry = S41Entry(number, name, la_name, resolve_la(la_name), type_code, on, state["removed"])
        try:  # the record it would create must be valid too (a name too long, say)
            values = entry.new_values()
            clean_establishment(values)
            check_lengths(values)
        except ValidationError as exc:
            raise RowErrors(model_errors(number, exc, rec, {"name": "Institution name", "la_name": "Local authority",
                                                             "establishment_type": "Type", "s41_approved_on": "Date"}))
        return entry

    return clean


@service
def import_s41(*, actor, path, skip_invalid: bool = False, rejects_path=None, progress=None) -> csvkit.ImportResult:
    """Flag section 41 approval (with its date) from the DfE list, creating establishments not yet held."""
    require(actor, "establishments.change")
    progress = progress or csvkit.NoProgress()
    source = csvkit.read_csv(path, S41_COLUMNS)
    starts_removed = "removed" in source.label("Date").casefold()
    checked = csvkit.check_rows(source, _s41_cleaner(starts_removed), progress)
    label = source.label

    # The same institution twice in one part of the list is an error; once approved and once
    # removed, the later date decides.
    groups: dict[tuple, dict[bool, list[S41Entry]]] = {}
    for entry in checked.good.values():
        groups.setdefault(entry.key, {}).setdefault(entry.removed, []).append(entry)
    decided: dict[tuple, S41Entry] = {}
    superseded: list[S41Entry] = []
    for key, parts in groups.items():
        if any(len(entries) > 1 for entries in parts.values()):
            everyone = sorted((e for entries in parts.values() for e in entries), key=lambda e: e.row)
            rows = ", ".join(str(e.row) for e in everyone)
            for e in everyone:
                checked.reject(RowError(e.row, label("Institution name"),
                                        f"Listed more than once in this LA (rows {rows})", e.name))
            continue
        entries = sorted((es[0] for es in parts.values()), key=lambda e: (e.on, not e.removed))
        decided[key] = entries[-1]
        superseded.extend(entries[:-1])

    # Match to establishments held, by name and LA (an abolished LA matches its successors).
    by_name: dict[str, list[Establishment]] = {}
    for est in Establishment.objects.all().iterator(chunk_size=2000):
        by_name.setdefault(name_key(est.name), []).append(est)
    matched: dict[int, Establishment] = {}
    for key, entry in list(decided.items()):
        candidates = [e for e in by_name.get(key[0], []) if entry.la.holds(e.la_code, e.la_name)]
        if len(candidates) > 1:
            urns = ", ".join(str(c.urn or f"id {c.pk}") for c in candidates)
            checked.reject(RowError(entry.row, label("Institution name"),
                                    f"Matches {len(candidates)} establishments in this LA ({urns})", entry.name))
            del decided[key]
        elif candidates:
            matched[entry.row] = candidates[0]
    owners: dict[int, list[S41Entry]] = {}
    for entry in decided.values():
        if entry.row in matched:
            owners.setdefault(matched[entry.row].pk, []).append(entry)
    for entries in owners.values():
        if len(entries) > 1:
            rows = ", ".join(str(e.row) for e in entries)
            for e in entries:
                checked.reject(RowError(e.row, label("Institution name"),
                                        f"Rows {rows} match the same establishment", e.name))
                decided.pop(e.key, None)
    for e in superseded:
        if e.key not in decided:  # its group was rejected: reject it with the group
            checked.reject(RowError(e.row, label("Institution name"), "Rejected with the other row for this institution", e.name))

    result = csvkit.ImportResult("section 41", source.path, total=checked.total, rejected=len(checked.bad),
                                 errors=checked.errors)
    with csvkit.settle(source, checked, skip_invalid=skip_invalid, rejects_path=rejects_path) as rejects:
        result.rejects_path = rejects
        creates: list[Establishment] = []
        updates: list[tuple[Establishment, dict, dict]] = []
        not_held = withdrawn = 0
        for entry in sorted(decided.values(), key=lambda e: e.row):
            est = matched.get(entry.row)
            if entry.removed:
                if est is not None and est.s41_approved and (est.s41_approved_on is None or est.s41_approved_on <= entry.on):
                    updates.append((est, *_apply(est, {"s41_approved": False, "s41_approved_on": None})))
                    withdrawn += 1
                else:
                    not_held += est is None
                    result.unchanged += 1
                continue
            if est is None:
                creates.append(Establishment(**entry.new_values()))
                continue
            change = _apply(est, {"s41_approved": True, "s41_approved_on": entry.on})
            if change is None:
                result.unchanged += 1
            else:
                updates.append((est, *change))
        result.created, result.updated = len(creates), len(updates)
        if withdrawn:
            result.notes.append(f"{withdrawn} approval(s) withdrawn (listed as removed)")
        if not_held:
            result.notes.append(f"{not_held} removed institution(s) are not held here: nothing to do")
        kept = [e for e in superseded if e.key in decided]
        result.unchanged += len(kept)
        if kept:
            result.notes.append(f"{len(kept)} row(s) superseded by a later entry for the same institution")
        listed = {est.pk for est in matched.values()}
        others = Establishment.objects.filter(s41_approved=True).exclude(pk__in=listed).count()
        if others:
            result.notes.append(f"{others} establishment(s) approved here are not on this list (left as they are)")
        _write(actor, creates, updates, progress)
        log.record(actor=actor, action="import.s41", after=result.audit_summary(source))
    return result
