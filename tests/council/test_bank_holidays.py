"""`highneeds bank-holidays import | list`: the maintained way to add years of bank holidays."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from highneeds.audit.models import AuditEvent
from highneeds.council.models import CouncilSettings
from highneeds.engine.calendar import ENGLAND_AND_WALES

pytestmark = pytest.mark.django_db

# gov.uk's format (https://www.gov.uk/bank-holidays.json), with a made-up 2031 and a corrected 2027.
YEAR_2031 = [
    "2031-01-01",
    "2031-04-11",
    "2031-04-14",
    "2031-05-05",
    "2031-05-26",
    "2031-08-25",
    "2031-12-25",
    "2031-12-26",
]
YEAR_2027 = [
    "2027-01-01",
    "2027-03-26",
    "2027-03-29",
    "2027-05-03",
    "2027-05-31",
    "2027-06-01",
    "2027-08-30",
    "2027-12-27",
    "2027-12-28",
]


def govuk(*years, division="england-and-wales"):
    events = [
        {"title": f"Holiday {n}", "date": d, "notes": "", "bunting": True}
        for n, d in enumerate(d for year in years for d in year)
    ]
    return {division: {"division": division, "events": events}, "scotland": {"division": "scotland", "events": []}}


def command(*args):
    out = io.StringIO()
    call_command("bank_holidays", *args, stdout=out)
    return out.getvalue()


def write(tmp_path, data):
    path = tmp_path / "bank-holidays.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def test_import_stores_whole_years_used_for_working_days(tmp_path):
    assert not ENGLAND_AND_WALES.covers(2031)
    out = command("import", write(tmp_path, govuk(YEAR_2031, YEAR_2027)))
    assert out.strip() == "Imported 17 bank holidays for 2 year(s): 2027 (9), 2031 (8)"
    council = CouncilSettings.current()
    assert sorted(council.bank_holidays) == ["2027", "2031"]
    calendar = council.calendar()
    assert calendar.covers(2031) and calendar.covers(2012)
    # 2027 is replaced, not merged: the made-up 1 June holiday is in, nothing else changes
    assert calendar.holidays_in(2027) == [date.fromisoformat(d) for d in YEAR_2027]
    assert calendar.add_working_days(date(2031, 4, 10), 1) == date(2031, 4, 15)  # Good Friday, weekend, Easter Monday
    assert AuditEvent.objects.filter(action="council.bank_holidays.import").count() == 1


def test_import_again_replaces_a_year_and_keeps_the_others(tmp_path):
    command("import", write(tmp_path, govuk(YEAR_2031, YEAR_2027)))
    fixed = [d for d in YEAR_2027 if d != "2027-06-01"]
    command("import", write(tmp_path, govuk(fixed)))
    calendar = CouncilSettings.current().calendar()
    assert date(2027, 6, 1) not in calendar.holidays and calendar.covers(2031)


def test_list_shows_the_source_of_each_year(tmp_path):
    command("import", write(tmp_path, govuk(YEAR_2031)))
    out = command("list", "--year", "2031")
    assert out.splitlines()[0] == "2031 (imported)"
    assert "  2031-04-11 Fri  Holiday 1" in out.splitlines()
    everything = command("list")
    assert "2012 (built in)" in everything and "2028 (projected)" in everything and "2031 (imported)" in everything
    with pytest.raises(CommandError, match="no bank holidays are known for 2040"):
        command("list", "--year", "2040")


@pytest.mark.parametrize(
    "data, message",
    [
        ("{not json", "is not valid JSON"),
        ([], "expected a JSON object like gov.uk's bank-holidays.json"),
        ({"scotland": {"events": []}}, "no 'england-and-wales' division in the file (found: scotland)"),
        (
            {"england-and-wales": {"events": "2031-01-01"}},
            "'england-and-wales' must be an object with a list of 'events'",
        ),
        ({"england-and-wales": {"events": []}}, "'england-and-wales' has no events"),
        (govuk(["2031-02-30", *YEAR_2031[1:]]), "england-and-wales.events[0].date: '2031-02-30' is not a valid date"),
        (
            govuk(["31/01/2031", *YEAR_2031[1:]]),
            "england-and-wales.events[0].date: '31/01/2031' is not a date in the form YYYY-MM-DD",
        ),
        (govuk(YEAR_2031[:3]), "2031 has 3 date(s): England and Wales have at least 8 bank holidays a year"),
        (govuk(["2031-01-04", *YEAR_2031[1:]]), "england-and-wales.events[0]: 2031-01-04 is a Saturday"),
        (
            {"england-and-wales": {"events": [{"date": "2031-01-01"}]}},
            "england-and-wales.events[0]: 'title' is missing",
        ),
    ],
)
def test_a_malformed_file_is_refused_naming_the_problem(tmp_path, data, message):
    path = write(tmp_path, data)
    with pytest.raises(CommandError) as exc:
        command("import", path)
    assert str(exc.value).startswith(path) and message in str(exc.value)
    assert CouncilSettings.current().bank_holidays == {}


def test_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        command("import", str(tmp_path / "nope.json"))


def test_the_casework_clock_and_deadlines_use_the_stored_years(tmp_path, monkeypatch):
    import sys

    command("import", write(tmp_path, govuk(YEAR_2031)))
    case = {
        "events": [
            {"type": "decision_notice_sent", "date": "2031-04-09", "decision": "x"},
            {"type": "mediation_declined", "date": "2031-04-10", "decision": "x"},
        ]
    }
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(case)))
    out = io.StringIO()
    call_command("deadlines", "--council", stdout=out)
    steps = {d["step"]: d for d in json.loads(out.getvalue())["deadlines"]}
    # Thu 10 April 2031; Good Friday 11 and Easter Monday 14 are not working days: 15, 16, 17
    assert steps["mediation_certificate:x"]["due"] == "2031-04-17"
