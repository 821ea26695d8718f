"""Day one for a SENCO: sign in, ask for an EHC needs assessment for a pupil with the school's evidence, write and
submit the school's annual review report, open the review dates (also at 375 px), and try another school's ids.
`look` checks every page with axe and keeps a screenshot per role."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from highneeds.accounts.roles import SYSTEM
from highneeds.casework.models import AssessmentRequest
from highneeds.people import services as people
from highneeds.reviews import services as reviews
from highneeds.reviews.models import SchoolReviewReport
from tests.records.conftest import PDF, _media  # noqa: F401  (documents on a temporary storage)
from tests.reviews.conftest import make_plan  # noqa: F401

from .helpers import sign_in
from .screens import look

TODAY = date.today()


def _arranged_review(plan, caseworker, meeting_on):
    review = reviews.schedule_review(actor=caseworker, plan=plan)
    return reviews.arrange_meeting(
        actor=caseworker,
        review=review,
        meeting_on=meeting_on,
        arranged_on=meeting_on - timedelta(days=30),
        invitees=[{"role": r} for r in ("parent", "setting", "la_officer", "health", "social_care")],
    )


def test_a_senco_does_the_schools_part(page, live_server, make_user, make_child, make_establishment, make_plan):
    school, other = make_establishment(name="Testbrook Primary"), make_establishment(name="Elsewhere Academy")
    senco = make_user("senco", establishment=school, first_name="Sam", last_name="Senco")
    caseworker = make_user("caseworker", first_name="Casey", last_name="Worker")
    amara = make_child(first_name="Amara", last_name="Testworth", establishment=school)
    people.add_parent(actor=SYSTEM, child=amara, first_name="Pat", last_name="Testworth", address="1 Example Street")
    ben = make_child(first_name="Ben", last_name="Planholder", establishment=school, sen_status="E")
    review = _arranged_review(
        make_plan(child=ben, issued_on=TODAY - timedelta(days=350)), caseworker, TODAY - timedelta(days=3)
    )
    theirs = make_child(first_name="Olive", last_name="Otherschool", establishment=other, sen_status="E")
    their_review = reviews.schedule_review(
        actor=caseworker, plan=make_plan(child=theirs, issued_on=TODAY - timedelta(days=300))
    )

    sign_in(page, live_server, senco.username)
    expect(page.locator("#senco-review-counts")).to_contain_text("of 1 pupil with a plan")
    look(page, "senco", "home")

    # 1. A request for a pupil, with the school's evidence.
    page.get_by_role("link", name="Request an EHC needs assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request an EHC needs assessment")
    look(page, "senco", "request-form")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("alert")).to_contain_text("Select the pupil")
    look(page, "senco", "request-form-errors")
    page.get_by_label("Which pupil is the request for?").select_option(str(amara.pk))
    page.get_by_label("Why is the school asking for an assessment?").fill(
        "Two terms of SEN support with a speech and language programme; little progress."
    )
    page.get_by_label("The parents' views (or the young person's)").fill("Mum wants the assessment.")
    page.get_by_label("The parents (or the young person) agree to this request").check()
    page.get_by_label("The school's evidence (optional)").set_input_files(
        [{"name": "SEN support plan.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Request sent to the SEND team")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request for Amara Testworth")
    expect(page.get_by_role("link", name=re.compile("SEN support plan.pdf"))).to_be_visible()
    look(page, "senco", "request-sent")
    made = AssessmentRequest.objects.get(child=amara)
    assert made.submitted_via == "school" and made.requester_establishment_id == school.pk

    page.get_by_role("link", name="Requests", exact=True).click()
    expect(page.get_by_role("cell", name=made.reference)).to_be_visible()
    look(page, "senco", "requests")

    # 2. The review dates, and the school's report for Ben's review.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Annual review dates").click()
    expect(page.locator("#review-dates")).to_contain_text("Ben Planholder")
    expect(page.locator("#review-dates")).not_to_contain_text("Otherschool")
    look(page, "senco", "review-dates")
    page.set_viewport_size({"width": 375, "height": 800})
    look(page, "senco", "review-dates-375px")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Ben Planholder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual review for Ben Planholder")
    look(page, "senco", "review-report")
    page.get_by_label("The school's views").fill("Ben is settled and has made friends.")
    page.get_by_label("Partly being met").check()
    page.get_by_label("Progress towards the outcomes").fill("Reading age up 8 months; spelling still behind.")
    page.get_by_label("Attendance this school year, as a percentage (optional)").fill("94.5")
    page.get_by_label("Changes the school proposes to the plan").fill("More speech and language therapy.")
    page.get_by_label("Attach reports (optional)").set_input_files(
        [{"name": "reading assessment.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Save the report").click()
    expect(page.get_by_text("The school's report is saved")).to_be_visible()
    look(page, "senco", "review-report-draft")
    page.get_by_label("Who attended the meeting").fill("Parent, SENCO, class teacher, caseworker")
    page.get_by_role("button", name="Submit the report").click()
    expect(page.get_by_text("The school's report has been sent to the council")).to_be_visible()
    look(page, "senco", "review-report-submitted")
    report = SchoolReviewReport.objects.get(review=review)
    assert report.submitted_on == TODAY and report.documents.count() == 1
    review.refresh_from_db()
    assert review.held_on == TODAY - timedelta(days=3) and review.report_sent_on == TODAY

    # 3. Another school's ids: the same refusal as a missing one, and no name.
    for url in (f"/schools/reviews/{their_review.pk}/", f"/children/{theirs.pk}/", "/schools/reviews/999999/"):
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 403, url
        expect(page.locator("body")).not_to_contain_text("Otherschool")
    look(page, "senco", "another-schools-review-refused")

    # 4. The caseworker's review page shows the school's report as received.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, caseworker.username)
    page.goto(f"{live_server.url}/reviews/{review.pk}/")
    expect(page.locator("#school-report")).to_be_visible()
    expect(page.get_by_text("Reading age up 8 months; spelling still behind.")).to_be_visible()
    expect(page.get_by_role("link", name="reading assessment.pdf")).to_be_visible()
    look(page, "caseworker", "review-school-report-received")

    # 5. The public form takes evidence too (anyone, no account).
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server.url}/request-an-assessment/")
    expect(page.get_by_label("Reports or letters that support your request (optional)")).to_be_visible()
    look(page, "public", "request-form-with-evidence")
