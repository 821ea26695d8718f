"""`highneeds funding commitments export` and `highneeds funding actuals import`: one plain line on error, exit 1."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from highneeds.funding.models import Actual

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("funding", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_commitments_export_prices_each_version_for_the_year(banded_child, tmp_path):
    child, school, _ = banded_child
    code, out, err = run("commitments", "export", "--year", "2026")
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 1 and rows[0]["child"] == child.full_name and rows[0]["urn"] == str(school.urn)
    assert rows[0]["top_up"] == "1600.00" and rows[0]["high_needs_total"] == "1600.00" and rows[0]["days"] == "365"
    target = tmp_path / "c.csv"
    assert run("commitments", "export", "--year", "2026", "--out", str(target))[0] == 0
    assert target.read_text().startswith("package,version,child_id")


def test_actuals_import_from_the_command_line(tmp_path):
    good = tmp_path / "pay.csv"
    good.write_text("period,line,amount\n1,1.2.1,10.00\n2,1.2.2,5.25\n")
    code, out, _ = run("actuals", "import", str(good), "--year", "2026", "--control-total", "15.25")
    assert code == 0 and "Imported 2 payments" in out and Actual.objects.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("period,line,amount\n1,1.2.1,10.00\n")
    code, out, err = run("actuals", "import", str(bad), "--year", "2026", "--control-total", "11")
    assert code == 1 and out == "" and "not the control total" in err and "Traceback" not in err
    assert Actual.objects.count() == 2
    code, out, err = run("actuals", "import", str(tmp_path / "missing.csv"), "--year", "2026", "--control-total", "1")
    assert code == 1 and out == "" and "No such file" in err
    code, _, err = run("actuals", "import", str(good), "--year", "2026", "--control-total", "lots")
    assert code == 1 and err.startswith("control-total:")
