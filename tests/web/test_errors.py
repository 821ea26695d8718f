"""The statutory clock's messages reach a page in plain English, beside the field they are about (issue 11)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django import forms
from hypothesis import given, settings
from hypothesis import strategies as st

from highneeds.engine.clock import ClockInputError, compute_case
from highneeds.engine.clock.vocabulary import EVENT_SPECS, EXCEPTION_CODES
from highneeds.web.errors import FALLBACK, is_engine_message, translate
from highneeds.web.forms import GovukDateField, GovukForm

# What must never reach a page: the engine's paths, ISO dates and its snake_case names.
RAW = re.compile(r"events\[|exceptions\[|\d{4}-\d\d-\d\d|\b[a-z]+_[a-z_]+\b|'[a-z_]+'")


class StepForm(GovukForm):
    decided_on = GovukDateField(label="Date of the decision")
    reasons = forms.CharField(label="Reasons")


class ExceptionForm(GovukForm):
    date_from = GovukDateField(label="From")
    date_to = GovukDateField(label="To")
    adviser = forms.ChoiceField(label="Advice", required=False)


FIELDS = StepForm().fields


@pytest.mark.parametrize(
    "message,field,sentence",
    [
        (
            "events[2]: decision_to_assess on 2026-03-01 is after today (2026-02-27)",
            "decided_on",
            "The date must be today or in the past",
        ),
        (
            "events[1]: decision_to_assess on 2025-01-01 is before the clock starts on 2025-02-03",
            "decided_on",
            "The date must be on or after 3 February 2025, when the request was received",
        ),
        (
            "events[3]: draft_plan_sent on 2025-05-01 is before decision_to_issue on 2025-05-02",
            "decided_on",
            "The date must be on or after 2 May 2025, the date of the decision whether to issue a plan",
        ),
        (
            "events[4]: advice_received on 2025-06-01 is after request_withdrawn on 2025-05-01",
            "decided_on",
            "The date must be on or before 1 May 2025, the date of the withdrawal of the request",
        ),
        (
            "events[0]: draft_plan_sent on 2025-05-01 needs a decision_to_issue with outcome 'issue' before it",
            None,
            "Record the decision whether to issue a plan first",
        ),
        (
            "events[5]: a second decision_to_assess (the first is events[1])",
            None,
            "The decision whether to assess is already recorded for this case",
        ),
        ("events[2].date: '2025-02-30' is not a valid date", "decided_on", "Enter a real date"),
        ("events[2]: decision_to_assess needs 'reasons'", "reasons", "Enter the reasons"),
        ("events[2]: something the rules do not know", "decided_on", FALLBACK),
    ],
)
def test_each_clock_message_has_its_field_and_sentence(message, field, sentence):
    assert translate(message, FIELDS) == (field, sentence)


def test_an_exceptions_message_goes_to_its_own_date():
    fields = ExceptionForm().fields
    assert translate("exceptions[0]: 'to' 2025-01-01 is before 'from' 2025-02-01", fields) == (
        "date_to",
        "The last day must be the same as or after the first day",
    )
    assert translate("exceptions[0]: SCHOOL_CLOSURE needs 'to' (the last day)", fields)[0] == "date_to"
    assert translate("exceptions[1].from: missing", fields) == ("date_from", "Enter a real date")


def test_a_message_that_is_not_the_engines_is_left_alone():
    assert not is_engine_message("Enter the reasons")
    assert translate("Enter the reasons", FIELDS) == (None, "Enter the reasons")


def test_the_form_shows_it_beside_the_field_and_in_the_summary():
    form = StepForm({"reasons": "x", "decided_on-day": "1", "decided_on-month": "3", "decided_on-year": "2026"})
    assert form.is_valid()
    from django.core.exceptions import ValidationError

    from highneeds.web.forms import add_errors

    add_errors(form, ValidationError({"__all__": ["events[2]: decision_to_assess on 2026-03-01 is after today (x)"]}))
    assert form.errors == {"decided_on": ["The date must be today or in the past"]}


DAY = date(2025, 1, 6)
dates = st.integers(-400, 400).map(lambda n: (DAY + timedelta(days=n)).isoformat()) | st.sampled_from(
    ["2025-02-30", "", "x", None, 20250101]
)
events = st.fixed_dictionaries(
    {"type": st.sampled_from(sorted(EVENT_SPECS) + ["nonsense"]), "date": dates},
    optional={
        "outcome": st.sampled_from(["assess", "not_assess", "issue", "not_issue", "bogus"]),
        "adviser": st.sampled_from(["educational_psychology", "health", "x"]),
        "urn": st.sampled_from(["100001", "100002"]),
        "decision": st.sampled_from(["d1", "d2"]),
    },
)
exceptions = st.fixed_dictionaries(
    {"type": st.sampled_from([*EXCEPTION_CODES, "NOPE"])},
    optional={"from": dates, "to": dates, "date": dates, "adviser": st.sampled_from(["health", "x"])},
)
cases = st.fixed_dictionaries(
    {"events": st.lists(events, max_size=8)},
    optional={"request_received": dates, "responsible_from": dates, "exceptions": st.lists(exceptions, max_size=3)},
)


@settings(max_examples=400, deadline=None)
@given(cases)
def test_no_message_of_the_real_engine_reaches_a_page_raw(case):
    """Whatever case the engine refuses, every one of its messages becomes a plain sentence on a form field."""
    try:
        compute_case(case, today=DAY + timedelta(days=200))
    except ClockInputError as exc:
        for message in exc.errors:
            assert is_engine_message(message), message
            for fields in (FIELDS, ExceptionForm().fields):
                field, sentence = translate(message, fields)
                assert field is None or field in fields
                assert not RAW.search(sentence), (message, sentence)
