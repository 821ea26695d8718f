"""A school's SENCO: requests for pupils (with evidence), following them, the review dates and the school's review
report; another school's ids get the same 403 as a missing one."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from highneeds.audit.models import AuditEvent
from highneeds.casework.models import AssessmentRequest
from highneeds.letters.models import Letter
from highneeds.people.models import Child
from highneeds.records.models import PROFESSIONALS, Document
from highneeds.reviews import queries as review_queries
from highneeds.reviews import services as reviews
from highneeds.reviews.models import AnnualReview, SchoolReviewReport
from tests.records.conftest import PDF, _media, world  # noqa: F401  (a school, its SENCO, another school's)
from tests.reviews.conftest import make_plan  # noqa: F401

NEW = "/schools/requests/new/"


def ask(**overrides) -> dict:
    data = {
        "reason": "Little progress after two terms of SEN support.",
        "parent_views": "Mum agrees.",
        "consent": "yes",
    }
    data.update(overrides)
    return data


def new_pupil(**overrides) -> dict:
    data = ask(
        pupil="new",
        child_first_name="Ari",
        child_last_name="Newpupil",
        **{"child_date_of_birth-day": "4", "child_date_of_birth-month": "2", "child_date_of_birth-year": "2016"},
        child_sex="M",
        child_postcode="ZZ1 1ZZ",
        parent_first_name="Kim",
        parent_last_name="Newpupil",
        parent_relationship="Mother",
        parent_address="2 Example Road, Sampletown",
        parent_email="kim@example.org",
    )
    data.update(overrides)
    return data


def test_a_senco_asks_for_a_pupil_with_evidence_and_follows_it(client, world, django_capture_on_commit_callbacks):
    senco, child = world["users"]["senco"], world["child"]
    client.force_login(senco)
    assert f"{NEW}?child={child.pk}" in client.get(f"/children/{child.pk}/").content.decode()  # from the pupil's page
    assert f'href="{NEW}"' in client.get("/").content.decode()  # and from the SENCO's home
    page = client.get(f"{NEW}?child={child.pk}").content.decode()
    assert f'value="{child.pk}" selected' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            NEW,
            ask(pupil=str(child.pk), attachments=[SimpleUploadedFile("sen support plan.pdf", PDF)]),
        )
    made = AssessmentRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/schools/requests/{made.pk}/"
    assert (made.child, made.source, made.submitted_via) == (child, "2", "school")
    assert made.requester_establishment_id == senco.establishment_id and made.requester_name == "Our School"
    assert "Consent: The parents (or the young person) agree" in made.reason and "Mum agrees." in made.reason
    doc = Document.objects.get(request=made, category="evidence")
    assert (doc.child, doc.audience, doc.uploaded_by) == (child, PROFESSIONALS, senco)
    # Letters go to the parents on the record, never to the school.
    assert list(Letter.objects.filter(request=made).values_list("recipient", flat=True)) == ["Pat Testworth"]
    listing = client.get("/schools/requests/").content.decode()
    assert made.reference in listing and "We are deciding whether to carry out an assessment" in listing
    detail = client.get(f"/schools/requests/{made.pk}/").content.decode()
    assert "sen support plan.pdf" in detail or "Evidence: sen support plan.pdf" in detail
    assert AuditEvent.objects.filter(action="school.view_request", child_id=child.pk).exists()
    # The request is in the caseworker's queue as a school's request.
    client.force_login(world["users"]["manager"])
    assert made.child.full_name in client.get("/cases/").content.decode()
    case_page = client.get(f"/cases/{made.pk}/").content.decode()
    assert "Our School" in case_page and "school or education setting" in case_page


def test_a_new_pupil_gets_a_record_at_the_school_with_the_parent_for_letters(client, world):
    senco = world["users"]["senco"]
    client.force_login(senco)
    response = client.post(NEW, new_pupil())
    made = AssessmentRequest.objects.get()
    assert response.status_code == 302
    pupil = made.child
    assert (pupil.first_name, pupil.date_of_birth) == ("Ari", date(2016, 2, 4))
    assert pupil.placements.get().establishment_id == senco.establishment_id
    parent = pupil.parents.get()
    assert (parent.first_name, parent.address, parent.parental_responsibility) == (
        "Kim",
        "2 Example Road, Sampletown",
        True,
    )
    assert made.match_status == ""


def test_a_new_pupil_matching_a_known_child_is_held_for_the_caseworker(client, world):
    other_child = world["other_child"]
    client.force_login(world["users"]["senco"])
    client.post(
        NEW,
        new_pupil(
            child_first_name=other_child.first_name,
            child_last_name=other_child.last_name,
            **{
                "child_date_of_birth-day": str(other_child.date_of_birth.day),
                "child_date_of_birth-month": str(other_child.date_of_birth.month),
                "child_date_of_birth-year": str(other_child.date_of_birth.year),
            },
        ),
    )
    made = AssessmentRequest.objects.get()
    assert made.child != other_child and made.possible_match == other_child and made.match_status == "possible"
    assert not other_child.requests.exists()


@pytest.mark.parametrize(
    "post,field,message",
    [
        ({"pupil": ""}, "pupil", "Select the pupil"),
        ({"consent": ""}, "consent", "Select whether the parents or young person agree"),
        ({"reason": ""}, "reason", "Enter why the school is asking"),
        ({"pupil": "new", "child_first_name": ""}, "child_first_name", "Enter the pupil's first name"),
        ({"pupil": "new", "parent_address": ""}, "parent_address", "Enter the pupil"),
        ({"pupil": "new", "child_date_of_birth-year": "1890"}, "child_date_of_birth", ""),
        ({"pupil": "new", "attachments": [SimpleUploadedFile("x.exe", b"MZ")]}, "attachments", "x.exe:"),
        ({"pupil": "new", "child_postcode": "NOT A POSTCODE"}, "child_postcode", "Home postcode must be 10 characters"),
        ({"reason": "x" * 20_000}, "reason", " must be "),
    ],
)
def test_bad_input_is_named_beside_its_field_and_nothing_is_written(client, world, post, field, message):
    client.force_login(world["users"]["senco"])
    base = new_pupil() if post.get("pupil") == "new" else ask(pupil=str(world["child"].pk))
    before = Child.objects.count()
    body = html.unescape(client.post(NEW, {**base, **post}).content.decode())
    assert f'id="id_{field}-error"' in body or f'id="{field}-error"' in body
    assert message in body
    assert not AssessmentRequest.objects.exists() and Child.objects.count() == before


def test_another_schools_pupil_cannot_be_chosen_or_named(client, world):
    client.force_login(world["users"]["senco"])
    assert client.get(f"{NEW}?child={world['other_child'].pk}").status_code == 403
    assert client.get(f"{NEW}?child=999999").status_code == 403
    body = client.post(NEW, ask(pupil=str(world["other_child"].pk))).content.decode()
    assert 'id="id_pupil-error"' in body and not AssessmentRequest.objects.exists()


@pytest.mark.parametrize("junk", ["abc", "²", "١٢٣٤٥٦٧"])
def test_a_nonsense_pupil_in_the_query_string_is_ignored_or_refused_never_a_server_error(client, world, junk):
    client.force_login(world["users"]["senco"])
    assert client.get(NEW, {"child": junk}).status_code in (200, 403)


def test_another_schools_request_is_refused_like_a_missing_one(client, world):
    client.force_login(world["users"]["senco"])
    client.post(NEW, ask(pupil=str(world["child"].pk)))
    made = AssessmentRequest.objects.get()
    client.force_login(world["users"]["other_senco"])
    assert client.get(f"/schools/requests/{made.pk}/").status_code == 403
    assert client.get("/schools/requests/999999/").status_code == 403
    assert made.reference not in client.get("/schools/requests/").content.decode()


# ---------------------------------------------------------------------------------------------
# Review dates and the school's report


@pytest.fixture
def plans(world, make_plan, make_child):
    """Three pupils with plans at the school (overdue, due soon, later) and one at another school."""
    school = world["users"]["senco"].establishment
    today = date.today()
    made = {}
    for key, issued in (("overdue", 400), ("soon", 340), ("later", 100)):
        child = make_child(establishment=school, first_name=key.title(), sen_status="E")
        made[key] = make_plan(child=child, issued_on=today - timedelta(days=issued))
    made["elsewhere"] = make_plan(establishment=world["other_child"].placements.get().establishment)
    return made


def test_the_review_dates_list_every_pupil_with_a_plan_and_agree_with_the_home_page(client, world, plans):
    senco = world["users"]["senco"]
    caseworker = world["users"]["caseworker"]
    reviews.schedule_review(actor=caseworker, plan=plans["overdue"])
    rows = review_queries.school_review_dates(senco, date.today())
    assert [r.name.split()[0] for r in rows] == ["Overdue", "Soon", "Later"]
    assert [r.status for r in rows] == ["overdue", "due_soon", ""]
    counts = review_queries.school_review_counts(rows)
    client.force_login(senco)
    page = client.get("/schools/reviews/").content.decode()
    home = client.get("/").content.decode()
    for body in (page, home):
        assert f"<strong>{counts['overdue']}</strong> overdue" in body
        assert f"<strong>{counts['due_soon']}</strong> due soon" in body
    assert counts == {"pupils": 3, "overdue": 1, "due_soon": 1}
    assert plans["elsewhere"].child.full_name not in page
    assert 'data-label="Review due by"' in page  # the responsive table


@given(due=st.dates(date(2020, 1, 1), date(2030, 12, 31)), today=st.dates(date(2020, 1, 1), date(2030, 12, 31)))
def test_a_review_is_overdue_due_soon_or_neither_by_its_distance_from_today(due, today):
    status = review_queries.school_status(due, today)
    days = (due - today).days
    assert status == ("overdue" if days < 0 else "due_soon" if days <= review_queries.DUE_SOON_DAYS else "")
    assert review_queries.school_status(None, today) == ""
    # Moving today later never makes a review less urgent.
    later = review_queries.school_status(due, today + timedelta(days=1))
    order = {"": 0, "due_soon": 1, "overdue": 2}
    assert order[later] >= order[status]


def _held_review(world, plans):
    caseworker = world["users"]["caseworker"]
    review = reviews.schedule_review(actor=caseworker, plan=plans["soon"])
    today = date.today()
    reviews.arrange_meeting(
        actor=caseworker,
        review=review,
        meeting_on=today - timedelta(days=3),
        arranged_on=today - timedelta(days=30),
        invitees=[{"role": r} for r in ("parent", "setting", "la_officer", "health", "social_care")],
    )
    return review


def test_before_the_meeting_is_arranged_the_report_is_saved_but_no_submit_button_offers_what_would_fail(
    client, world, plans
):
    review = reviews.schedule_review(actor=world["users"]["caseworker"], plan=plans["soon"])
    assert review.stage == "due"
    url = f"/schools/reviews/{review.pk}/"
    client.force_login(world["users"]["senco"])
    saved = {"action": "save", "school_views": "Settled.", "outcomes_met": "yes", "progress": "Good."}
    assert client.post(url, saved).status_code == 302
    page = html.unescape(client.get(url).content.decode())
    assert "once the SEND team has arranged the review meeting" in page
    assert 'value="submit"' not in page and "Submit the report</button>" not in page


def test_a_meeting_date_before_the_plan_is_refused_in_plain_english_beside_the_date(client, world, plans):
    review = _held_review(world, plans)
    url = f"/schools/reviews/{review.pk}/"
    client.force_login(world["users"]["senco"])
    saved = {"action": "save", "school_views": "Settled.", "outcomes_met": "yes", "progress": "Good."}
    assert client.post(url, saved).status_code == 302
    body = html.unescape(
        client.post(
            url,
            {
                "action": "submit",
                **{"held_on-day": "1", "held_on-month": "1", "held_on-year": "1990"},
                "attendees": "Mum, SENCO",
            },
        ).content.decode()
    )
    beside = body.split('id="id_held_on-error"')[1][:300]
    assert "events[" not in body and "final_plan" not in body
    assert "The date must be on or after" in beside and "(final plan issued)" in beside
    review.refresh_from_db()
    assert review.stage == "arranged" and review.held_on is None


def test_once_the_meeting_is_held_the_review_dates_show_the_day_it_was_held(client, world, plans):
    review = _held_review(world, plans)  # arranged for 3 days ago
    held = date.today() - timedelta(days=2)
    client.force_login(world["users"]["senco"])
    saved = {"action": "save", "school_views": "Settled.", "outcomes_met": "yes", "progress": "Good."}
    assert client.post(f"/schools/reviews/{review.pk}/", saved).status_code == 302
    submit = {"action": "submit", "attendees": "Mum, SENCO", "adulthood_considered": "on"}
    submit.update({"held_on-day": held.day, "held_on-month": held.month, "held_on-year": held.year})
    assert client.post(f"/schools/reviews/{review.pk}/", submit).status_code == 302
    row = next(r for r in review_queries.school_review_dates(world["users"]["senco"], date.today()) if r.review_id)
    assert row.meeting_on == held


def test_the_senco_writes_and_submits_the_report_and_the_caseworker_sees_it_received(client, world, plans):
    review = _held_review(world, plans)
    url = f"/schools/reviews/{review.pk}/"
    client.force_login(world["users"]["senco"])
    # Submitting before anything is written is refused, naming the fields.
    body = html.unescape(client.post(url, {"action": "submit"}).content.decode())
    assert "Save the school's report first" in body
    body = client.post(
        url,
        {
            "action": "save",
            "school_views": "Settled and making friends.",
            "outcomes_met": "partly",
            "progress": "Reading age up 8 months.",
            "attendance": "200",
        },
    ).content.decode()
    assert "Attendance must be between 0 and 100 percent" in body and not SchoolReviewReport.objects.exists()
    client.post(
        url,
        {
            "action": "save",
            "school_views": "Settled and making friends.",
            "outcomes_met": "partly",
            "progress": "Reading age up 8 months.",
            "attendance": "93.5",
            "proposed_changes": "More speech and language therapy.",
            "attachments": [SimpleUploadedFile("reading assessment.pdf", PDF)],
        },
    )
    report = SchoolReviewReport.objects.get()
    assert report.submitted_on is None and report.documents.get().original_name == "reading assessment.pdf"
    # The caseworker does not see a draft.
    client.force_login(world["users"]["caseworker"])
    assert "Not received yet" in client.get(f"/reviews/{review.pk}/").content.decode()
    client.force_login(world["users"]["senco"])
    held = (date.today() - timedelta(days=3)).strftime("%d %m %Y").split()
    response = client.post(
        url,
        {
            "action": "submit",
            "held_on-day": held[0],
            "held_on-month": held[1],
            "held_on-year": held[2],
            "attendees": "Parent, SENCO, caseworker",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    report.refresh_from_db()
    assert review.stage == "held" and review.held_on == date.today() - timedelta(days=3)
    assert review.report_sent_on == date.today() and report.submitted_on == date.today()
    assert review.recommended_amendments == "More speech and language therapy."
    client.force_login(world["users"]["caseworker"])
    page = client.get(f"/reviews/{review.pk}/").content.decode()
    assert "Received</strong> on" in page and "Reading age up 8 months." in page and "reading assessment.pdf" in page
    # Submitted: the school can no longer change it.
    client.force_login(world["users"]["senco"])
    body = client.post(url, {"action": "save", "school_views": "Changed"}).content.decode()
    assert "has been submitted" in body
    report.refresh_from_db()
    assert report.school_views == "Settled and making friends."


def test_another_schools_review_is_refused_like_a_missing_one(client, world, plans):
    review = reviews.schedule_review(actor=world["users"]["caseworker"], plan=plans["soon"])
    client.force_login(world["users"]["other_senco"])
    for url in (f"/schools/reviews/{review.pk}/", "/schools/reviews/999999/"):
        assert client.get(url).status_code == 403
        assert client.post(url, {"action": "save", "school_views": "x"}).status_code == 403
    assert not SchoolReviewReport.objects.exists()
    assert AnnualReview.objects.get().stage == "due"


def test_a_second_request_while_one_is_open_joins_it_and_says_so(client, world):
    client.force_login(world["users"]["senco"])
    child = world["child"]
    client.post(NEW, ask(pupil=str(child.pk)))
    client.post(NEW, ask(pupil=str(child.pk)))
    first, second = AssessmentRequest.objects.order_by("pk")
    assert second.duplicate_of == first and second.status == "withdrawn"
    page = client.get(f"/schools/requests/{second.pk}/", follow=True).content.decode()
    assert "joined it" in page
