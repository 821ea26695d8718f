"""GIAS and section 41 imports: mapping, updates, bad input, all-or-nothing, skip-invalid, the real s41 list."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from highneeds.accounts.roles import SYSTEM, Role
from highneeds.audit import log
from highneeds.audit.models import AuditEvent
from highneeds.establishments.models import Establishment
from highneeds.imports import csvkit
from highneeds.imports.gias import GIAS_TYPES, gias_need, import_gias
from highneeds.imports.s41 import import_s41, parse_month

from .conftest import GIAS_SAMPLE, counts, read_csv, write_csv

pytestmark = pytest.mark.django_db

S41_FILE = Path(settings.SHARED_DATA_DIR) / "independent_special_schools_s41_2022" / "approved_s41_list_2022-03-22.csv"
GIAS_TYPES_FILE = Path(settings.SHARED_DATA_DIR) / "gias_reference_mastodonc" / "gias_establishment_types_20250422.csv"
needs_shared_data = pytest.mark.skipif(not S41_FILE.exists(), reason="shared data not present")


def set_cell(header, rows, row_number, column, value):
    """Change one cell, addressing the row as the file numbers it (header = row 1)."""
    rows[row_number - 2][header.index(column)] = value


# --------------------------------------------------------------------------------------------
# GIAS: mapping
# --------------------------------------------------------------------------------------------


def test_gias_sample_imports_every_row_with_its_codes():
    result = import_gias(actor=SYSTEM, path=GIAS_SAMPLE)
    assert (result.total, result.created, result.updated, result.unchanged, result.rejected) == (15, 15, 0, 0, 0)

    aidan = Establishment.objects.get(urn=880002)
    assert aidan.name == "St Aidan\u2019s CofE Academy"  # a Windows-1252 curly apostrophe, decoded
    assert (aidan.establishment_type, aidan.phase, aidan.age_low, aidan.age_high) == ("MS_ACADEMY", "SECONDARY", 11, 18)
    assert (aidan.has_resourced_provision, aidan.resourced_provision_places, aidan.has_sen_unit) == (True, 12, False)
    assert aidan.designated_needs == ["ASD"]
    assert (aidan.la_code, aidan.la_name, aidan.postcode, aidan.ukprn) == ("999", "Exampleshire", "EX2 3CD", 10080002)

    hollybank = Establishment.objects.get(urn=880003)
    assert (hollybank.establishment_type, hollybank.phase) == ("SP_LA", "NA")
    assert hollybank.designated_needs == ["SLD", "PMLD", "ASD"]

    kingsmere = Establishment.objects.get(urn=880010)
    assert (kingsmere.has_resourced_provision, kingsmere.resourced_provision_places) == (True, 8)
    assert (kingsmere.has_sen_unit, kingsmere.sen_unit_places, kingsmere.phase) == (True, 6, "ALL_THROUGH")

    northgate = Establishment.objects.get(urn=880009)
    assert (northgate.has_sen_unit, northgate.sen_unit_places, northgate.designated_needs) == (True, 10, ["HI", "SPLD"])

    assert Establishment.objects.get(urn=880007).is_open is False  # closed: kept, marked closed
    assert Establishment.objects.get(urn=880015).is_open is False  # proposed to open
    harbour = Establishment.objects.get(urn=880008)
    assert (harbour.establishment_type, harbour.s41_approved, harbour.la_code) == ("SP_INDEPENDENT", True, "938")
    assert not harbour.in_area("999") and aidan.in_area("999")
    types = dict(Establishment.objects.values_list("urn", "establishment_type"))
    assert types[880004] == "AP_PRU" and types[880005] == "FE" and types[880006] == "EARLY_YEARS"
    assert types[880011] == "SP_ACADEMY" and types[880012] == "SP_NON_MAINTAINED"
    assert types[880013] == "SPECIALIST_POST16" and types[880014] == "MS_INDEPENDENT" and types[880015] == "SP_ACADEMY"
    assert Establishment.objects.get(urn=880014).name == "\u00c9cole \u00c9lan Bilingual School"


def test_gias_import_is_audited_per_record_and_once_for_the_file():
    before = AuditEvent.objects.count()
    import_gias(actor=SYSTEM, path=GIAS_SAMPLE)
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.action for e in events].count("establishment.create") == 15
    summary = events[-1]
    assert summary.action == "import.establishments"
    assert (
        summary.after["created"] == 15
        and summary.after["file"] == "gias_sample.csv"
        and summary.after["encoding"] == "cp1252"
    )
    assert log.verify().ok


def test_reimporting_the_same_file_reports_all_unchanged_and_writes_only_the_summary():
    import_gias(actor=SYSTEM, path=GIAS_SAMPLE)
    before = counts()
    result = import_gias(actor=SYSTEM, path=GIAS_SAMPLE)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 15)
    after = counts()
    assert after["Establishment"] == before["Establishment"]
    assert after["AuditEvent"] == before["AuditEvent"] + 1  # the import.establishments summary only


def test_an_existing_urn_is_updated_not_an_error(gias_file):
    import_gias(actor=SYSTEM, path=GIAS_SAMPLE)

    def rename(header, rows):
        set_cell(header, rows, 2, "EstablishmentName", "Brookfield Community Primary School")
        set_cell(header, rows, 4, "EstablishmentStatus (name)", "Closed")

    result = import_gias(actor=SYSTEM, path=gias_file(rename))
    assert (result.created, result.updated, result.unchanged) == (0, 2, 13)
    event = AuditEvent.objects.filter(action="establishment.update").latest("seq")
    assert event.before == {"is_open": True} and event.after == {"is_open": False}
    assert Establishment.objects.get(urn=880001).name == "Brookfield Community Primary School"


def test_columns_left_out_of_the_file_are_left_alone_on_update(gias_file):
    import_gias(actor=SYSTEM, path=GIAS_SAMPLE)
    Establishment.objects.filter(urn=880002).update(s41_approved=True, s41_approved_on=date(2020, 1, 1))

    def drop(header, rows):
        for column in ("Section41Approved (name)", "Postcode"):
            i = header.index(column)
            del header[i]
            for r in rows:
                del r[i]

    result = import_gias(actor=SYSTEM, path=gias_file(drop))
    assert result.unchanged == 15
    aidan = Establishment.objects.get(urn=880002)
    assert (aidan.s41_approved, aidan.s41_approved_on, aidan.postcode) == (True, date(2020, 1, 1), "EX2 3CD")


def test_gias_section_41_column_sets_or_clears_approval_and_not_applicable_leaves_it(gias_file):
    import_gias(actor=SYSTEM, path=GIAS_SAMPLE)
    Establishment.objects.filter(urn__in=[880001, 880008]).update(s41_approved=True, s41_approved_on=date(2019, 4, 1))
    assert import_gias(actor=SYSTEM, path=GIAS_SAMPLE).unchanged == 15  # "Not applicable" and "Approved" keep the date
    result = import_gias(
        actor=SYSTEM, path=gias_file(lambda h, rows: set_cell(h, rows, 9, "Section41Approved (name)", "Not approved"))
    )
    assert result.updated == 1
    harbour = Establishment.objects.get(urn=880008)
    assert (harbour.s41_approved, harbour.s41_approved_on) == (False, None)
    assert Establishment.objects.get(urn=880001).s41_approved


@pytest.mark.skipif(not GIAS_TYPES_FILE.exists(), reason="shared data not present")
def test_every_gias_establishment_type_has_a_mapping():
    with GIAS_TYPES_FILE.open(encoding="utf-8-sig", newline="") as handle:
        names = {row["type-of-establishment-name"] for row in csv.DictReader(handle)}
    assert len(names) >= 39
    lower = {k.casefold() for k in GIAS_TYPES}
    assert sorted(n for n in names if n.casefold() not in lower) == []


def test_gias_sen_provision_names_map_to_need_codes():
    assert gias_need("SpLD - Specific Learning Difficulty") == "SPLD"
    assert gias_need("SLCN - Speech, language and Communication") == "SLCN"
    assert gias_need("OTH - Other Difficulty/Disability") == "OTH"
    assert gias_need("Not Applicable") is None and gias_need("") is None
    with pytest.raises(ValueError):
        gias_need("Dyslexia friendly")


def test_an_establishment_held_without_a_urn_takes_its_urn_from_gias(gias_file, make_establishment):
    held = make_establishment(
        urn=None,
        name="Harbour View School",
        establishment_type="SP_INDEPENDENT",
        la_code="938",
        la_name="West Sussex",
        s41_approved=True,
        s41_approved_on=date(2015, 9, 1),
    )
    result = import_gias(actor=SYSTEM, path=GIAS_SAMPLE)
    assert (result.created, result.updated) == (14, 1)
    held.refresh_from_db()
    assert held.urn == 880008 and held.s41_approved_on == date(2015, 9, 1)


# --------------------------------------------------------------------------------------------
# GIAS: bad input
# --------------------------------------------------------------------------------------------

BAD_GIAS_CELLS = [
    # (row, column, bad value, words in the message)
    (2, "URN", "12AB", "whole number"),
    (3, "TypeOfEstablishment (name)", "Community skool", "Not a GIAS type of establishment"),
    (4, "PhaseOfEducation (name)", "Tertiary", "Not a GIAS phase of education"),
    (5, "EstablishmentStatus (name)", "Mothballed", "Not a GIAS establishment status"),
    (6, "SEN3 (name)", "XYZ - Unheard of", "Not a GIAS type of SEN provision"),
    (7, "StatutoryHighAge", "1", "upper age must be at least the lower age"),
    (8, "LA (code)", "93", "3-digit LA number"),
    (9, "Postcode", "NOT A CODE", "full UK postcode"),
    (10, "UKPRN", "1008", "8 digits"),
    (11, "ResourcedProvisionCapacity", "-4", "whole number"),
    (12, "TypeOfResourcedProvision (name)", "Nurture room", "type of resourced provision"),
    (13, "EstablishmentName", "", "Enter the establishment's name"),
    (14, "EstablishmentName", "x" * 201, "200 characters or fewer"),
    (15, "Section41Approved (name)", "Maybe", "section 41 status"),
    (16, "EstablishmentName", "Oak\x1b[2J School", "text-direction"),  # GIAS files are cp1252: no bidi
]


@pytest.mark.parametrize("row, column, value, message", BAD_GIAS_CELLS)
def test_each_kind_of_bad_gias_cell_names_row_field_and_value(gias_file, row, column, value, message):
    path = gias_file(lambda h, rows: set_cell(h, rows, row, column, value))
    with pytest.raises(csvkit.ImportRefused) as err:
        import_gias(actor=SYSTEM, path=path)
    [error] = err.value.errors
    assert (error.row, error.field, error.value) == (row, column, value)
    assert message in error.message


def test_every_bad_row_and_field_is_reported_together(gias_file):
    def spoil(header, rows):
        for row, column, value, _ in BAD_GIAS_CELLS:
            set_cell(header, rows, row, column, value)
        set_cell(header, rows, 2, "PhaseOfEducation (name)", "Tertiary")  # a second bad field in row 2

    with pytest.raises(csvkit.ImportRefused) as err:
        import_gias(actor=SYSTEM, path=gias_file(spoil))
    found = {(e.row, e.field) for e in err.value.errors}
    assert found == {(r, c) for r, c, _, _ in BAD_GIAS_CELLS} | {(2, "PhaseOfEducation (name)")}


def test_a_urn_twice_in_the_file_rejects_both_rows(gias_file):
    path = gias_file(lambda h, rows: set_cell(h, rows, 9, "URN", "880002"))
    with pytest.raises(csvkit.ImportRefused) as err:
        import_gias(actor=SYSTEM, path=path)
    assert [(e.row, e.field, e.value) for e in err.value.errors] == [(3, "URN", "880002"), (9, "URN", "880002")]
    assert "rows 3, 9" in err.value.errors[0].message


def test_missing_required_gias_columns_are_named_before_any_row_is_read(gias_file):
    def drop(header, rows):
        for column in ("URN", "TypeOfEstablishment (name)"):
            i = header.index(column)
            del header[i]
            for r in rows:
                del r[i]
        header[header.index("Town")] = "Twon"  # not a GIAS column, but close to one we use
        rows[0][0] = "this row is never read"

    with pytest.raises(csvkit.FileRejected) as err:
        import_gias(actor=SYSTEM, path=gias_file(drop))
    report = "\n".join(err.value.report())
    assert "Missing required column(s): 'URN', 'TypeOfEstablishment (name)'" in report
    assert "Unknown column 'Twon': did you mean 'Town'?" in report


def test_other_gias_columns_are_read_past_and_listed(gias_file):
    def add(header, rows):
        header.append("SomeNewColumn (name)")
        for r in rows:
            r.append("new")

    result = import_gias(actor=SYSTEM, path=gias_file(add))
    assert result.created == 15
    assert "Columns not used: SomeNewColumn (name)" in result.notes


def test_all_or_nothing_leaves_the_database_untouched(gias_file, make_establishment):
    make_establishment()
    before = counts()
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    path = gias_file(lambda h, rows: set_cell(h, rows, 16, "URN", "oops"))
    with pytest.raises(csvkit.ImportRefused):
        import_gias(actor=SYSTEM, path=path)
    assert counts() == before
    assert AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first() == head


def test_skip_invalid_imports_the_good_rows_and_writes_exactly_the_bad_ones(gias_file, tmp_path):
    def spoil(header, rows):
        set_cell(header, rows, 3, "URN", "oops")
        set_cell(header, rows, 7, "PhaseOfEducation (name)", "Tertiary")

    path = gias_file(spoil)
    rejects = tmp_path / "rejects.csv"
    result = import_gias(actor=SYSTEM, path=path, skip_invalid=True, rejects_path=rejects)
    assert (result.created, result.rejected, result.total, result.rejects_path) == (13, 2, 15, rejects)
    assert Establishment.objects.count() == 13
    written = read_csv(rejects)
    header, _ = read_csv(path, encoding="cp1252")[0], None
    assert written[0] == [*header, "errors"]
    assert [r[header.index("EstablishmentName")] for r in written[1:]] == [
        "St Aidan\u2019s CofE Academy",
        "Meadow Lane Nursery School",
    ]
    assert written[1][-1] == "URN: Enter a whole number"
    assert AuditEvent.objects.get(action="import.establishments").after["rejected_rows"] == [3, 7]


def test_a_database_error_midway_rolls_back_everything(gias_file, tmp_path, monkeypatch, make_establishment):
    make_establishment()
    before = counts()
    calls = {"n": 0}
    real = log.record_many

    def failing(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr("highneeds.imports.establishment_writes.BATCH", 5)
    monkeypatch.setattr(log, "record_many", failing)
    rejects = tmp_path / "r.csv"
    path = gias_file(lambda h, rows: set_cell(h, rows, 3, "URN", "oops"))
    with pytest.raises(RuntimeError, match="disk full"):
        import_gias(actor=SYSTEM, path=path, skip_invalid=True, rejects_path=rejects)
    assert calls["n"] == 2  # the first batch had been written before the failure
    assert counts() == before
    assert not rejects.exists()


def test_importing_needs_the_establishments_change_permission(make_user):
    caseworker = make_user(Role.CASEWORKER)
    with pytest.raises(PermissionDenied):
        import_gias(actor=caseworker, path=GIAS_SAMPLE)
    manager = make_user(Role.MANAGER)
    assert import_gias(actor=manager, path=GIAS_SAMPLE).created == 15
    assert AuditEvent.objects.get(action="import.establishments").actor_label == manager.username


# --------------------------------------------------------------------------------------------
# Section 41
# --------------------------------------------------------------------------------------------


def test_s41_months_parse_to_the_first_of_the_month():
    assert parse_month("Aug-16") == date(2016, 8, 1)
    assert parse_month("Sept 2019") == date(2019, 9, 1)
    assert parse_month("December 2021") == date(2021, 12, 1)
    assert parse_month("01/08/2016") == date(2016, 8, 1)
    with pytest.raises(ValueError):
        parse_month("soon")


@needs_shared_data
def test_the_real_s41_list_imports_and_flags_approval_with_dates():
    result = import_s41(actor=SYSTEM, path=S41_FILE)
    assert result.rejected == 0 and result.total == 342
    assert result.created == 267  # 252 + 15 approved institutions; removed ones are not created
    appletree = Establishment.objects.get(name="Appletree School")
    assert (appletree.s41_approved, appletree.s41_approved_on) == (True, date(2014, 9, 1))
    assert (appletree.establishment_type, appletree.la_code) == ("SP_INDEPENDENT", "909")  # Cumbria, before 2023
    activate = Establishment.objects.get(name="Activate")
    assert (activate.establishment_type, activate.phase, activate.la_name) == (
        "SPECIALIST_POST16",
        "POST16",
        "Knowsley",
    )
    # Listed as removed in April 2018 and approved again in August 2020.
    shires = Establishment.objects.get(name="The Shires")
    assert (shires.s41_approved, shires.s41_approved_on) == (True, date(2020, 8, 1))
    # "Bristol City" is the LA GIAS calls "Bristol, City of"; a non-breaking space in a name is a space.
    assert Establishment.objects.get(name="Ruskin Mill Trust Ltd").la_code == "801"
    assert Establishment.objects.filter(name="Wings School Notts").exists()
    assert not Establishment.objects.filter(name="New Direction School").exists()  # removed from the list
    assert Establishment.objects.filter(s41_approved=True, s41_approved_on__isnull=True).count() == 0
    assert AuditEvent.objects.filter(action="establishment.create").count() == 267
    assert AuditEvent.objects.get(action="import.s41").after["created"] == 267

    again = import_s41(actor=SYSTEM, path=S41_FILE)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 342)


@needs_shared_data
def test_the_s41_list_matches_establishments_by_name_and_la_including_successor_las(make_establishment):
    # Held under Cumberland, which replaced Cumbria (the list's LA) in 2023; and under the GIAS spelling.
    appletree = make_establishment(
        urn=None,
        name="Appletree School",
        establishment_type="SP_INDEPENDENT",
        la_code="942",
        la_name="Cumberland",
        phase="NA",
    )
    ruskin = make_establishment(
        urn=None,
        name="Ruskin Mill Trust Ltd",
        establishment_type="SP_INDEPENDENT",
        la_code="801",
        la_name="Bristol, City of",
        phase="NA",
    )
    elsewhere = make_establishment(
        urn=None,
        name="Appletree School",
        establishment_type="MS_LA",
        la_code="330",
        la_name="Birmingham",
        phase="PRIMARY",
    )
    result = import_s41(actor=SYSTEM, path=S41_FILE)
    assert (result.created, result.updated) == (265, 2)
    appletree.refresh_from_db(), ruskin.refresh_from_db(), elsewhere.refresh_from_db()
    assert appletree.s41_approved_on == date(2014, 9, 1) and appletree.establishment_type == "SP_INDEPENDENT"
    assert ruskin.s41_approved_on == date(2021, 8, 1)
    assert not elsewhere.s41_approved


@needs_shared_data
def test_a_removal_on_the_list_withdraws_an_earlier_approval(make_establishment):
    held = make_establishment(
        name="New Direction School",
        establishment_type="SP_INDEPENDENT",
        la_code="830",
        la_name="Derbyshire",
        s41_approved=True,
        s41_approved_on=date(2016, 4, 1),
    )
    later = make_establishment(
        name="Pontville School",
        establishment_type="SP_INDEPENDENT",
        la_code="888",
        la_name="Lancashire",
        s41_approved=True,
        s41_approved_on=date(2022, 1, 1),
    )
    result = import_s41(actor=SYSTEM, path=S41_FILE)
    held.refresh_from_db(), later.refresh_from_db()
    assert (held.s41_approved, held.s41_approved_on) == (False, None)
    assert later.s41_approved  # approved again after the removal the list shows
    assert "1 approval(s) withdrawn (listed as removed)" in result.notes


S41_HEADER = ["field2", "field3", "field5", "field6"]
S41_TITLE = [
    "Local authority",
    "Institution trading name (1)",
    "Independent special school / Special post-16 institution",
    "Date approved under section 41 \n",
]


def test_bad_s41_rows_name_row_and_field(tmp_path):
    path = write_csv(
        tmp_path / "s41.csv",
        S41_HEADER,
        [
            S41_TITLE,
            ["Kent", "Good School", "Independent special school", "Aug-16"],
            ["Kent", "Undated School", "Independent special school", "someday"],
            ["Kent", "Odd School", "Boarding school", "Aug-16"],
            ["", "Nowhere School", "Special post-16 institution", "Sep-14"],
            ["Surrey", "Twice School", "Independent special school", "Sep-14"],
            ["Surrey", "Twice  School", "Independent special school", "Dec-14"],
        ],
    )
    with pytest.raises(csvkit.ImportRefused) as err:
        import_s41(actor=SYSTEM, path=path)
    assert [(e.row, e.field) for e in err.value.errors] == [
        (4, "field6"),
        (5, "field5"),
        (6, "field2"),
        (7, "field3"),
        (8, "field3"),
    ]
    assert Establishment.objects.count() == 0

    result = import_s41(actor=SYSTEM, path=path, skip_invalid=True, rejects_path=tmp_path / "rej.csv")
    assert (result.total, result.created, result.rejected) == (6, 1, 5)
    assert [r[1] for r in read_csv(tmp_path / "rej.csv")[1:]] == [
        "Undated School",
        "Odd School",
        "Nowhere School",
        "Twice School",
        "Twice  School",
    ]


# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command(*args, "--no-progress", stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


def test_import_establishments_command_prints_a_summary():
    code, out, _ = run("import-establishments", str(GIAS_SAMPLE))
    assert code == 0
    assert "created 15, updated 0, unchanged 0, rejected 0" in out
    code, out, _ = run("import-establishments", str(GIAS_SAMPLE))
    assert "created 0, updated 0, unchanged 15, rejected 0" in out


def test_import_establishments_command_refuses_with_exit_code_1_and_the_report(gias_file):
    path = gias_file(lambda h, rows: set_cell(h, rows, 5, "URN", "oops"))
    code, out, err = run("import-establishments", str(path))
    assert code == 1 and out == ""
    assert "row 5, URN: Enter a whole number (value 'oops')" in err
    assert "nothing was imported" in err
    assert Establishment.objects.count() == 0


def test_import_establishments_command_skip_invalid_prints_the_rejects_path(gias_file, tmp_path):
    path = gias_file(lambda h, rows: set_cell(h, rows, 5, "URN", "oops"))
    code, out, err = run("import-establishments", str(path), "--skip-invalid", "--rejects", str(tmp_path / "bad.csv"))
    assert code == 0
    assert f"rejected rows written to {tmp_path / 'bad.csv'}" in out
    assert "rejected row 5, URN" in err


def test_commands_report_a_missing_file_or_a_bad_header_with_exit_code_1(tmp_path):
    code, _, err = run("import-s41", str(tmp_path / "nope.csv"))
    assert code == 1 and "No such file" in err
    path = write_csv(tmp_path / "x.csv", ["URN", "Name"], [["1", "A"]])
    code, _, err = run("import-establishments", str(path))
    assert code == 1 and "Missing required column(s)" in err


@needs_shared_data
def test_import_s41_command(tmp_path):
    code, out, _ = run("import-s41", str(S41_FILE))
    assert code == 0 and "created 267" in out
