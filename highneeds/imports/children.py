"""Children and young people from a CSV whose columns are the fields of a child's record.

Each row is checked with the same rules as the forms and the API (`clean_child`, `check_needs`),
then against the rest of the file and the children already held: a UPN, ULN or NHS number, or a
name with a date of birth, may appear only once. Children are created in batches, each child
audited as a `child.import` event, with their SEN status, ranked needs and current setting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.engine import codes
from highneeds.establishments.models import Establishment
from highneeds.people.models import Child, ChildNeed, Placement, SenStatusPeriod
from highneeds.people.validation import check_needs, clean_child, parse_date

from . import csvkit
from .csvkit import RowError, RowErrors

BATCH = 500

CHILD_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "postcode",
    "upn",
    "uln",
    "nhs_number",
    "responsible_la",
    "preferred_language",
    "preferred_contact",
    "ncy_override",
    "ncy_override_reason",
)
REQUIRED = ("first_name", "last_name", "date_of_birth", "sex", "responsible_la")

CHILDREN_COLUMNS = csvkit.Columns(
    required=REQUIRED,
    optional=(
        *(f for f in CHILD_FIELDS if f not in REQUIRED),
        "sen_status",
        "sen_status_start_date",
        "primary_need",
        "secondary_need",
        "needs",
        "current_setting_urn",
        "setting_start_date",
    ),
    aliases={"dob": "date_of_birth", "setting_urn": "current_setting_urn"},
)
IDENTIFIERS = (("upn", "UPN"), ("uln", "ULN"), ("nhs_number", "NHS number"))


@dataclass
class NewChild:
    row: int
    data: dict
    sen_status: str = "N"
    sen_status_start: date | None = None
    needs: list[str] = field(default_factory=list)
    setting: Establishment | None = None
    setting_start: date | None = None

    @property
    def name_key(self) -> tuple[str, str, date]:
        return self.data["first_name"].casefold(), self.data["last_name"].casefold(), self.data["date_of_birth"]


def _cleaner(settings_by_urn: dict[int, Establishment], today: date):
    def clean(number: int, rec: dict[str, str]) -> NewChild:
        errors: list[RowError] = []

        def fail(column, message):
            errors.append(RowError(number, column, message, rec.get(column, "")))

        # Blank optional cells are left out, so the record's defaults apply (ethnicity NOBT...).
        data = {f: rec[f] for f in CHILD_FIELDS if f in rec and (rec[f] or f in REQUIRED)}
        try:
            cleaned = clean_child(data, today=today)
        except ValidationError as exc:
            cleaned = {}
            for column, messages in exc.message_dict.items():
                fail(column, "; ".join(messages))

        status = (rec.get("sen_status") or "N").upper()
        if status not in codes.SEN_STATUS:
            fail("sen_status", f"{status} is not an SEN status: use N, K (SEN support) or E (EHC plan)")
            status = None

        needs = []
        if rec.get("needs") and (rec.get("primary_need") or rec.get("secondary_need")):
            fail("needs", "Give needs either in 'needs' or in 'primary_need' and 'secondary_need', not both")
        elif rec.get("needs"):
            needs = [n.strip().upper() for n in re.split(r"[;,|]", rec["needs"]) if n.strip()]
            unknown = [n for n in needs if n not in codes.NEED_CODES]
            if unknown:
                fail("needs", f"Unknown need code {', '.join(unknown)}")
        else:
            if rec.get("secondary_need") and not rec.get("primary_need"):
                fail("primary_need", "A secondary need needs a primary need")
            for column in ("primary_need", "secondary_need"):
                code = (rec.get(column) or "").strip().upper()
                if not code:
                    continue
                if code in needs:
                    fail(column, "This is the primary need already: each need can be ranked only once")
                elif code not in codes.NEED_CODES:
                    fail(column, f"{code} is not a need code")
                needs.append(code)
        need_errors = any(e.field in ("needs", "primary_need", "secondary_need") for e in errors)
        if needs and status and not need_errors:
            try:
                needs = check_needs(needs, status)
            except ValidationError as exc:
                # Name the column holding the code at fault (NSA), else the first need column.
                column = (
                    "needs"
                    if rec.get("needs")
                    else next(
                        (c for c in ("primary_need", "secondary_need") if (rec.get(c) or "").strip().upper() == "NSA"),
                        "primary_need",
                    )
                )
                for messages in exc.message_dict.values():
                    fail(column, "; ".join(messages))

        def when(column, default):
            text = rec.get(column) or ""
            if not text:
                return default
            try:
                value = parse_date(text)
            except ValueError as exc:
                fail(column, str(exc))
                return None
            if value > today:
                fail(column, "This date is in the future")
            elif cleaned.get("date_of_birth") and value < cleaned["date_of_birth"]:
                fail(column, "This date is before the date of birth")
            return value

        status_start = when("sen_status_start_date", today) if status not in (None, "N") else None
        setting, setting_start = None, None
        urn_text = rec.get("current_setting_urn") or ""
        if urn_text:
            setting = settings_by_urn.get(int(urn_text)) if urn_text.isdecimal() else None
            if not urn_text.isdecimal():
                fail("current_setting_urn", "A URN is a number, like 100000")
            elif setting is None:
                fail("current_setting_urn", "No establishment with this URN is held: import establishments first")
            elif not setting.is_open:
                fail("current_setting_urn", f"{setting.name} is closed")
            setting_start = when("setting_start_date", today)

        try:  # the record's own limits (field lengths...) for the fields that cleaned well
            unchecked = [f.name for f in Child._meta.fields if f.name not in cleaned]
            Child(**cleaned).full_clean(exclude=unchecked, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for column, messages in exc.message_dict.items():
                fail(column, "; ".join(messages))
        if errors:
            raise RowErrors(errors)
        return NewChild(number, cleaned, status, status_start, needs, setting, setting_start)

    return clean


def _check_against_file_and_records(source: csvkit.CsvFile, checked: csvkit.Checked) -> None:
    label = source.label
    for key, what in IDENTIFIERS:
        csvkit.flag_repeats(checked, {row: c.data.get(key) for row, c in checked.good.items()}, label(key), what)
    csvkit.flag_repeats(
        checked, {row: c.name_key for row, c in checked.good.items()}, label("first_name"), "name and date of birth"
    )
    # Read the clash queries in chunks: SQLite limits how many values one query may take.
    for key, what in IDENTIFIERS:
        values = {c.data[key]: row for row, c in checked.good.items() if c.data.get(key)}
        keys = list(values)
        for start in range(0, len(keys), 5000):
            for value, pk in Child.objects.filter(**{f"{key}__in": keys[start : start + 5000]}).values_list(key, "pk"):
                checked.reject(
                    RowError(
                        values[value], label(key), f"A child with this {what} is already recorded (child {pk})", value
                    )
                )
    wanted: dict[tuple, int] = {c.name_key: row for row, c in checked.good.items()}
    births = sorted({k[2] for k in wanted})
    for start in range(0, len(births), 5000):
        held = Child.objects.filter(date_of_birth__in=births[start : start + 5000]).values_list(
            "first_name", "last_name", "date_of_birth", "pk"
        )
        for first, last, born, pk in held:
            row = wanted.get((first.casefold(), last.casefold(), born))
            if row is not None and row in checked.good:
                checked.reject(
                    RowError(
                        row,
                        label("first_name"),
                        f"A child with this name and date of birth is already recorded (child {pk})",
                        checked.good[row].data["first_name"],
                    )
                )


@service
def import_children(
    *, actor, path, skip_invalid: bool = False, rejects_path=None, progress=None, today: date | None = None
) -> csvkit.ImportResult:
    """Create children from a CSV; all-or-nothing unless skip_invalid."""
    require(actor, "people.import_children")
    progress = progress or csvkit.NoProgress()
    today = today or date.today()
    source = csvkit.read_csv(path, CHILDREN_COLUMNS)
    settings_by_urn = {}
    if source.has("current_setting_urn"):
        settings_by_urn = {
            e.urn: e for e in Establishment.objects.filter(urn__isnull=False).only("pk", "urn", "name", "is_open")
        }
    checked = csvkit.check_rows(source, _cleaner(settings_by_urn, today), progress)
    _check_against_file_and_records(source, checked)

    result = csvkit.ImportResult(
        "children", source.path, total=checked.total, rejected=len(checked.bad), errors=checked.errors
    )
    with csvkit.settle(source, checked, skip_invalid=skip_invalid, rejects_path=rejects_path) as rejects:
        result.rejects_path = rejects
        rows = [checked.good[r] for r in sorted(checked.good)]
        progress.stage("Writing", len(rows))
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            children = Child.objects.bulk_create([Child(**c.data, sen_status=c.sen_status) for c in batch])
            periods, needs, placements, entries = [], [], [], []
            for new, child in zip(batch, children, strict=True):
                if new.sen_status != "N":
                    periods.append(SenStatusPeriod(child=child, status=new.sen_status, start_date=new.sen_status_start))
                needs.extend(
                    ChildNeed(child=child, code=code, rank=rank, recorded_on=today)
                    for rank, code in enumerate(new.needs, 1)
                )
                if new.setting is not None:
                    placements.append(
                        Placement(
                            child=child,
                            establishment=new.setting,
                            placement_type="ON_ROLL",
                            start_date=new.setting_start,
                        )
                    )
                entries.append(
                    log.Entry(
                        action="child.import",
                        object_type=Child._meta.label_lower,
                        object_id=str(child.pk),
                        child_id=child.pk,
                        after={
                            **child.snapshot(),
                            "needs": new.needs,
                            "sen_status_from": new.sen_status_start,
                            "setting_urn": new.setting.urn if new.setting else None,
                            "setting_from": new.setting_start,
                            "source_row": new.row,
                        },
                    )
                )
            SenStatusPeriod.objects.bulk_create(periods)
            ChildNeed.objects.bulk_create(needs)
            Placement.objects.bulk_create(placements)
            log.record_many(actor=actor, entries=entries)
            progress.advance(len(batch))
        result.created = len(rows)
        log.record(actor=actor, action="import.children", after=result.audit_summary(source))
    return result
