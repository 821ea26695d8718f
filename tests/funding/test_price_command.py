"""`highneeds funding price`: JSON in, JSON out; bad input names the field on stderr, exit 1, empty stdout."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import call_command


def run(monkeypatch, payload, *args):
    text = payload if isinstance(payload, str) else json.dumps(payload)
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("funding", "price", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_installed_example_framework_prices_a_mainstream_band(monkeypatch):
    code, out, err = run(
        monkeypatch,
        {
            "setting_type": "mainstream",
            "start": "2026-09-01",
            "end": "2027-07-20",
            "financial_year": 2026,
            "framework": "mainstream-top-up",
            "band": "3",
        },
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert list(data) == ["financial_year", "days", "components", "high_needs_total"]
    assert data["days"] == 212  # 1 September 2026 to 31 March 2027
    top_up = next(c for c in data["components"] if c["name"] == "top_up")
    assert top_up == {"name": "top_up", "amount": "2613.70", "paid_by": "high_needs_block", "high_needs": True}
    assert data["high_needs_total"] == "2613.70"  # 4500 x 212 / 365 = 2613.698...


@pytest.mark.django_db
def test_special_designation_framework_and_place_funding(monkeypatch):
    code, out, _ = run(
        monkeypatch,
        {
            "setting_type": "special",
            "start": "2026-04-01",
            "financial_year": 2026,
            "framework": "special-designation",
            "band": "SLD",
            "transport_annual": 9000,
        },
        "--compact",
    )
    data = json.loads(out)
    assert code == 0 and data["high_needs_total"] == "27556.00"
    assert {c["name"]: c["amount"] for c in data["components"]}["transport"] == "9000.00"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload,field",
    [
        ({"setting_type": "palace", "start": "2026-04-01", "financial_year": 2026}, "setting_type"),
        (
            {
                "setting_type": "special",
                "start": "2026-04-01",
                "financial_year": 2026,
                "framework": "nope",
                "band": "1",
            },
            "framework",
        ),
        (
            {
                "setting_type": "special",
                "start": "2026-04-01",
                "financial_year": 2026,
                "framework": "mainstream-top-up",
                "band": "9",
            },
            "band",
        ),
        ({"setting_type": "special", "start": "2026-04-01", "financial_year": 2026, "annual_fee": -5}, "annual_fee"),
        ({"setting_type": "special", "start": "2026-04-01", "end": "2026-01-01", "financial_year": 2026}, "end"),
        ({"setting_type": "special", "start": "2030-04-01", "financial_year": 2026}, "start"),
    ],
)
def test_bad_input_is_exit_1_naming_the_field_with_nothing_on_stdout(monkeypatch, payload, field):
    code, out, err = run(monkeypatch, payload)
    assert code == 1 and out == ""
    assert any(line.startswith(f"{field}:") for line in err.splitlines()), err


def test_not_json_and_a_list_of_packages(monkeypatch):
    code, out, err = run(monkeypatch, "{nope")
    assert code == 1 and out == "" and "not valid JSON" in err
    good = {"setting_type": "ap", "start": "2026-04-01", "financial_year": 2026}
    code, out, err = run(monkeypatch, [good, dict(good, attendance=2)])
    assert code == 1 and out == "" and "packages[1].attendance:" in err
    code, out, _ = run(monkeypatch, [good, good])
    assert code == 0 and [p["high_needs_total"] for p in json.loads(out)["packages"]] == ["10000.00", "10000.00"]
