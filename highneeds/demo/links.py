"""Choosing who the demo users are linked to: deterministic picks among a generated council's arrays."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from highneeds.demo.synthetic import Council
from highneeds.demo.synthetic.helpers import NONE
from highneeds.demo.synthetic.vocabulary import REQUEST_STATUSES


def _age_today(dob_days: np.ndarray, shift_days: int = 0) -> np.ndarray:
    today = date.today()
    days = dob_days.astype(np.int64) + shift_days
    dates = (np.datetime64("1970-01-01") + days.astype("timedelta64[D]")).astype(object)
    return np.array([today.year - d.year - ((today.month, today.day) < (d.month, d.day)) for d in dates])


@dataclass
class Links:
    senco_establishment: int | None = None  # local establishment index
    parent_row: int | None = None  # parents table row
    young_person: int | None = None  # child index
    professional: list = field(default_factory=list)  # child indices
    panel: list = field(default_factory=list)


def choose_links(council: Council, shift_days: int = 0) -> Links:
    """Deterministic choices among the generated arrays, so the demo users see sensible records."""
    links = Links()
    c = council.children.columns
    p = council.placements.columns
    est = council.establishments.columns
    n_local = len(council.establishments)
    current = (p["end"] == NONE) & (p["establishment"] < n_local)
    local = p["establishment"][current].astype(np.int64)
    est_type = np.asarray(est["establishment_type"], dtype=object)
    in_area = np.asarray(est["la_code"], dtype=object) == council.la_code
    primary = np.asarray(est["phase"], dtype=object) == "PRIMARY"
    mainstream = np.isin(est_type, ["MS_LA", "MS_ACADEMY", "MS_FREE"])
    eligible = mainstream & in_area & primary
    counts = np.bincount(local, minlength=n_local) * eligible
    if counts.any():
        links.senco_establishment = int(np.argmax(counts))
    status = c["status"]
    children_here = (
        p["child"][current][local == links.senco_establishment]
        if links.senco_establishment is not None
        else np.zeros(0, dtype=np.int64)
    )
    parents = council.parents.columns
    n = len(council.children)
    # parents rows 0..n-1 are each child's first parent; prefer a child with a plan at the SENCO's school
    candidates = [int(k) for k in children_here if status[k] == 2] + [int(k) for k in np.flatnonzero(status == 2)]
    for k in candidates:
        if k < n and bool(parents["responsibility"][k]):
            links.parent_row = k
            break
    ages = _age_today(c["dob"], shift_days)
    adults = np.flatnonzero((status == 2) & (ages >= 16) & (ages <= 19))
    if not len(adults):
        adults = np.flatnonzero((status == 2) & (ages >= 16) & (ages <= 25))
    if len(adults):
        links.young_person = int(adults[0])
    requests = council.requests.columns
    for status_name, target in (("assess", links.professional), ("pending", links.panel)):
        rows = np.flatnonzero(requests["status"] == REQUEST_STATUSES.index(status_name))
        target.extend(dict.fromkeys(int(k) for k in requests["child"][rows]))
        del target[5:]
    if not links.professional:
        links.professional.extend(int(k) for k in np.flatnonzero(status == 2)[:3])
    if not links.panel:
        links.panel.extend(int(k) for k in np.flatnonzero(status == 2)[3:6])
    return links
