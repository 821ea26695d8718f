"""A caseworker runs an annual review that amends the plan and another that ceases one, and the family sees
each outcome. Every page passes axe (no serious or critical violations)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from highneeds.accounts.roles import SYSTEM
from highneeds.people import services as people
from highneeds.reviews import services as reviews
from highneeds.reviews.models import AnnualReview

from .axe import assert_accessible
from .helpers import sign_in

TODAY = date.today()


def ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def make_plan(child, establishment):
    from highneeds.plans import sections
    from highneeds.plans.models import Plan, PlanVersion

    plan = Plan.objects.create(child=child, status="final", first_issued_on=ago(400))
    words = sections.blank()
    words["I"] = {"name": establishment.name, "type": "Mainstream school"}
    words["B"]["needs"] = [{"id": "b1", "area": "cognition_learning", "code": "MLD", "text": "Reads below age"}]
    words["F"]["items"] = [
        {
            "id": "f1",
            "what": "Reading programme",
            "who": "Specialist teacher",
            "expertise": "",
            "frequency": "Daily",
            "duration": "20 minutes",
            "group_size": "1:1",
            "needs": ["b1"],
            "outcomes": [],
        }
    ]
    PlanVersion.objects.create(
        plan=plan,
        number=1,
        kind="final",
        state="issued",
        sections=words,
        issued_on=ago(400),
        establishment=establishment,
    )
    return plan


def fill_date(page, field: str, value: date) -> None:
    page.fill(f"#id_{field}_day", str(value.day))
    page.fill(f"#id_{field}_month", str(value.month))
    page.fill(f"#id_{field}_year", str(value.year))


def save(page) -> None:
    page.get_by_role("button", name="Save").click()


def answer(page, question: str, choice: str) -> None:
    page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()


def decide(page, decision: str, on: date, reasons: str) -> None:
    page.get_by_role("link", name="Record the council's decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the council's decision")
    assert_accessible(page)
    page.get_by_label(decision, exact=True).check()
    fill_date(page, "decided_on", on)
    page.get_by_label("Reasons", exact=True).fill(reasons)
    return page


def test_caseworker_amends_one_plan_and_ceases_another_and_the_family_sees_both(
    page, live_server, make_user, make_child, make_establishment
):
    school = make_establishment(name="Brookside Primary")
    amara = make_child(first_name="Amara", last_name="Testworth", sen_status="E", establishment=school)
    rowan = make_child(first_name="Rowan", last_name="Testworth", sen_status="E", establishment=school)
    _amara_plan, rowan_plan = make_plan(amara, school), make_plan(rowan, school)
    worker = make_user("caseworker", first_name="Casey", last_name="Worker")
    parent = make_user("parent", first_name="Pat", last_name="Testworth")
    for child in (amara, rowan):
        people.add_parent(actor=SYSTEM, child=child, first_name="Pat", last_name="Testworth", user=parent)
    # Rowan's review has reached its meeting already (recorded through the services).
    later = reviews.schedule_review(actor=worker, plan=rowan_plan)
    reviews.arrange_meeting(
        actor=worker,
        review=later,
        meeting_on=ago(20),
        arranged_on=ago(50),
        invitees=[{"role": "parent"}, {"role": "setting"}],
    )
    reviews.send_invitations(actor=worker, review=later, sent_on=ago(40))
    reviews.record_meeting(
        actor=worker,
        review=later,
        held_on=ago(20),
        attendees="Parent, SENCO",
        outcomes_met="yes",
        adulthood_considered=False,
    )

    sign_in(page, live_server, worker.username)
    page.goto(f"{live_server.url}/reviews/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews and phase transfers")
    assert_accessible(page)

    # Amara: open the review from her history page, then every step through the forms.
    page.goto(f"{live_server.url}/reviews/child/{amara.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Open the next annual review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amara Testworth: annual review")
    assert_accessible(page)

    page.get_by_role("link", name="Arrange the review meeting").click()
    assert_accessible(page)
    fill_date(page, "meeting_on", ago(70))
    fill_date(page, "arranged_on", ago(100))
    save(page)
    expect(page.get_by_text("Meeting arranged").first).to_be_visible()

    page.get_by_role("link", name="Send the invitations and ask for advice").click()
    assert_accessible(page)
    fill_date(page, "on", ago(80))  # 10 days' notice: refused
    save(page)
    expect(page.get_by_role("alert")).to_contain_text("at least 2 weeks before the meeting")
    assert_accessible(page)
    fill_date(page, "on", ago(90))
    save(page)
    expect(page.get_by_text("Invitations sent").first).to_be_visible()

    page.get_by_role("link", name="Record the review meeting").click()
    assert_accessible(page)
    page.get_by_label("Who attended").fill("Pat Testworth, Ms Head (SENCO), Casey Worker")
    answer(page, "Are the plan's outcomes being met?", "Partly being met")
    page.get_by_label("Amendments the meeting recommends").fill("Add weekly speech and language therapy to F")
    save(page)
    expect(page.get_by_text("Meeting recorded").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record that the review report was sent").click()
    assert_accessible(page)
    fill_date(page, "on", ago(60))
    save(page)

    decide(page, "Amend the plan", ago(50), "Speech and language outcomes need more support")
    save(page)  # nothing said yet about stepping down or ceasing: refused
    expect(page.get_by_role("alert")).to_contain_text("Say whether stepping down to SEN support was considered")
    assert_accessible(page)
    answer(page, "Was stepping down to SEN support considered?", "Yes")
    page.get_by_label("Why stepping down was or was not pursued").fill("Needs still need the provision in F")
    answer(page, "Was ceasing the plan considered?", "No")
    page.get_by_label("Why ceasing was or was not pursued").fill("Outcomes not yet met")
    save(page)
    expect(page.get_by_text("the proposed amendments sent with it")).to_be_visible()
    expect(page.get_by_text("Waiting for the amended plan").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Issue the amended plan").click()
    assert_accessible(page)
    fill_date(page, "on", ago(20))
    save(page)
    expect(page.get_by_text("Amended plan issued").first).to_be_visible()
    assert_accessible(page)
    amended = AnnualReview.objects.get(child=amara)
    assert amended.stage == "closed" and amended.amendment.state == "issued"

    # Rowan: the meeting is recorded; the council decides to cease the plan.
    page.goto(f"{live_server.url}/reviews/?show=reviews&list=decision")
    assert_accessible(page)
    page.get_by_role("link", name="Rowan Testworth").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rowan Testworth: annual review")
    assert_accessible(page)
    decide(page, "Stop the plan", ago(10), "All outcomes met; needs can be met at SEN support")
    page.get_by_label("If stopping the plan: the reason (SEN2)").select_option("2")
    answer(page, "Was stepping down to SEN support considered?", "Yes")
    page.get_by_label("Why stepping down was or was not pursued").fill("Pursued: needs met at SEN support")
    answer(page, "Was ceasing the plan considered?", "Yes")
    page.get_by_label("Why ceasing was or was not pursued").fill("Outcomes achieved")
    save(page)
    expect(page.get_by_text("the cessation has started")).to_be_visible()
    assert_accessible(page)

    # The family signs in and sees each outcome.
    page.context.clear_cookies()
    sign_in(page, live_server, parent.username)
    page.goto(f"{live_server.url}/portal/requests/")
    page.get_by_role("link", name="Annual reviews of an EHC plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual reviews")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("Amara Testworth")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amara's annual review")
    expect(page.get_by_text("Decided: the plan has been amended")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("the changes we propose"))).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Annual reviews").click()
    page.get_by_role("link", name=re.compile("Rowan Testworth")).click()
    expect(page.get_by_text("Decided: we propose to stop the plan")).to_be_visible()
    expect(page.get_by_text("Your right to appeal", exact=False)).to_be_visible()
    assert_accessible(page)
    assert page.problems == [], page.problems
