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


def test_framework_export_then_import_as_a_new_version(tmp_path):
    import json

    from highneeds.funding.queries import engine_lookup

    code, out, err = run("framework", "export", "mainstream-top-up")
    assert code == 0, err
    definition = json.loads(out)
    assert definition["version"] == 1 and definition["bands"][0]["top_up"] == "1600.00"
    target = tmp_path / "mine.json"
    target.write_text(json.dumps(definition))
    code, _, err = run("framework", "import", str(target))
    assert code == 1 and err.startswith("version: mainstream-top-up version 1 exists; give version 2")
    definition.update(version=2, effective_from="2027-04-01")
    definition["bands"][0]["top_up"] = "1750"
    target.write_text(json.dumps(definition))
    code, out, _ = run("framework", "import", str(target))
    assert code == 0 and "version 2" in out
    from datetime import date

    assert engine_lookup("mainstream-top-up", date(2027, 3, 31))["1"] == 1600  # version 1 until then
    assert engine_lookup("mainstream-top-up", date(2027, 4, 1))["1"] == 1750  # version 2 from its date


def test_framework_import_names_every_bad_field(tmp_path):
    import json

    bad = {
        "code": "Not A Slug",
        "kind": "magic",
        "effective_from": "soon",
        "areas": [],
        "bands": [{"code": "1", "name": "One", "top_up": -5}, {"code": "1", "name": "Again", "prices": {"castle": 3}}],
    }
    target = tmp_path / "bad.json"
    target.write_text(json.dumps(bad))
    code, out, err = run("framework", "import", str(target))
    assert code == 1 and out == ""
    for start in (
        "code:",
        "name:",
        "kind:",
        "effective_from:",
        "areas:",
        "bands[0].top_up:",
        "bands[1].code:",
        "bands[1].prices.castle:",
    ):
        assert any(line.startswith(start) for line in err.splitlines()), (start, err)
    code, _, err = run("framework", "export", "nope")
    assert code == 1 and "no framework 'nope'" in err
