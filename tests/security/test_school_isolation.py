"""The permission matrix for schools: a SENCO of school A gets the same 403 for school B's pupils, requests,
reviews, documents and advice as for an id that does not exist, reading or writing; school B's own SENCO is let
in (so each refusal is about the school, not a broken page)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from highneeds.casework import services as cw
from highneeds.casework.models import AssessmentRequest
from highneeds.records import services as records
from highneeds.records.attachments import Attachment
from highneeds.reviews import services as reviews
from highneeds.reviews.models import SchoolReviewReport
from tests.records.conftest import PDF, _media, world  # noqa: F401
from tests.reviews.conftest import make_plan  # noqa: F401

MISSING = 999999


@pytest.fixture
def school_b(world, make_plan, make_user):
    """School B's pupil with a plan and a review, a request its SENCO made (with evidence), advice asked of the
    school, and a document on the pupil's record."""
    users, pupil = world["users"], world["other_child"]
    caseworker = users["caseworker"]
    make_plan(child=pupil, issued_on=date.today() - timedelta(days=340))
    review = reviews.schedule_review(actor=caseworker, plan=pupil.plans.get())
    request = cw.submit_school_request(
        actor=users["other_senco"],
        received_on=date.today(),
        reason="Needs more than SEN support",
        parent_views="",
        consent="yes",
        child=pupil,
        attachments=[Attachment("evidence.pdf", PDF)],
    )
    cw.decide_whether_to_assess(actor=caseworker, request=request, assess=True, decided_on=date.today(), reasons="x")
    adviser = make_user("professional")
    advice = cw.request_advice(
        actor=caseworker, request=request, adviser_type="setting", requested_on=date.today(), adviser=adviser
    )
    document = records.upload_document(
        actor=caseworker,
        child=pupil,
        name="report.pdf",
        data=PDF,
        title="Report",
        category="report",
        audience="professionals",
    )
    return {"pupil": pupil, "review": review, "request": request, "advice": advice, "document": document}


# (what, the page for school B's object, the same page for a missing id)
PAGES = [
    ("pupil's record", "/children/{pupil}/", "/children/{missing}/"),
    ("pupil's case file", "/records/children/{pupil}/", "/records/children/{missing}/"),
    ("document", "/records/documents/{document}/", "/records/documents/{missing}/"),
    ("request form for the pupil", "/schools/requests/new/?child={pupil}", "/schools/requests/new/?child={missing}"),
    ("the school's request", "/schools/requests/{request}/", "/schools/requests/{missing}/"),
    ("the school's report", "/schools/reviews/{review}/", "/schools/reviews/{missing}/"),
    ("views before the review", "/reviews/family/{review}/views/", "/reviews/family/{missing}/views/"),
    ("advice asked of the school", "/portal/advice/{advice}/", "/portal/advice/{missing}/"),
]


def _fill(template: str, b: dict) -> str:
    return template.format(
        pupil=b["pupil"].pk,
        document=b["document"].pk,
        request=b["request"].pk,
        review=b["review"].pk,
        advice=b["advice"].pk,
        missing=MISSING,
    )


@pytest.mark.parametrize("what,page,missing", PAGES, ids=[p[0] for p in PAGES])
def test_another_schools_objects_are_refused_like_missing_ones(client, world, school_b, what, page, missing):
    client.force_login(world["users"]["senco"])
    theirs, absent = client.get(_fill(page, school_b)), client.get(_fill(missing, school_b))
    assert theirs.status_code == absent.status_code
    assert theirs.status_code in (403, 404)
    assert school_b["pupil"].first_name not in theirs.content.decode()


@pytest.mark.parametrize(
    "what,page",
    [p[:2] for p in PAGES if p[0] not in ("advice asked of the school",)],
    ids=[p[0] for p in PAGES if p[0] != "advice asked of the school"],
)
def test_school_bs_own_senco_is_let_in(client, world, school_b, what, page):
    client.force_login(world["users"]["other_senco"])
    response = client.get(_fill(page, school_b))
    assert response.status_code == 200, what


def test_writes_to_another_schools_objects_are_refused_and_change_nothing(client, world, school_b):
    client.force_login(world["users"]["senco"])
    review = school_b["review"]
    assert client.post(f"/schools/reviews/{review.pk}/", {"action": "save", "school_views": "x"}).status_code == 403
    assert client.post(f"/schools/reviews/{review.pk}/", {"action": "submit"}).status_code == 403
    refused = client.post(f"/reviews/family/{review.pk}/views/", {"text": "x"}).status_code
    assert refused == client.post(f"/reviews/family/{MISSING}/views/", {"text": "x"}).status_code
    assert refused in (403, 404)
    assert not SchoolReviewReport.objects.exists() and not review.contributions.exists()
    body = client.post(
        "/schools/requests/new/", {"pupil": str(school_b["pupil"].pk), "reason": "x", "consent": "yes"}
    ).content.decode()
    assert 'id="id_pupil-error"' in body
    assert AssessmentRequest.objects.count() == 1


def test_lists_show_only_the_schools_own(client, world, school_b):
    client.force_login(world["users"]["senco"])
    for url in ("/schools/requests/", "/schools/reviews/", "/"):
        assert school_b["pupil"].first_name not in client.get(url).content.decode(), url
    client.force_login(world["users"]["other_senco"])
    assert school_b["pupil"].full_name in client.get("/schools/reviews/").content.decode()
    assert school_b["request"].reference in client.get("/schools/requests/").content.decode()


@pytest.mark.parametrize("role", ["caseworker", "parent", "professional", "finance", "admin"])
def test_only_sencos_reach_the_school_pages(client, world, role):
    client.force_login(world["users"][role])
    for url in ("/schools/requests/", "/schools/requests/new/", "/schools/reviews/"):
        assert client.get(url).status_code == 403, (role, url)
