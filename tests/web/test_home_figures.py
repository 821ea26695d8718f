"""Every count on the caseworker's and manager's home page is the count of the list it summarises, checked on
the demo council; and the demo, dated to today, gives a current-looking queue and timeliness figures."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command

from highneeds.accounts.models import User
from highneeds.casework import queue as wq
from highneeds.engine import publicdata
from highneeds.engine import timeliness as engine
from highneeds.insight.timeliness import figures
from highneeds.people.models import Child

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (settings.SHARED_DATA_DIR / publicdata.CASELOAD_FILE).is_file(), reason="shared data folder not present"
    ),
]


@pytest.fixture
def demo(client):
    call_command("demo_data", "--no-progress", "--scale", "0.05", "--as-of-today", stdout=io.StringIO())
    return {u.username: u for u in User.objects.filter(username__in=["caseworker", "manager"])}


def home_numbers(client, user) -> tuple[int, int, str]:
    client.force_login(user)
    body = client.get("/").content.decode()
    led = int(re.search(r"lead caseworker for <strong>([\d,]+)</strong>", body).group(1).replace(",", ""))
    open_ = int(re.search(r"You have <a[^>]*><strong>([\d,]+)</strong> open", body).group(1).replace(",", ""))
    return led, open_, body


def test_home_counts_match_the_lists_they_summarise(client, demo):
    for user in demo.values():
        led, open_, body = home_numbers(client, user)
        assert open_ == wq.queue(user).count() > 0  # the work queue's own list
        assert led == wq.children_led_by(user, user).count()
        assert led == Child.objects.filter(lead_caseworker=user).count()
    manager = demo["manager"]
    _, _, body = home_numbers(client, manager)
    rows = wq.caseloads(manager)
    everyone = wq.queue(manager, wq.QueueFilter(caseworker=wq.ALL)).count()
    assert sum(r.open_requests for r in rows) == everyone
    for row in rows:
        if row.caseworker is None:
            continue
        listed = wq.queue(manager, wq.QueueFilter(caseworker=row.caseworker.pk)).count()
        assert row.open_requests == listed
        assert row.children_led == Child.objects.filter(lead_caseworker=row.caseworker).count()
        # the row as shown: name, children, open requests, never a count multiplied by a join
        assert re.search(
            rf"{re.escape(row.name)}</td>\s*<td[^>]*>{row.children_led}</td>\s*<td[^>]*>"
            rf"{row.open_requests}</td>",
            body,
        ), row.name
    assert sum(r.children_led for r in rows) <= Child.objects.count()


def test_other_homes_and_the_review_tracker_count_their_own_lists(client, demo):
    from highneeds.people.queries import visible_children
    from highneeds.reviews import queries as reviews

    senco = User.objects.get(username="senco")
    client.force_login(senco)
    body = client.get("/").content.decode()
    total = visible_children(senco).count()
    shown = re.search(r"Showing the first 50 of <strong>(\d+)</strong>", body)
    assert (int(shown.group(1)) if shown else body.count('class="govuk-table__row"') - 1) == total
    manager = demo["manager"]
    for show in ("reviews", "transfers", "reassessments"):
        criteria = reviews.TrackerFilter(show=show)
        counts = reviews.counts(manager, criteria)
        assert sum(counts[r] for r in wq.RAG_LABELS) == reviews.rows(manager, criteria).count()
        for rag in wq.RAG_LABELS:
            assert counts[rag] == reviews.rows(manager, reviews.TrackerFilter(show=show, rag=rag)).count()


def test_the_demo_is_dated_to_today(demo):
    manager = demo["manager"]
    counts = wq.rag_counts(manager, wq.QueueFilter(caseworker=wq.ALL))
    total = sum(counts.values())
    assert total and counts[wq.OVERDUE] / total < 0.5  # a real council's queue, not one a year behind
    last_year = figures(*engine.calendar_year(date.today().year - 1))
    assert last_year["plans"].denominator > 0 and last_year["decisions"].denominator > 0
