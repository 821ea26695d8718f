"""The advice pages as the adviser, the SENCO, the caseworker and the attacker: save as draft and carry on,
attach a report, submit once, My deadlines and its counts on the home page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from highneeds.audit.models import AuditEvent
from highneeds.casework import services as cw
from highneeds.casework.models import AdviceRequest
from highneeds.casework.queries import advice_counts, my_advice_requests
from highneeds.records.models import Document
from tests.casework.test_advice import TODAY, case  # noqa: F401 (the fixture)
from tests.portal.test_portal_advice import sign_in, text
from tests.records.conftest import PDF

SECRET = "Reads two years below age; needs a daily phonics group"


def url(advice) -> str:
    return f"/portal/advice/{advice.pk}/"


def pdf(name="report.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_save_a_draft_come_back_and_submit(client, case):  # noqa: F811
    advice = case["ep_advice"]
    sign_in(client, case["ep"])
    page = client.get(url(advice)).content.decode()
    assert "Save as draft" in page and "Submit advice" in page and 'enctype="multipart/form-data"' in page
    response = client.post(url(advice), {"action": "draft", "needs": SECRET, "report": pdf()})
    assert response.status_code == 302 and response["Location"] == url(advice)
    page = text(client.get(url(advice)))
    assert SECRET in page and "Draft saved" in page and "Report attached: report.pdf" in page
    assert "Draft" in text(client.get("/portal/advice/"))
    assert AuditEvent.objects.filter(action="advice.save_draft", actor_id=case["ep"].pk).count() == 1

    # The caseworker sees that it is in progress, never what it says, and nothing is on the case file yet.
    client.logout()
    sign_in(client, case["worker"])
    case_page = text(client.get(f"/cases/{case['request'].pk}/"))
    assert "In progress (draft saved)" in case_page and SECRET not in case_page
    assert "advice: report" not in text(client.get(f"/records/children/{case['child'].pk}/"))

    client.logout()
    sign_in(client, case["ep"])
    response = client.post(url(advice), {"action": "submit", "needs": SECRET})
    assert response.status_code == 302 and response["Location"] == "/portal/advice/"
    advice.refresh_from_db()
    assert advice.received_on == TODAY and advice.report.original_name == "report.pdf"
    page = text(client.get(url(advice)))
    assert "Your advice, submitted" in page and "Save as draft" not in page and "Your report: report.pdf" in page
    assert client.get(f"/records/documents/{advice.report.pk}/").status_code == 200

    # Read-only once submitted: a later draft or submission changes nothing.
    client.post(url(advice), {"action": "draft", "needs": "Changed"})
    advice.refresh_from_db()
    assert "Changed" not in advice.advice and advice.draft == {}

    client.logout()
    sign_in(client, case["worker"])
    case_page = client.get(f"/cases/{case['request'].pk}/").content.decode()
    assert f'href="/records/documents/{advice.report.pk}/"' in case_page and "Received" in text_of(case_page)
    assert SECRET in text_of(case_page)
    assert "Educational psychology advice: report" in text(client.get(f"/records/children/{case['child'].pk}/"))


def text_of(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


@pytest.mark.parametrize(
    "post,field,message",
    [
        ({"action": "submit"}, "text", "Enter your advice"),
        ({"action": "submit", "needs": " ", "report": pdf()}, "text", "Enter your advice"),
        ({"action": "draft", "needs": "a" * 50_001}, "needs", "Needs must be 50,000 characters or fewer"),
        ({"action": "draft", "needs": "x", "report": pdf("virus.exe", b"MZ\x90\x00")}, "report", "must be a PDF"),
        ({"action": "submit", "needs": "x", "report": pdf("fake.pdf", b"MZ\x90\x00")}, "report", "must be a PDF"),
        ({"action": "draft", "report": pdf(data=b"")}, "report", "The selected file is empty"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_nothing_is_written(client, case, post, field, message):  # noqa: F811
    sign_in(client, case["ep"])
    response = client.post(url(case["ep_advice"]), post)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_{field}-error"' in page and message in text(response)
    assert f'href="#id_{field}"' in page  # the error summary links to the field
    assert "Draft saved" not in text(response)  # nor does the page claim otherwise
    advice = AdviceRequest.objects.get(pk=case["ep_advice"].pk)
    assert advice.draft_saved_at is None and advice.received_on is None and not advice.draft_report
    assert not Document.objects.exists()


def test_an_absurdly_large_report_is_refused_before_it_is_read(client, case, settings):  # noqa: F811
    settings.HIGHNEEDS_DOCUMENT_MAX_BYTES = 1024
    sign_in(client, case["ep"])
    response = client.post(url(case["ep_advice"]), {"action": "draft", "report": pdf(data=PDF + b" " * 2048)})
    assert 'id="id_report-error"' in response.content.decode() and "must be smaller than" in text(response)
    assert AdviceRequest.objects.get(pk=case["ep_advice"].pk).draft_saved_at is None


def test_the_senco_gives_the_schools_advice(client, case):  # noqa: F811
    advice = case["school_advice"]
    sign_in(client, case["senco"])
    listing = text(client.get("/portal/advice/"))
    assert "Amara" in listing and "School or setting" in listing and "pupils at your setting" in listing
    client.post(url(advice), {"action": "draft", "text": "Attainment and attendance", "report": pdf()})
    client.post(url(advice), {"action": "submit", "text": "Attainment and attendance, with our SEN support plan"})
    advice.refresh_from_db()
    assert advice.received_on == TODAY and advice.report is not None
    assert AuditEvent.objects.filter(action="advice.submit", actor_id=case["senco"].pk).exists()


@pytest.mark.parametrize(
    "who,whose", [("other_senco", "school_advice"), ("ep", "school_advice"), ("senco", "ep_advice")]
)
def test_another_persons_advice_is_refused_like_a_missing_one(client, case, who, whose):  # noqa: F811
    user, target = case[who], case[whose]
    sign_in(client, user)
    missing = client.get("/portal/advice/999999/")
    theirs = client.get(url(target))
    assert missing.status_code == theirs.status_code == 403
    assert text(missing) == text(theirs)
    assert client.post(url(target), {"action": "draft", "text": "x"}).status_code == 403
    assert AdviceRequest.objects.get(pk=target.pk).draft_saved_at is None


def test_home_page_counts_agree_with_my_deadlines(client, case):  # noqa: F811
    cw.save_advice_draft(actor=case["ep"], advice=case["ep_advice"], parts={"text": "x"})
    AdviceRequest.objects.filter(pk=case["ep_advice"].pk).update(due_on=TODAY - timedelta(days=1))
    sign_in(client, case["ep"])
    home = client.get("/").content.decode()
    listing = client.get("/portal/advice/").content.decode()
    counts = advice_counts(my_advice_requests(case["ep"]))
    assert counts == {"total": 1, "overdue": 1, "to_give": 1, "drafts": 1, "submitted": 0}
    block = re.search(r'<ul class="govuk-list" id="advice-counts">.*?</ul>', home, re.S).group(0)
    assert block == re.search(r'<ul class="govuk-list" id="advice-counts">.*?</ul>', listing, re.S).group(0)
    assert "1 overdue" in text_of(block) and "Overdue: draft" in text_of(listing)
