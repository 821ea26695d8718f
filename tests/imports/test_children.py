"""Children import: the same rules as the forms, duplicates, all-or-nothing, skip-invalid, a property test."""

from __future__ import annotations

import tempfile
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from highneeds.accounts.roles import SYSTEM, Role
from highneeds.audit import log
from highneeds.audit.models import AuditEvent
from highneeds.imports import csvkit
from highneeds.imports.children import import_children
from highneeds.people.models import Child, ChildNeed

from .conftest import counts, read_csv, valid_nhs, valid_uln, valid_upn, write_csv

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 1)
HEADER = [
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "postcode",
    "upn",
    "uln",
    "nhs_number",
    "responsible_la",
    "sen_status",
    "primary_need",
    "secondary_need",
    "current_setting_urn",
]


def child_row(n: int, **changes) -> dict:
    row = {
        "first_name": f"Testkid{n}",
        "last_name": f"Samplefield{n}",
        "date_of_birth": "2014-05-03",
        "sex": "F",
        "ethnicity": "WBRI",
        "postcode": "ex1 2ab",
        "upn": valid_upn(n),
        "uln": "",
        "nhs_number": "",
        "responsible_la": "999",
        "sen_status": "E",
        "primary_need": "ASD",
        "secondary_need": "SLCN",
        "current_setting_urn": "",
    }
    row.update(changes)
    return row


def write_children(tmp_path: Path, rows: list[dict], *, name="children.csv", header=HEADER, encoding="utf-8-sig"):
    return write_csv(tmp_path / name, list(header), [[r.get(h, "") for h in header] for r in rows], encoding=encoding)


def test_children_are_created_with_status_needs_setting_and_an_audit_event_each(tmp_path, make_establishment):
    school = make_establishment(urn=880101)
    rows = [
        child_row(1, current_setting_urn="880101", uln=valid_uln(1), nhs_number=valid_nhs(1)),
        child_row(2, sen_status="K", primary_need="nsa", secondary_need="", date_of_birth="27/09/2012"),
        child_row(3, sen_status="", primary_need="", secondary_need="", ethnicity="", postcode="", upn=""),
    ]
    before = AuditEvent.objects.count()
    result = import_children(actor=SYSTEM, path=write_children(tmp_path, rows), today=TODAY)
    assert (result.total, result.created, result.rejected) == (3, 3, 0)

    one = Child.objects.get(last_name="Samplefield1")
    assert (one.sen_status, one.postcode, one.upn) == ("E", "EX1 2AB", valid_upn(1))
    assert list(one.needs.values_list("code", "rank")) == [("ASD", 1), ("SLCN", 2)]
    assert one.sen_periods.get().start_date == TODAY
    assert one.placements.get().establishment == school
    two = Child.objects.get(last_name="Samplefield2")
    assert (two.date_of_birth, two.sen_status, list(two.needs.values_list("code", flat=True))) == (
        date(2012, 9, 27),
        "K",
        ["NSA"],
    )
    three = Child.objects.get(last_name="Samplefield3")
    assert (three.sen_status, three.ethnicity, three.upn, three.needs.count()) == ("N", "NOBT", None, 0)

    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    imported = [e for e in events if e.action == "child.import"]
    assert sorted(e.child_id for e in imported) == sorted(Child.objects.values_list("pk", flat=True))
    assert imported[0].after["needs"] == ["ASD", "SLCN"] and imported[0].after["setting_urn"] == 880101
    assert events[-1].action == "import.children" and events[-1].after["created"] == 3
    assert "Samplefield" not in str(events[-1].after)  # the summary holds counts, not personal data
    assert log.verify().ok


BAD_CHILD_CELLS = [
    # (column, bad value, words in the message)
    ("first_name", "", "This is required"),
    ("last_name", "Smith\u2067", "text-direction"),
    ("date_of_birth", "2014-02-30", "not a real date"),
    ("date_of_birth", "3rd May", "Enter a date like"),
    ("date_of_birth", "2030-01-01", "in the past"),
    ("date_of_birth", "1990-01-01", "aged 0 to 25"),
    ("sex", "X", "not a sex code"),
    ("ethnicity", "ZZZZ", "not a DfE ethnicity code"),
    ("postcode", "NOWHERE", "full UK postcode"),
    ("upn", "A12345678901X", "UPN"),
    ("uln", "1234567890", "ULN"),
    ("nhs_number", "1234567890", "modulus 11"),
    ("responsible_la", "99", "3-digit LA number"),
    ("sen_status", "Q", "not an SEN status"),
    ("primary_need", "DYS", "not a need code"),
    ("secondary_need", "ASD", "only once"),
    ("current_setting_urn", "123456", "No establishment with this URN"),
    ("current_setting_urn", "12x", "A URN is a number"),
]


