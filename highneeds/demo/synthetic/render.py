"""Generated arrays to database-ready columns, keyed by the Django field attnames.

Pure: the caller passes the first id of each table (`Ids`). Dates are ISO strings and JSON is
text, which SQLite and PostgreSQL (through Django's client-side binding) both accept. Only the
rows in [start, stop) are rendered, so a loader can stream a national run in batches.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from . import names
from .helpers import NONE, iso_dates
from .ids import nhs_strings, postcodes, upn_strings
from .shared import SharedEstablishments
from .tables import Council, Table
from .vocabulary import (
    CONTACTS,
    DETAILS,
    EVENT_TYPES,
    FLAGS,
    NEEDS,
    PLACEMENT_TYPES,
    REFERENCE_DATE,
    REQUEST_SOURCES,
    REQUEST_STATUSES,
)


@dataclass
class Ids:
    child: int = 1
    establishment: int = 1  # first id of this council's own establishments
    shared_establishment: int = 1  # first id of the shared establishments
    request: int = 1
    users: dict = field(default_factory=dict)  # "caseworker"/"manager"/"parent" -> user id
    shift_days: int = 0  # added to every date, birth dates included (see shift_days_for)


def shift_days_for(years: int) -> int:
    """Days that move every date forward by `years` (a multiple of 4) to the same calendar day.

    Any four years between 1901 and 2099 hold exactly one 29 February, so 1,461 days later is the
    same day of the same month: ages, school years and intervals are all kept.
    """
    if years % 4:
        raise ValueError("shift dates by a multiple of 4 years, so every date keeps its calendar day")
    return years // 4 * 1461


def shift_days_to(today) -> int:
    """Days that move census day (20 January 2022) to `today`, so the demo's open cases were received in
    the weeks before today, as a real council's are. Unlike `shift_days_for`, dates do not keep their
    calendar day: a child whose shifted birthday crosses 1 September lands one school year away from the
    generator's (about one child in eight when today is early December). A demo accepts that for a
    current-looking queue; calibration is checked on the generated arrays, before any shift."""
    return (today - REFERENCE_DATE).days


def _dates(days, shift: int) -> list:
    days = np.asarray(days, dtype=np.int64)
    return iso_dates(np.where(days == NONE, NONE, days + shift))


def _name(names_list, index: np.ndarray) -> np.ndarray:
    """Names by index; both lists are looked up for every row (np.where), so clamp to this list's length."""
    return np.asarray(names_list, dtype=object)[np.minimum(index, len(names_list) - 1)]


def _pick(values, index: np.ndarray) -> list:
    return np.asarray(values, dtype=object)[index].tolist()


def _nullable(values: np.ndarray) -> list:
    out = np.asarray(values).astype(object)
    out[np.asarray(values) == NONE] = None
    return out.tolist()


def _text(strings: np.ndarray) -> list:
    out = strings.astype(object)
    out[strings == ""] = None
    return out.tolist()


def establishments(table: Table, start: int, stop: int, first_id: int) -> dict[str, list]:
    c = table.columns
    rows = slice(start, stop)
    n = stop - start
    return {
        "id": list(range(first_id + start, first_id + stop)),
        "urn": [None if v == NONE else int(v) for v in c["urn"][rows]],
        "ukprn": [None if v == NONE else int(v) for v in c["ukprn"][rows]],
        "name": list(c["name"][rows]),
        "establishment_type": list(c["establishment_type"][rows]),
        "phase": list(c["phase"][rows]),
        "age_low": [int(v) for v in c["age_low"][rows]],
        "age_high": [int(v) for v in c["age_high"][rows]],
        "la_code": list(c["la_code"][rows]),
        "la_name": list(c["la_name"][rows]),
        "street": list(c["street"][rows]),
        "town": list(c["town"][rows]),
        "postcode": list(c["postcode"][rows]),
        "easting": [None] * n,
        "northing": [None] * n,
        "is_open": [True] * n,
        "has_sen_unit": [bool(v) for v in c["has_sen_unit"][rows]],
        "sen_unit_places": list(c["sen_unit_places"][rows]),
        "has_resourced_provision": [bool(v) for v in c["has_resourced_provision"][rows]],
        "resourced_provision_places": list(c["resourced_provision_places"][rows]),
        "designated_needs": [json.dumps(list(v)) for v in c["designated_needs"][rows]],
        "s41_approved": [bool(v) for v in c["s41_approved"][rows]],
        "s41_approved_on": iso_dates(np.asarray(c["s41_approved_on"][rows], dtype=np.int64)),
    }


