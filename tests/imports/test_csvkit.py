"""The shared CSV machinery: encodings, header checks, row numbering, the rejects file. No database."""

from __future__ import annotations

import codecs
import os
import stat

import pytest

from highneeds.imports import csvkit
from highneeds.imports.csvkit import Columns, FileRejected, RowError, RowErrors

COLUMNS = Columns(required=("name", "age"), optional=("town",))


def clean(number, rec):
    errors = []
    if not rec["name"]:
        errors.append(RowError(number, "name", "This is required", rec["name"]))
    if not rec["age"].isdigit():
        errors.append(RowError(number, "age", "Enter a whole number", rec["age"]))
    if errors:
        raise RowErrors(errors)
    return rec


def write_bytes(tmp_path, data: bytes, name="f.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "data, encoding",
    [
        ("name,age,town\r\nRenée,9,Sète\r\n".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "name,age,town\r\nRenée,9,Sète\r\n".encode(), "utf-8-sig"),
        ("name,age,town\r\nRenée,9,Sète \u2019\r\n".encode("cp1252"), "cp1252"),
    ],
)
def test_reads_utf8_with_or_without_bom_and_windows_1252(tmp_path, data, encoding):
    source = csvkit.read_csv(write_bytes(tmp_path, data), COLUMNS)
    assert source.encoding == encoding
    checked = csvkit.check_rows(source, clean)
    assert checked.good[2]["name"] == "Renée"
    assert checked.good[2]["town"].startswith("Sète")
    assert source.index == {"name": 0, "age": 1, "town": 2}  # a BOM is not part of the first column's name


def test_utf16_and_undecodable_files_are_refused_with_a_reason(tmp_path):
    with pytest.raises(FileRejected, match="UTF-16"):
        csvkit.read_csv(write_bytes(tmp_path, "name,age\r\n".encode("utf-16")), COLUMNS)
    with pytest.raises(FileRejected, match="neither UTF-8 nor Windows-1252"):
        csvkit.read_csv(write_bytes(tmp_path, b"name,age\r\nA\x81,3\r\n"), COLUMNS)


@pytest.mark.parametrize(
    "header, expected",
    [
        ("name,town", ["Missing required column(s): 'age'"]),
        ("name,age,colour", ["Unknown column(s) 'colour'"]),
        ("nmae,age", ["Unknown column 'nmae': did you mean 'name'?"]),
        ("name,age,age", ["Column 'age' appears more than once"]),
        ("name,,age", ["Column 2 has no name"]),
        ("", ["The file is empty"]),
        ("name;age;town", ["separated by semicolons"]),
    ],
)
def test_header_problems_are_named_before_any_row_is_read(tmp_path, header, expected):
    path = write_bytes(tmp_path, f"{header}\r\nthis row, is never, read, ever\r\n".encode())
    with pytest.raises(FileRejected) as err:
        csvkit.read_csv(path, COLUMNS)
    report = "\n".join(err.value.report())
    for text in expected:
        assert text in report


def test_headers_match_without_case_or_stray_spaces_and_errors_use_the_files_spelling(tmp_path):
    path = write_bytes(tmp_path, b" Name ,AGE\r\nAnn,x\r\n")
    source = csvkit.read_csv(path, COLUMNS)
    checked = csvkit.check_rows(source, clean)
    assert checked.errors == [RowError(2, "AGE", "Enter a whole number", "x")]


def test_extra_columns_can_be_ignored_but_near_misses_of_used_ones_cannot(tmp_path):
    loose = Columns(required=("name",), optional=("age",), known_unused=("shoe size",), extra="ignore")
    source = csvkit.read_csv(write_bytes(tmp_path, b"name,shoe size,colour\r\nAnn,4,red\r\n"), loose)
    assert source.ignored == ["shoe size"] and source.unrecognised == ["colour"]
    with pytest.raises(FileRejected, match="did you mean 'age'"):
        csvkit.read_csv(write_bytes(tmp_path, b"name,ages\r\nAnn,4\r\n"), loose)


def test_row_numbers_count_the_header_as_row_1_and_blank_rows_and_multiline_cells_as_rows(tmp_path):
    data = b'name,age\r\nAnn,1\r\n\r\n"Bob\r\nSmith",x\r\n,,\r\n,2\r\n'
    source = csvkit.read_csv(write_bytes(tmp_path, data), COLUMNS)
    checked = csvkit.check_rows(source, clean)
    assert checked.total == 3
    assert sorted(checked.good) == [2]
    assert checked.errors == [
        RowError(4, "age", "Enter a whole number", "x"),
        RowError(6, "name", "This is required", ""),
    ]


