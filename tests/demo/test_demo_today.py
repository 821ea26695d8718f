"""`highneeds demo-data --as-of-today`: census day becomes today, so open requests were received recently."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from highneeds.casework.models import AssessmentRequest
from highneeds.demo.synthetic import render
from highneeds.demo.synthetic.vocabulary import REFERENCE_DATE
from highneeds.engine import publicdata


@given(st.dates(min_value=date(2022, 1, 20), max_value=date(2099, 12, 31)))
def test_the_shift_moves_census_day_to_the_day_given(today):
    assert REFERENCE_DATE + timedelta(days=render.shift_days_to(today)) == today


@pytest.mark.django_db
@pytest.mark.skipif(
    not (settings.SHARED_DATA_DIR / publicdata.CASELOAD_FILE).is_file(), reason="shared data folder not present"
)
def test_open_requests_were_received_in_the_last_twenty_weeks():
    with pytest.raises(CommandError, match="cannot be used together"):
        call_command("demo_data", "--no-progress", "--as-of-today", "--shift-years", "4", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_data", "--no-progress", "--scale", "0.03", "--as-of-today", stdout=out)
    assert "census day is today" in out.getvalue()
    received = list(
        AssessmentRequest.objects.filter(status__in=AssessmentRequest.OPEN).values_list("received_on", flat=True)
    )
    assert received and all(date.today() - timedelta(weeks=20) <= r <= date.today() for r in received)
    assert not AssessmentRequest.objects.filter(received_on__gt=date.today()).exists()
