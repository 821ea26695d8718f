"""The retention rule for deleted documents' files: a pure engine, unit and property tests."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from highneeds.engine import retention
from highneeds.engine.retention import Rule

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
rules = st.builds(
    Rule,
    days_after_deletion=st.integers(0, 3650),
    until_age=st.none() | st.integers(0, 30),
    years_after=st.integers(0, 30),
)


@given(rules, days, st.none() | days)
def test_never_before_the_grace_period_nor_the_age_rule(rule, deleted_on, born):
    due = retention.purge_on(rule, deleted_on, born)
    assert due >= deleted_on + timedelta(days=rule.days_after_deletion)
    if rule.until_age is not None and born is not None:
        assert due >= retention.years_later(born, rule.until_age + rule.years_after)
        # and it is exactly the later of the two: never kept longer than the rule says
        assert due in (
            deleted_on + timedelta(days=rule.days_after_deletion),
            retention.years_later(born, rule.until_age + rule.years_after),
        )
    else:
        assert due == deleted_on + timedelta(days=rule.days_after_deletion)


@given(rules, days, days, st.none() | days)
def test_a_later_deletion_is_never_purged_sooner(rule, one, other, born):
    first, second = sorted((one, other))
    assert retention.purge_on(rule, first, born) <= retention.purge_on(rule, second, born)


@given(days, st.integers(0, 60))
def test_years_later_keeps_the_day_or_falls_back_to_28_february(day, years):
    later = retention.years_later(day, years)
    assert later.year == day.year + years and later.month == day.month
    assert later.day == day.day or (day.month, day.day, later.day) == (2, 29, 28)


def test_a_send_record_is_kept_to_the_31st_birthday_by_default():
    born = date(2014, 2, 28)
    assert retention.purge_on(Rule(), date(2026, 12, 3), born) == date(2045, 2, 28)
    assert retention.purge_on(Rule(until_age=None), date(2026, 12, 3), born) == date(2027, 1, 2)


def test_settings_per_kind_start_from_the_default():
    parsed = retention.parse({"default": {"years_after": 2}, "consent": {"until_age": None, "days_after_deletion": 7}})
    assert parsed["default"] == Rule(years_after=2)
    assert parsed["consent"] == Rule(days_after_deletion=7, until_age=None, years_after=2)
    assert retention.rule_for(parsed, "report") == parsed["default"]
    assert retention.rule_for({}, "report") == Rule()


@pytest.mark.parametrize(
    "config,names",
    [
        ({"report": {"years": 6}}, "'years'"),
        ({"report": {"years_after": -1}}, "'years_after'"),
        ({"default": {"days_after_deletion": "30"}}, "'days_after_deletion'"),
        ({"evidence": {"until_age": True}}, "'until_age'"),
    ],
)
def test_a_bad_setting_names_the_kind_and_field(config, names):
    with pytest.raises(ValueError) as raised:
        retention.parse(config)
    assert names in str(raised.value) and next(iter(config)) in str(raised.value)