def test_a_row_longer_than_the_header_is_an_error_a_short_one_reads_as_blank(tmp_path):
    source = csvkit.read_csv(write_bytes(tmp_path, b"name,age,town\r\nAnn,1\r\nBo,2,Leeds,surplus\r\n"), COLUMNS)
    checked = csvkit.check_rows(source, clean)
    assert checked.good[2]["town"] == ""
    [error] = checked.errors
    assert (error.row, error.field, error.value) == (3, "", "surplus")


def test_refusal_reports_every_error_and_writes_nothing(tmp_path):
    source = csvkit.read_csv(write_bytes(tmp_path, b"name,age\r\n,x\r\nAnn,1\r\n"), COLUMNS)
    checked = csvkit.check_rows(source, clean)
    with pytest.raises(csvkit.ImportRefused) as err:
        with csvkit.settle(source, checked, skip_invalid=False):
            pytest.fail("the writes must not run")
    lines = err.value.report()
    assert "row 2, name: This is required" in lines[1]
    assert "row 2, age: Enter a whole number (value 'x')" in lines[2]
    assert list(tmp_path.glob("*.rejects*")) == []


def test_rejects_file_has_the_original_columns_plus_errors_and_only_the_owner_can_read_it(tmp_path):
    data = "name,age,town\r\n,x,Sète\r\nAnn,1,Leeds\r\n".encode("cp1252")
    source = csvkit.read_csv(write_bytes(tmp_path, data), COLUMNS)
    checked = csvkit.check_rows(source, clean)
    target = tmp_path / "out" / "rejects.csv"
    with csvkit.settle(source, checked, skip_invalid=True, rejects_path=target) as written:
        assert written == target
    text = target.read_text(encoding="utf-8-sig")
    assert text.splitlines() == ["name,age,town,errors", ",x,Sète,name: This is required | age: Enter a whole number"]
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    # A corrected rejects file imports as it is: the errors column is ignored.
    again = csvkit.read_csv(target, COLUMNS)
    assert again.ignored == ["errors"]


def test_rejects_file_is_removed_when_the_writes_fail(tmp_path):
    source = csvkit.read_csv(write_bytes(tmp_path, b"name,age\r\n,x\r\nAnn,1\r\n"), COLUMNS)
    checked = csvkit.check_rows(source, clean)
    target = tmp_path / "rejects.csv"
    with pytest.raises(RuntimeError):
        with csvkit.settle(source, checked, skip_invalid=True, rejects_path=target):
            assert target.exists()
            raise RuntimeError("database went away")
    assert not target.exists()


def test_default_rejects_path_sits_beside_the_file(tmp_path):
    source = csvkit.read_csv(write_bytes(tmp_path, b"name,age\r\n,x\r\n", name="kids.csv"), COLUMNS)
    checked = csvkit.check_rows(source, clean)
    with csvkit.settle(source, checked, skip_invalid=True) as written:
        assert written.parent == tmp_path and written.name.startswith("kids.rejects-")


def test_flag_repeats_rejects_every_row_sharing_a_key():
    checked = csvkit.Checked(total=4, good={2: "a", 3: "b", 4: "c", 5: "d"})
    csvkit.flag_repeats(checked, {2: "X1", 3: "X2", 4: "X1", 5: None}, "URN", "URN")
    assert sorted(checked.good) == [3, 5]
    assert [str(e) for e in checked.errors] == [
        "row 2, URN: The same URN is on rows 2, 4 (value 'X1')",
        "row 4, URN: The same URN is on rows 2, 4 (value 'X1')",
    ]


def test_rejects_file_neutralises_formulas_from_the_imported_file(tmp_path):
    """Finding 5: a cell such as =HYPERLINK(...) in a bad row must not come back as a live formula."""
    data = b'name,age,town\r\n,=1+1,"=HYPERLINK(""http://evil.example"",""x"")"\r\n'
    source = csvkit.read_csv(write_bytes(tmp_path, data), COLUMNS)
    target = tmp_path / "rejects.csv"
    with csvkit.settle(source, csvkit.check_rows(source, clean), skip_invalid=True, rejects_path=target):
        pass
    import csv

    rows = list(csv.reader(target.open(encoding="utf-8-sig", newline="")))
    assert rows[1][:3] == ["", "'=1+1", '\'=HYPERLINK("http://evil.example","x")']
