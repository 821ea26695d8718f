"""Every SEN2 rule with a passing and a failing example; rule sets by year; the safe parser."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from highneeds.engine.sen2 import model as m
from highneeds.engine.sen2.rulesets import RULESETS, for_year
from highneeds.engine.sen2.safexml import SEN2FileError, parse
from highneeds.engine.sen2.validate import has_errors, validate_bytes

from .examples import valid_return, variant


def _p(ret):
    return ret.persons[0]


def _req(ret):
    return ret.persons[0].requests[0]


def _ass(ret):
    return _req(ret).assessments[0]


def _plan(ret):
    return _ass(ret).plans[0]


def _active(ret):
    return _req(ret).active_plans[0]


def _set(getter, **values):
    def change(ret):
        for k, v in values.items():
            setattr(getter(ret), k, v)

    return change


# rule code -> (a change that breaks exactly that rule, the field it names)
FAILING = {
    "SEN2-100": (_set(_p, surname=""), "Surname"),
    "SEN2-101": (_set(_p, upn="B123456789012"), "UPN"),
    "SEN2-102": (lambda r: setattr(r.persons[1], "uln", "1234567890"), "UniqueLearnerNumber"),
    "SEN2-103": (_set(_p, upn=""), "UPNunknown"),
    "SEN2-104": (_set(_p, birth_date=date(1990, 1, 1)), "PersonBirthDate"),
    "SEN2-105": (lambda r: setattr(r.persons[1], "upn", "A123456789012"), "UPN"),
    "SEN2-110": (_set(_req, source="9"), "RequestSource"),
    "SEN2-111": (_set(_ass, outcome_date="20/04/2026"), "AssessmentOutcomeDate"),
    "SEN2-120": (_set(_plan, start_date=date(2026, 4, 1)), "StartDate"),
    "SEN2-130": (_set(_ass, week20=None), "Week20"),
    "SEN2-131": (_set(_ass, week20=True), "Week20"),
    "SEN2-140": (lambda r: _active(r).placements.append(m.PlacementDetail(sen_setting="OLA", rank=1)), "PlacementRank"),
    "SEN2-141": (_set(_active, placements=[]), "PlacementDetail"),
    "SEN2-142": (_set(_active, needs=[m.SENneed("ASD", 2)]), "SENtypeRank"),
    "SEN2-143": (lambda r: setattr(_active(r).placements[0], "sen_setting", "EHE"), "SENsetting"),
    "SEN2-150": (_set(_plan, cease_date=date(2026, 12, 1)), "CeaseReason"),
    "SEN2-160": (_set(_active, review_outcome=""), "ReviewOutcome"),
}
# A second passing example per rule, nearer the boundary than the plain valid return.
PASSING = {
    "SEN2-100": _set(_p, postcode=""),
    "SEN2-101": _set(_p, upn="X12345678901A"),  # a temporary UPN ends in a letter
    "SEN2-102": lambda r: setattr(r.persons[1], "uln", "9999999998"),
    "SEN2-103": _set(_p, upn="", upn_unknown="UN2"),
    "SEN2-104": _set(_p, birth_date=date(2001, 1, 22)),  # 25 on the reference date
    "SEN2-105": lambda r: setattr(r.persons[1], "surname", "Example"),
    "SEN2-110": _set(_req, source="5"),
    "SEN2-111": _set(
        _ass,
        week20=True,
        plans=[m.NamedPlan(start_date=date(2026, 8, 1), details=[m.PlacementDetail(urn="1", rank=1)])],
    ),
    "SEN2-120": _set(_plan, start_date=date(2026, 4, 20), cease_date=date(2026, 12, 1), cease_reason="5"),
    "SEN2-130": _set(_ass, outcome="N", week20=None, plans=[]),
    "SEN2-131": _set(
        _ass,
        week20=True,
        plans=[m.NamedPlan(start_date=date(2026, 6, 1), details=[m.PlacementDetail(urn="1", rank=1)])],
    ),
    "SEN2-140": lambda r: _active(r).placements.append(m.PlacementDetail(urn="100002", rank=2)),
    "SEN2-141": _set(_active, placements=[m.PlacementDetail(sen_setting="NIEO", rank=1)]),
    "SEN2-142": _set(_active, needs=[m.SENneed("DS", 1)]),
    "SEN2-143": lambda r: setattr(
        _active(r), "placements", [m.PlacementDetail(sen_setting="OTH", rank=1, sen_setting_other="Hospital")]
    ),
    "SEN2-150": _set(_plan, cease_date=date(2026, 12, 1), cease_reason="1"),
    "SEN2-160": _set(_active, review_meeting=None, review_outcome=""),
}


def _issues(ret, year=2027):
    return validate_bytes(m.to_xml(ret), year)


def test_the_example_is_valid():
    assert _issues(valid_return()) == []


def test_every_rule_has_examples():
    codes = {r.code for rs in RULESETS.values() for r in rs.rules}
    assert codes == set(FAILING) == set(PASSING)


@pytest.mark.parametrize("code", sorted(FAILING))
def test_rule_fails_its_failing_example(code):
    change, field = FAILING[code]
    found = [i for i in _issues(variant(change)) if i.rule == code]
    assert found, f"{code} did not fire"
    assert found[0].field == field
    assert found[0].xpath.startswith("/Message/Persons/Person[")
    assert found[0].message


@pytest.mark.parametrize("code", sorted(PASSING))
def test_rule_passes_its_passing_example(code):
    assert [i for i in _issues(variant(PASSING[code])) if i.rule == code] == []


def test_rule_metadata():
    for rule in for_year(2027).rules:
        assert rule.severity in ("error", "query")
        assert rule.fields and rule.message and rule.module and rule.source


def test_rule_sets_inherit_and_list_changes():
    assert "SEN2-160" not in {r.code for r in RULESETS[2024].rules}
    assert "SEN2-160" in {r.code for r in RULESETS[2025].rules}
    assert RULESETS[2027].rules == RULESETS[2026].rules == RULESETS[2025].rules
    assert for_year(2031) is RULESETS[2027]


def test_code_lists_change_by_year():
    ret = variant(_set(_active, needs=[m.SENneed("DS", 1)]))
    assert [i.rule for i in _issues(ret, 2024)] == ["SEN2-110"]
    assert _issues(ret, 2025) == []


def test_query_is_not_an_error():
    issues = _issues(variant(FAILING["SEN2-131"][0]))
    assert [i.severity for i in issues] == ["query"] and not has_errors(issues)


@pytest.mark.parametrize(
    "data, says",
    [
        (b"<Message><Header>", "not well-formed"),
        (b"<Other/>", "not <Message>"),
        (b"<Message><Persons/></Message>", "no <Header>"),
        (b"", "not well-formed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><Message>&x;</Message>',
            "DOCTYPE",
        ),
    ],
)
def test_unreadable_files_are_one_clear_error(data, says):
    with pytest.raises(SEN2FileError, match=says):
        parse(data)


def test_round_trip_through_xml():
    ret = valid_return()
    again = m.from_tree(parse(m.to_xml(ret)))
    assert again.persons == ret.persons
    assert (again.header.year, again.header.reference_date, again.header.la) == (2027, date(2027, 1, 21), "384")


@settings(max_examples=60, deadline=None)
@given(st.dates(date(2000, 1, 1), date(2027, 1, 21)), st.integers(0, 400), st.integers(0, 400))
def test_dates_in_order_property(received, a, b):
    """SEN2-120 fires exactly when the assessment outcome comes before the request outcome."""
    from datetime import timedelta

    ret = variant(_set(_req, received_date=received, outcome_date=received + timedelta(days=a)))
    _ass(ret).outcome_date = received + timedelta(days=b)
    _plan(ret).start_date = received + timedelta(days=max(a, b))
    ref = date(2027, 1, 21)
    fired = {i.field for i in _issues(ret) if i.rule == "SEN2-120"}
    late = max(a, b) > (ref - received).days
    if not late:
        assert ("AssessmentOutcomeDate" in fired) == (b < a)
