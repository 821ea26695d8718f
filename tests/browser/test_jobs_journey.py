"""An administrator finds a failed background job, reads its error and retries it; the person who started a job
follows it on its own page. Every page passes axe; screenshots in $HIGHNEEDS_SCREENSHOTS if set."""

from __future__ import annotations

import os

from playwright.sync_api import expect

from .axe import assert_accessible
from .helpers import sign_in


def _shot(page, name):
    folder = os.environ.get("HIGHNEEDS_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"jobs-{name}.png"), full_page=True)


def test_administrator_retries_a_failed_job_and_the_starter_follows_it(page, live_server, make_user):
    from django_tasks_db.models import DBTaskResult

    from highneeds.jobs.nightly import nightly
    from highneeds.plans.tasks import render_plan_pdf

    caseworker = make_user("caseworker")
    admin = make_user("admin")
    nightly.enqueue("2024-01-01")
    failing = render_plan_pdf.enqueue(999999, "plan", requested_by=caseworker.pk)  # no such version: it fails
    expect.set_options(timeout=10_000)

    sign_in(page, live_server, caseworker.username)
    page.goto(f"{live_server.url}/admin/jobs/{failing.id}/")
    expect(page.get_by_role("heading", name="This job failed")).to_be_visible()
    expect(page.get_by_text("An administrator can see what went wrong")).to_be_visible()
    expect(page.get_by_role("button", name="Retry")).to_have_count(0)
    assert_accessible(page)
    _shot(page, "starter-sees-failure")
    page.context.clear_cookies()

    sign_in(page, live_server, admin.username)
    page.get_by_role("link", name="Background jobs").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Background jobs")
    row = page.locator("tr", has_text="Plan PDF")
    expect(row).to_contain_text("Failed")
    expect(row).to_contain_text("DoesNotExist")
    expect(page.locator("tr", has_text="Nightly recalculation")).to_contain_text("Finished")
    assert_accessible(page)
    _shot(page, "list")
    row.get_by_role("button", name="Retry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan PDF")
    expect(page.get_by_text("queued again")).to_be_visible()
    assert_accessible(page)
    _shot(page, "retried")
    assert DBTaskResult.objects.filter(task_path__endswith="render_plan_pdf").count() == 2
    page.get_by_role("link", name="All background jobs").click()
    page.get_by_role("link", name="Failed").first.click()
    expect(page.get_by_role("table")).to_contain_text("Plan PDF")
    _shot(page, "failed-filter")
    assert not page.problems, page.problems