@pytest.mark.parametrize("column, value, message", BAD_CHILD_CELLS)
def test_each_kind_of_bad_child_cell_names_row_field_and_value(tmp_path, column, value, message):
    rows = [child_row(1), child_row(2), child_row(3, **{column: value})]
    with pytest.raises(csvkit.ImportRefused) as err:
        import_children(actor=SYSTEM, path=write_children(tmp_path, rows), today=TODAY)
    [error] = err.value.errors
    assert (error.row, error.field, error.value) == (4, column, value)
    assert message in error.message


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            {"sen_status": "E", "primary_need": "NSA", "secondary_need": ""},
            "primary_need",
            "only be used for a child on SEN support",
        ),
        ({"sen_status": "N"}, "primary_need", "Record an SEN status before recording needs"),
        ({"primary_need": "", "secondary_need": "ASD"}, "primary_need", "A secondary need needs a primary need"),
    ],
)
def test_needs_are_checked_against_the_sen_status(tmp_path, changes, field, message):
    with pytest.raises(csvkit.ImportRefused) as err:
        import_children(actor=SYSTEM, path=write_children(tmp_path, [child_row(1, **changes)]), today=TODAY)
    [error] = err.value.errors
    assert (error.row, error.field) == (2, field) and message in error.message


def test_a_needs_column_ranks_needs_in_order(tmp_path):
    header = [h for h in HEADER if h not in ("primary_need", "secondary_need")] + ["needs"]
    rows = [child_row(1, needs="SEMH; asd;SLCN"), child_row(2, needs="ASD;ASD"), child_row(3, needs="ASD;XX")]
    with pytest.raises(csvkit.ImportRefused) as err:
        import_children(actor=SYSTEM, path=write_children(tmp_path, rows, header=header), today=TODAY)
    assert [(e.row, e.field) for e in err.value.errors] == [(3, "needs"), (4, "needs")]
    assert "XX" in err.value.errors[1].message
    import_children(actor=SYSTEM, path=write_children(tmp_path, rows[:1], header=header), today=TODAY)
    assert list(Child.objects.get().needs.values_list("code", flat=True)) == ["SEMH", "ASD", "SLCN"]


def test_a_closed_setting_is_refused(tmp_path, make_establishment):
    make_establishment(urn=880102, is_open=False)
    with pytest.raises(csvkit.ImportRefused) as err:
        import_children(
            actor=SYSTEM, path=write_children(tmp_path, [child_row(1, current_setting_urn="880102")]), today=TODAY
        )
    assert err.value.errors[0].field == "current_setting_urn" and "is closed" in err.value.errors[0].message


def test_several_bad_fields_in_one_row_are_all_reported(tmp_path):
    rows = [child_row(1, sex="X", upn="A12345678901X", responsible_la="1", primary_need="DYS")]
    with pytest.raises(csvkit.ImportRefused) as err:
        import_children(actor=SYSTEM, path=write_children(tmp_path, rows), today=TODAY)
    assert [e.field for e in err.value.errors] == ["sex", "upn", "responsible_la", "primary_need"]


def test_duplicates_in_the_file_reject_every_row_involved(tmp_path):
    same_upn = valid_upn(50)
    rows = [
        child_row(1, upn=same_upn),
        child_row(2),
        child_row(3, upn=same_upn),
        child_row(4, uln=valid_uln(4)),
        child_row(5, uln=valid_uln(4)),
        child_row(6, nhs_number=valid_nhs(6)),
        child_row(7, nhs_number=valid_nhs(6)),
        child_row(8, first_name="Ann", last_name="Twin"),
        child_row(9, first_name="ann", last_name="TWIN"),
    ]
    with pytest.raises(csvkit.ImportRefused) as err:
        import_children(actor=SYSTEM, path=write_children(tmp_path, rows), today=TODAY)
    assert [(e.row, e.field) for e in err.value.errors] == [
        (2, "upn"),
        (4, "upn"),
        (5, "uln"),
        (6, "uln"),
        (7, "nhs_number"),
        (8, "nhs_number"),
        (9, "first_name"),
        (10, "first_name"),
    ]
    assert "The same UPN is on rows 2, 4" in err.value.errors[0].message


