"""GIAS code lists and columns: how the Get Information about Schools extract's names map to our establishment
types, phases, status, resourced provision and needs (used by `gias`)."""

from __future__ import annotations

from highneeds.engine import codes

from . import csvkit

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