def children(council: Council, start: int, stop: int, ids: Ids) -> dict[str, list]:
    c = {k: v[start:stop] for k, v in council.children.columns.items()}
    n = stop - start
    male = c["sex"] == 1
    first = np.where(male, _name(names.FIRST_NAMES_M, c["first"]), _name(names.FIRST_NAMES_F, c["first"]))
    lead = [
        ids.users.get(role) if role else None
        for role in np.asarray([None, "caseworker", "manager"], dtype=object)[c["lead"]]
    ]
    return {
        "id": list(range(ids.child + start, ids.child + stop)),
        "first_name": first.tolist(),
        "last_name": _pick(names.SURNAMES, c["last"]),
        "preferred_name": [""] * n,
        "date_of_birth": _dates(c["dob"], ids.shift_days),
        "sex": np.where(male, "M", "F").tolist(),
        "ethnicity": _pick(names.ETHNICITIES, c["ethnicity"]),
        "postcode": postcodes(c["pc_district"], c["pc_sector"], c["pc_unit"]).tolist(),
        "upn": _text(upn_strings(c["upn"])),
        "uln": [None] * n,
        "nhs_number": _text(nhs_strings(c["nhs"])),
        "responsible_la": [council.la_code] * n,
        "preferred_language": _pick(names.LANGUAGES, c["language"]),
        "preferred_contact": _pick(CONTACTS, c["contact"]),
        "ncy_override": [None] * n,
        "ncy_override_reason": [""] * n,
        "sen_status": np.where(c["status"] == 2, "E", np.where(c["status"] == 1, "K", "N")).tolist(),
        "lead_caseworker_id": lead,
    }


def parents(council: Council, start: int, stop: int, ids: Ids, parent_user_row: int | None = None) -> dict[str, list]:
    p = {k: v[start:stop] for k, v in council.parents.columns.items()}
    mother = p["mother"]
    first = np.where(mother, _name(names.ADULT_NAMES_F, p["first"]), _name(names.ADULT_NAMES_M, p["first"]))
    last = np.asarray(names.SURNAMES, dtype=object)[p["last"]]
    row_ids = np.arange(start, stop)
    email = [f"{f.lower()}.{s.lower()}{r % 1000}@example.com" for f, s, r in zip(first, last, row_ids, strict=True)]
    streets = [
        f"{names.STREET_STEMS[s % len(names.STREET_STEMS)]} {names.STREET_TYPES[s // len(names.STREET_STEMS)]}"
        for s in p["street"]
    ]
    child_pc = council.children.columns
    kids = p["child"]
    user = [None] * (stop - start)
    if parent_user_row is not None and start <= parent_user_row < stop:
        user[parent_user_row - start] = ids.users.get("parent")
    return {
        "child_id": (kids.astype(np.int64) + ids.child).tolist(),
        "first_name": first.tolist(),
        "last_name": last.tolist(),
        "relationship": _pick(names.RELATIONSHIPS, p["relationship"]),
        "parental_responsibility": [bool(v) for v in p["responsibility"]],
        "email": email,
        "phone": [f"07700 900{v:03d}" for v in p["phone"]],  # Ofcom's range reserved for drama
        "address": [f"{h} {s}, {names.PLACES[t]}" for h, s, t in zip(p["house"], streets, p["town"], strict=True)],
        "postcode": postcodes(
            child_pc["pc_district"][kids], child_pc["pc_sector"][kids], child_pc["pc_unit"][kids]
        ).tolist(),
        "preferred_contact": _pick(CONTACTS, p["contact"]),
        "preferred_language": _pick(names.LANGUAGES, p["language"]),
        "user_id": user,
    }