def test_clashes_with_children_already_held_are_row_errors(tmp_path, make_child):
    held = make_child(
        upn=valid_upn(60),
        uln=valid_uln(60),
        nhs_number=valid_nhs(60),
        first_name="Held",
        last_name="Already",
        dob=date(2013, 1, 2),
    )
    rows = [
        child_row(1, upn=valid_upn(60)),
        child_row(2, uln=valid_uln(60)),
        child_row(3, nhs_number=valid_nhs(60)),
        child_row(4, first_name="HELD", last_name="already", date_of_birth="02/01/2013"),
        child_row(5),
    ]
    with pytest.raises(csvkit.ImportRefused) as err:
        import_children(actor=SYSTEM, path=write_children(tmp_path, rows), today=TODAY)
    assert [(e.row, e.field) for e in err.value.errors] == [
        (2, "upn"),
        (3, "uln"),
        (4, "nhs_number"),
        (5, "first_name"),
    ]
    assert all(f"(child {held.pk})" in e.message for e in err.value.errors)


@pytest.mark.parametrize(
    "header, expected",
    [
        (["first_name", "last_name", "date_of_birth", "sex"], "Missing required column(s): 'responsible_la'"),
        ([*HEADER, "favourite_colour"], "Unknown column(s) 'favourite_colour'"),
        ([*HEADER[:-1], "curent_setting_urn"], "did you mean 'current_setting_urn'?"),
    ],
)
def test_column_problems_are_named_before_any_row_is_read(tmp_path, header, expected):
    with pytest.raises(csvkit.FileRejected) as err:
        import_children(actor=SYSTEM, path=write_children(tmp_path, [child_row(1)], header=header), today=TODAY)
    assert expected in "\n".join(err.value.report())


def test_windows_1252_files_are_read(tmp_path):
    path = write_children(tmp_path, [child_row(1, first_name="Zoë", last_name="O\u2019Neill")], encoding="cp1252")
    import_children(actor=SYSTEM, path=path, today=TODAY)
    assert Child.objects.get().full_name == "Zoë O\u2019Neill"


def test_all_or_nothing_leaves_the_database_untouched(tmp_path, make_child):
    make_child()
    before = counts()
    rows = [child_row(n) for n in range(1, 30)] + [child_row(30, sex="X")]
    with pytest.raises(csvkit.ImportRefused):
        import_children(actor=SYSTEM, path=write_children(tmp_path, rows), today=TODAY)
    assert counts() == before


def test_skip_invalid_imports_good_rows_and_writes_exactly_the_bad_ones(tmp_path):
    rows = [child_row(1), child_row(2, sex="X"), child_row(3), child_row(4, date_of_birth="tomorrow", sex="Q")]
    path = write_children(tmp_path, rows)
    result = import_children(actor=SYSTEM, path=path, skip_invalid=True, rejects_path=tmp_path / "rej.csv", today=TODAY)
    assert (result.created, result.rejected, result.total) == (2, 2, 4)
    assert set(Child.objects.values_list("last_name", flat=True)) == {"Samplefield1", "Samplefield3"}
    written = read_csv(tmp_path / "rej.csv")
    assert written[0] == [*HEADER, "errors"]
    assert [r[1] for r in written[1:]] == ["Samplefield2", "Samplefield4"]
    assert written[2][-1] == ("date_of_birth: Enter a date like 2014-09-27 or 27/09/2014 | sex: Q is not a sex code")
    assert AuditEvent.objects.get(action="import.children").after["rejected_rows"] == [3, 5]

    # Corrected, the rejects file imports as it is (its errors column is ignored).
    fixed = [r[:-1] + [r[-1]] for r in written[1:]]
    fixed[0][HEADER.index("sex")] = "M"
    fixed[1][HEADER.index("sex")] = "F"
    fixed[1][HEADER.index("date_of_birth")] = "2015-01-01"
    again = import_children(actor=SYSTEM, path=write_csv(tmp_path / "fixed.csv", written[0], fixed), today=TODAY)
    assert again.created == 2 and Child.objects.count() == 4


