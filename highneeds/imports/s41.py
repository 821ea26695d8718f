"""Establishments from the DfE section 41 list of approved independent special schools and
special post-16 institutions.

Rows are matched to establishments by name and LA, else created as independent special schools or
special post-16 institutions. The published list has sections: approved institutions, and
institutions removed from the list; a removal clears the approval unless the same list (or the
record) shows a later approval.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.establishments.models import Establishment
from highneeds.establishments.services import clean_establishment
from highneeds.people.validation import parse_date

from . import csvkit
from .csvkit import RowError, RowErrors
from .establishment_writes import apply_changes, check_lengths, model_errors, write_changes
from .names import name_key, resolve_la

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
_SECTION_NAMES = {
    csvkit.normalise_header(h) for h in ("Institution trading name (1)", "Institution trading name", "Institution name")
}
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
            "name": self.name,
            "establishment_type": self.type_code,
            "phase": "POST16" if self.type_code == "SPECIALIST_POST16" else "NA",
            "la_code": self.la.code,
            "la_name": self.la.name,
            "is_open": True,
            "s41_approved": True,
            "s41_approved_on": self.on,
        }


def _s41_cleaner(initially_removed: bool):
    state = {"removed": initially_removed}

    def clean(number: int, rec: dict[str, str]):
        # The published list is typeset: no-break spaces, line breaks and soft hyphens (U+00AD, a hyphenation hint
        # that is never shown) sit inside names. They are layout, not part of the name.
        name, la_name = (
            re.sub(r"\s+", " ", rec[c].replace("\u00a0", " ").replace("\u00ad", "")).strip()
            for c in ("Institution name", "Local authority")
        )
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
            errors.append(
                RowError(
                    number, "Type", "Must be 'Independent special school' or 'Special post-16 institution'", rec["Type"]
                )
            )
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
            raise RowErrors(
                model_errors(
                    number,
                    exc,
                    rec,
                    {
                        "name": "Institution name",
                        "la_name": "Local authority",
                        "establishment_type": "Type",
                        "s41_approved_on": "Date",
                    },
                )
            )
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
                checked.reject(
                    RowError(
                        e.row, label("Institution name"), f"Listed more than once in this LA (rows {rows})", e.name
                    )
                )
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
            checked.reject(
                RowError(
                    entry.row,
                    label("Institution name"),
                    f"Matches {len(candidates)} establishments in this LA ({urns})",
                    entry.name,
                )
            )
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
                checked.reject(
                    RowError(e.row, label("Institution name"), f"Rows {rows} match the same establishment", e.name)
                )
                decided.pop(e.key, None)
    for e in superseded:
        if e.key not in decided:  # its group was rejected: reject it with the group
            checked.reject(
                RowError(e.row, label("Institution name"), "Rejected with the other row for this institution", e.name)
            )

    result = csvkit.ImportResult(
        "section 41", source.path, total=checked.total, rejected=len(checked.bad), errors=checked.errors
    )
    with csvkit.settle(source, checked, skip_invalid=skip_invalid, rejects_path=rejects_path) as rejects:
        result.rejects_path = rejects
        creates: list[Establishment] = []
        updates: list[tuple[Establishment, dict, dict]] = []
        not_held = withdrawn = 0
        for entry in sorted(decided.values(), key=lambda e: e.row):
            est = matched.get(entry.row)
            if entry.removed:
                if (
                    est is not None
                    and est.s41_approved
                    and (est.s41_approved_on is None or est.s41_approved_on <= entry.on)
                ):
                    updates.append((est, *apply_changes(est, {"s41_approved": False, "s41_approved_on": None})))
                    withdrawn += 1
                else:
                    not_held += est is None
                    result.unchanged += 1
                continue
            if est is None:
                creates.append(Establishment(**entry.new_values()))
                continue
            change = apply_changes(est, {"s41_approved": True, "s41_approved_on": entry.on})
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
        write_changes(actor, creates, updates, progress)
        log.record(actor=actor, action="import.s41", after=result.audit_summary(source))
    return result