def sen_periods(council: Council, start: int, stop: int, ids: Ids) -> dict[str, list]:
    t = {k: v[start:stop] for k, v in council.sen_periods.columns.items()}
    return {
        "child_id": (t["child"].astype(np.int64) + ids.child).tolist(),
        "status": np.where(t["status"] == 2, "E", "K").tolist(),
        "start_date": _dates(t["start"], ids.shift_days),
        "end_date": _dates(t["end"], ids.shift_days),
    }


def needs(council: Council, start: int, stop: int, ids: Ids) -> dict[str, list]:
    t = {k: v[start:stop] for k, v in council.needs.columns.items()}
    return {
        "child_id": (t["child"].astype(np.int64) + ids.child).tolist(),
        "code": _pick(NEEDS, t["code"]),
        "rank": t["rank"].astype(int).tolist(),
        "recorded_on": _dates(t["recorded_on"], ids.shift_days),
    }


def flags(council: Council, start: int, stop: int, ids: Ids) -> dict[str, list]:
    t = {k: v[start:stop] for k, v in council.flags.columns.items()}
    flag = np.asarray(FLAGS, dtype=object)[t["flag"]]
    return {
        "child_id": (t["child"].astype(np.int64) + ids.child).tolist(),
        "flag": flag.tolist(),
        "start_date": _dates(t["start"], ids.shift_days),
        "end_date": _dates(t["end"], ids.shift_days),
        "responsible_la": np.where(flag == "LAC", council.la_code, "").tolist(),
        "note": [""] * (stop - start),
    }


def placements(council: Council, start: int, stop: int, ids: Ids) -> dict[str, list]:
    t = {k: v[start:stop] for k, v in council.placements.columns.items()}
    n_local = len(council.establishments)
    est = t["establishment"].astype(np.int64)
    est_id = np.where(est < n_local, est + ids.establishment, est - n_local + ids.shared_establishment)
    return {
        "child_id": (t["child"].astype(np.int64) + ids.child).tolist(),
        "establishment_id": est_id.tolist(),
        "placement_type": _pick(PLACEMENT_TYPES, t["placement_type"]),
        "start_date": _dates(t["start"], ids.shift_days),
        "end_date": _dates(t["end"], ids.shift_days),
    }


def requests(council: Council, start: int, stop: int, ids: Ids) -> dict[str, list]:
    t = {k: v[start:stop] for k, v in council.requests.columns.items()}
    worker = [
        ids.users.get(role) if role else None
        for role in np.asarray([None, "caseworker", "manager"], dtype=object)[t["caseworker"]]
    ]
    return {
        "id": list(range(ids.request + start, ids.request + stop)),
        "child_id": (t["child"].astype(np.int64) + ids.child).tolist(),
        "received_on": _dates(t["received_on"], ids.shift_days),
        "source": _pick(REQUEST_SOURCES, t["source"]),
        "status": _pick(REQUEST_STATUSES, t["status"]),
        "caseworker_id": worker,
        "closed_on": _dates(t["closed_on"], ids.shift_days),
    }


_DETAIL_JSON = [json.dumps(d, sort_keys=True) for d in DETAILS]


def events(council: Council, start: int, stop: int, ids: Ids) -> dict[str, list]:
    t = {k: v[start:stop] for k, v in council.events.columns.items()}
    request = t["request"].astype(np.int64)
    return {
        "child_id": (t["child"].astype(np.int64) + ids.child).tolist(),
        "request_id": _nullable(np.where(request == NONE, NONE, request + ids.request)),
        "event_type": _pick(EVENT_TYPES, t["event_type"]),
        "occurred_on": _dates(t["occurred_on"], ids.shift_days),
        "detail": _pick(_DETAIL_JSON, t["detail"]),
    }


def shared(shared_establishments: SharedEstablishments, start: int, stop: int, first_id: int) -> dict[str, list]:
    return establishments(shared_establishments.table, start, stop, first_id)
