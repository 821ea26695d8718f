"""The clock with the council's settings: every app's bridge goes through it."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from highneeds.council import clock as council_clock


@pytest.mark.django_db
def test_a_case_the_clock_cannot_read_is_a_validation_error_naming_the_event():
    case = {
        "events": [
            {"type": "final_plan_issued", "date": "2024-01-10"},
            {"type": "review_decision", "date": "2024-02-01", "outcome": "maintain"},
        ]
    }
    with pytest.raises(ValidationError) as caught:
        council_clock.compute_case(case, today=date(2024, 3, 1))
    assert "events[1]" in " ".join(caught.value.messages)


@pytest.mark.django_db
def test_a_decision_notice_stands_on_its_own():
    case = {"events": [{"type": "decision_notice_sent", "date": "2024-01-10", "decision": "n1", "matter": "cessation"}]}
    result = council_clock.compute_case(case, today=date(2024, 1, 20))
    assert {s.step: s.due for s in result.deadlines}["appeal_deadline:n1"] == date(2024, 3, 10)