def test_a_database_error_midway_rolls_back_everything(tmp_path, monkeypatch, make_child):
    make_child()
    before = counts()
    calls = {"n": 0}
    real = ChildNeed.objects.bulk_create

    def failing(objs, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("connection lost")
        return real(objs, *args, **kwargs)

    monkeypatch.setattr("highneeds.imports.children.BATCH", 4)
    monkeypatch.setattr(ChildNeed.objects, "bulk_create", failing)
    rows = [child_row(n) for n in range(1, 12)] + [child_row(12, sex="X")]
    with pytest.raises(RuntimeError, match="connection lost"):
        import_children(
            actor=SYSTEM,
            path=write_children(tmp_path, rows),
            skip_invalid=True,
            rejects_path=tmp_path / "r.csv",
            today=TODAY,
        )
    assert calls["n"] == 3
    assert counts() == before
    assert not (tmp_path / "r.csv").exists()


def test_importing_children_needs_the_import_permission(tmp_path, make_user):
    path = write_children(tmp_path, [child_row(1)])
    with pytest.raises(PermissionDenied):
        import_children(actor=make_user(Role.CASEWORKER), path=path, today=TODAY)
    assert import_children(actor=make_user(Role.MANAGER), path=path, today=TODAY).created == 1


def test_import_children_command(tmp_path):
    good = write_children(tmp_path, [child_row(1), child_row(2)], name="good.csv")
    out, err = StringIO(), StringIO()
    call_command("import-children", str(good), "--no-progress", stdout=out, stderr=err)
    assert "created 2, updated 0, unchanged 0, rejected 0" in out.getvalue()

    bad = write_children(tmp_path, [child_row(3), child_row(4, upn="A12345678901X")], name="bad.csv")
    with pytest.raises(CommandError) as exc:
        call_command("import-children", str(bad), "--no-progress", stdout=out, stderr=err)
    assert exc.value.returncode == 1
    assert "row 3, upn: " in err.getvalue()
    assert Child.objects.count() == 2


def test_progress_bar_is_drawn_on_stderr(tmp_path):
    from highneeds.imports.cli import RichProgress

    stream = StringIO()
    progress = RichProgress(stream, force_terminal=True)
    with progress:
        import_children(
            actor=SYSTEM,
            path=write_children(tmp_path, [child_row(n) for n in range(1, 6)]),
            progress=progress,
            today=TODAY,
        )
    assert "Checking rows" in stream.getvalue() and "Writing" in stream.getvalue()


# --------------------------------------------------------------------------------------------
# Property: under --skip-invalid, imported + rejected = total and the database holds exactly the good rows
# --------------------------------------------------------------------------------------------

BAD_KINDS = {
    "no_name": {"first_name": ""},
    "bad_upn": {"upn": "A12345678901X"},
    "bad_date": {"date_of_birth": "31/02/2014"},
    "bad_sex": {"sex": "Z"},
    "bad_need": {"primary_need": "XYZ"},
    "nsa_with_plan": {"primary_need": "NSA", "secondary_need": ""},
    "bad_la": {"responsible_la": "ABC"},
    "too_many_cells": {"extra": True},
}
KINDS = ["good", *BAD_KINDS, "same_upn_as_previous"]


@pytest.mark.django_db(transaction=False)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=25))
def test_property_skip_invalid_imports_exactly_the_good_rows(kinds):
    rows, expected_good, expected_bad = [], set(), set()
    for i, kind in enumerate(kinds):
        row = child_row(1000 + i)
        if kind in BAD_KINDS:
            row.update(BAD_KINDS[kind])
            expected_bad.add(row["last_name"])
        elif kind == "same_upn_as_previous" and rows and rows[-1]["upn"] and valid(rows[-1]):
            row["upn"] = rows[-1]["upn"]
            expected_good.discard(rows[-1]["last_name"])
            expected_bad |= {rows[-1]["last_name"], row["last_name"]}
        else:
            expected_good.add(row["last_name"])
        rows.append(row)

    with tempfile.TemporaryDirectory() as folder, transaction.atomic():
        folder = Path(folder)
        cells = [[r.get(h, "") for h in HEADER] + (["surplus"] if r.get("extra") else []) for r in rows]
        path = write_csv(folder / "kids.csv", HEADER, cells)
        before = Child.objects.count()
        result = import_children(
            actor=SYSTEM, path=path, skip_invalid=True, rejects_path=folder / "rej.csv", today=TODAY
        )

        assert result.total == len(rows)
        assert result.created + result.rejected == result.total
        assert set(Child.objects.values_list("last_name", flat=True)) == expected_good
        assert Child.objects.count() - before == len(expected_good) == result.created
        rejected = [r[1] for r in read_csv(folder / "rej.csv")[1:]] if expected_bad else []
        assert sorted(rejected) == sorted(expected_bad)
        assert AuditEvent.objects.filter(action="child.import").count() == len(expected_good)
        transaction.set_rollback(True)


def valid(row: dict) -> bool:
    return not any(k in row and row[k] == v for kind in BAD_KINDS.values() for k, v in kind.items())
