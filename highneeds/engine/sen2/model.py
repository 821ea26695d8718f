"""The SEN2 return as plain data, and its XML (DOMAIN.md section 5; item names from community parsers citing
DfE's guides: verify against the current technical specification).

    Message > Header > CollectionDetails, Source
            > Persons > Person > Requests (one per request) > Assessment > NamedPlan > PlanDetail
                                                              > ActivePlans > PlacementDetail, SENneed

Each class lists its items once (`ITEMS`: XML name, attribute, kind), so writing and reading stay symmetric.
Dates are `YYYY-MM-DD`, flags `0`/`1`; an item with no value is left out, never invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime

from lxml import etree

DATE, FLAG, TEXT, INT = "date", "flag", "text", "int"


@dataclass
class PlacementDetail:
    urn: str = ""
    ukprn: str = ""
    sen_setting: str = ""
    sen_setting_other: str = ""
    rank: int | None = None
    entry_date: date | None = None
    leaving_date: date | None = None
    sen_unit: bool | None = None
    resourced: bool | None = None
    ITEMS = (
        ("URN", "urn", TEXT),
        ("UKPRN", "ukprn", TEXT),
        ("SENsetting", "sen_setting", TEXT),
        ("SENsettingOther", "sen_setting_other", TEXT),
        ("PlacementRank", "rank", INT),
        ("EntryDate", "entry_date", DATE),
        ("LeavingDate", "leaving_date", DATE),
        ("SENunitIndicator", "sen_unit", FLAG),
        ("ResourcedProvisionIndicator", "resourced", FLAG),
    )


@dataclass
class NamedPlan:
    start_date: date | None = None
    plan_res: str = ""
    plan_wpb: bool | None = None
    pb: bool | None = None
    oa: bool | None = None
    dp: bool | None = None
    cease_date: date | None = None
    cease_reason: str = ""
    details: list[PlacementDetail] = field(default_factory=list)
    ITEMS = (
        ("StartDate", "start_date", DATE),
        ("PlanRes", "plan_res", TEXT),
        ("PlanWPB", "plan_wpb", FLAG),
        ("PB", "pb", FLAG),
        ("OA", "oa", FLAG),
        ("DP", "dp", FLAG),
        ("CeaseDate", "cease_date", DATE),
        ("CeaseReason", "cease_reason", TEXT),
    )
    CHILDREN = (("PlanDetail", "details", PlacementDetail),)


@dataclass
class Assessment:
    outcome: str = ""
    outcome_date: date | None = None
    mediation: bool | None = None
    tribunal: bool | None = None
    other_mediation: bool | None = None
    other_tribunal: bool | None = None
    week20: bool | None = None
    plans: list[NamedPlan] = field(default_factory=list)
    ITEMS = (
        ("AssessmentOutcome", "outcome", TEXT),
        ("AssessmentOutcomeDate", "outcome_date", DATE),
        ("AssessmentMediation", "mediation", FLAG),
        ("AssessmentTribunal", "tribunal", FLAG),
        ("OtherMediation", "other_mediation", FLAG),
        ("OtherTribunal", "other_tribunal", FLAG),
        ("Week20", "week20", FLAG),
    )
    CHILDREN = (("NamedPlan", "plans", NamedPlan),)


@dataclass
class SENneed:
    code: str = ""
    rank: int | None = None
    ITEMS = (("SENtype", "code", TEXT), ("SENtypeRank", "rank", INT))


@dataclass
class ActivePlan:
    transfer_la: str = ""
    res: str = ""
    wpb: bool | None = None
    review_meeting: date | None = None
    review_outcome: str = ""
    last_review: date | None = None
    placements: list[PlacementDetail] = field(default_factory=list)
    needs: list[SENneed] = field(default_factory=list)
    ITEMS = (
        ("TransferLA", "transfer_la", TEXT),
        ("RES", "res", TEXT),
        ("WPB", "wpb", FLAG),
        ("ReviewMeeting", "review_meeting", DATE),
        ("ReviewOutcome", "review_outcome", TEXT),
        ("LastReview", "last_review", DATE),
    )
    CHILDREN = (("PlacementDetail", "placements", PlacementDetail), ("SENneed", "needs", SENneed))


@dataclass
class Request:
    received_date: date | None = None
    source: str = ""
    rya: bool | None = None
    outcome_date: date | None = None
    outcome: str = ""
    mediation: bool | None = None
    tribunal: bool | None = None
    exported: bool | None = None
    assessments: list[Assessment] = field(default_factory=list)
    active_plans: list[ActivePlan] = field(default_factory=list)
    ITEMS = (
        ("ReceivedDate", "received_date", DATE),
        ("RequestSource", "source", TEXT),
        ("RYA", "rya", FLAG),
        ("RequestOutcomeDate", "outcome_date", DATE),
        ("RequestOutcome", "outcome", TEXT),
        ("RequestMediation", "mediation", FLAG),
        ("RequestTribunal", "tribunal", FLAG),
        ("Exported", "exported", FLAG),
    )
    CHILDREN = (("Assessment", "assessments", Assessment), ("ActivePlans", "active_plans", ActivePlan))


@dataclass
class Person:
    surname: str = ""
    forename: str = ""
    birth_date: date | None = None
    sex: str = ""
    ethnicity: str = ""
    postcode: str = ""
    upn: str = ""
    uln: str = ""
    upn_unknown: str = ""
    requests: list[Request] = field(default_factory=list)
    ref: str = ""  # the case system's own key: never written to the return
    ITEMS = (
        ("Surname", "surname", TEXT),
        ("Forename", "forename", TEXT),
        ("PersonBirthDate", "birth_date", DATE),
        ("Sex", "sex", TEXT),
        ("Ethnicity", "ethnicity", TEXT),
        ("PostCode", "postcode", TEXT),
        ("UPN", "upn", TEXT),
        ("UniqueLearnerNumber", "uln", TEXT),
        ("UPNunknown", "upn_unknown", TEXT),
    )
    CHILDREN = (("Requests", "requests", Request),)


@dataclass
class Header:
    year: int
    reference_date: date
    la: str
    software: str = "highneeds"
    release: str = "1"
    serial: int = 1
    generated: datetime | None = None


@dataclass
class Return:
    header: Header
    persons: list[Person] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Writing


def _text(value, kind: str) -> str | None:
    if value is None or value == "":
        return None
    if kind == FLAG:
        return "1" if value else "0"
    if kind == DATE and not isinstance(value, str):  # a raw string is kept: tests write broken files with it
        return value.isoformat()
    return str(value)


def _write(parent, tag: str, obj) -> None:
    el = etree.SubElement(parent, tag)
    for name, attr, kind in obj.ITEMS:
        text = _text(getattr(obj, attr), kind)
        if text is not None:
            etree.SubElement(el, name).text = text
    for child_tag, attr, _cls in getattr(obj, "CHILDREN", ()):
        for child in getattr(obj, attr):
            _write(el, child_tag, child)


def header_element(header: Header):
    head = etree.Element("Header")
    details = etree.SubElement(head, "CollectionDetails")
    for name, value in (
        ("Collection", "SEN2"),
        ("Year", str(header.year)),
        ("ReferenceDate", header.reference_date.isoformat()),
    ):
        etree.SubElement(details, name).text = value
    source = etree.SubElement(head, "Source")
    generated = header.generated or datetime.now().replace(microsecond=0)
    for name, value in (
        ("SourceLevel", "L"),
        ("LEA", header.la),
        ("SoftwareCode", header.software),
        ("Release", header.release),
        ("SerialNo", str(header.serial)),
        ("DateTime", generated.isoformat()),
    ):
        etree.SubElement(source, name).text = value
    return head


def to_xml(ret: Return) -> bytes:
    root = etree.Element("Message")
    root.append(header_element(ret.header))
    persons = etree.SubElement(root, "Persons")
    for person in ret.persons:
        _write(persons, "Person", person)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ---------------------------------------------------------------------------------------------
# Reading (the tree comes from safexml.parse). Values that do not read are kept as None/""; the
# validator reports them, the importer refuses a file with errors.


def _value(text: str | None, kind: str):
    if text is None:
        return None if kind != TEXT else ""
    text = text.strip()
    try:
        if kind == DATE:
            return date.fromisoformat(text) if len(text) == 10 else None
        if kind == FLAG:
            return {"1": True, "0": False}.get(text)
        if kind == INT:
            return int(text)
    except ValueError:
        return None
    return text


def _read(el, cls):
    values = {}
    for name, attr, kind in cls.ITEMS:
        values[attr] = _value(el.findtext(name), kind)
    for child_tag, attr, child_cls in getattr(cls, "CHILDREN", ()):
        values[attr] = [_read(child, child_cls) for child in el.findall(child_tag)]
    obj = cls(**values)
    return obj


def read_header(root) -> Header:
    ref = _value(root.findtext("Header/CollectionDetails/ReferenceDate"), DATE)
    year = _value(root.findtext("Header/CollectionDetails/Year"), INT)
    return Header(
        year=year or 0,
        reference_date=ref,
        la=(root.findtext("Header/Source/LEA") or "").strip(),
        software=(root.findtext("Header/Source/SoftwareCode") or "").strip(),
    )


def from_tree(root) -> Return:
    return Return(header=read_header(root), persons=[_read(p, Person) for p in root.iterfind("Persons/Person")])


ALL_CLASSES = (Person, Request, Assessment, NamedPlan, PlacementDetail, ActivePlan, SENneed)
assert all({a for _, a, _ in c.ITEMS} <= {f.name for f in fields(c)} for c in ALL_CLASSES)
