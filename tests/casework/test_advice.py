"""Advice services: drafts the SEND team cannot read, a report filed as the advice is submitted, the school's
advice given by the setting's SENCOs, and My deadlines with its counts from the same query."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from highneeds.accounts.models import User
from highneeds.audit.models import AuditEvent
from highneeds.casework import notify, queries
from highneeds.casework import services as cw
from highneeds.casework.models import AdviceRequest
from highneeds.plans import flows as plan_flows
from highneeds.records.models import PROFESSIONALS, Document
from tests.casework.test_case_pages import d
from tests.conftest import allow_writes
from tests.portal.test_portal_advice import sign_in
from tests.records.conftest import PDF

TODAY = date.today()
D0 = TODAY - timedelta(days=40)


@pytest.fixture
def case(make_user, make_child, make_establishment):
    school, other_school = make_establishment(name="Brookside Primary"), make_establishment(name="Elsewhere Primary")
    worker = make_user("caseworker")
    ep = make_user("professional", first_name="Edna", last_name="Psych")
    senco = make_user("senco", establishment=school, email="senco@brookside.example")
    other_senco = make_user("senco", establishment=other_school)
    child = make_child(first_name="Amara", establishment=school)
    request = cw.submit_request(actor=worker, child=child, received_on=D0, source="1", caseworker=worker)
    cw.decide_whether_to_assess(
        actor=worker, request=request, assess=True, decided_on=D0 + timedelta(days=5), reasons="x"
    )
    asked = D0 + timedelta(days=6)
    ep_advice = cw.request_advice(
        actor=worker, request=request, adviser_type="educational_psychology", requested_on=asked, adviser=ep
    )
    school_advice = cw.request_advice(actor=worker, request=request, adviser_type="setting", requested_on=asked)
    return {
        "worker": worker,
        "ep": ep,
        "senco": senco,
        "other_senco": other_senco,
        "school": school,
        "child": child,
        "request": request,
        "ep_advice": ep_advice,
        "school_advice": school_advice,
    }


def test_the_schools_advice_is_asked_of_the_childs_setting(case):
    advice = case["school_advice"]
    assert advice.establishment == case["school"] and advice.adviser is None
    assert advice.adviser_name == "Brookside Primary"
    # The date the clock holds for this advice, not a new sum.
    step = next(d for d in case["request"].deadlines if d["step"] == "advice:setting")
    assert advice.due_on == date.fromisoformat(step["due"])
    assert queries.is_giver(case["senco"], advice) and not queries.is_giver(case["other_senco"], advice)
    assert not queries.is_giver(case["ep"], advice) and not queries.is_giver(case["senco"], case["ep_advice"])


def test_a_draft_is_kept_audited_and_not_given(case):
    advice = cw.save_advice_draft(
        actor=case["ep"], advice=case["ep_advice"], parts={"needs": "Finds reading hard", "provision": ""}
    )
    advice.refresh_from_db()
    assert advice.draft == {"needs": "Finds reading hard"} and advice.progress == "draft"
    assert advice.received_on is None and advice.advice == ""
    event = AuditEvent.objects.get(action="advice.save_draft", actor_id=case["ep"].pk)
    assert event.after["parts"] == ["needs"] and "Finds reading hard" not in str(event.after)
    case["request"].refresh_from_db()
    step = next(d for d in case["request"].deadlines if d["step"] == "advice:educational_psychology")
    assert not step.get("done")


def test_only_the_person_asked_may_draft(case):
    for stranger in (case["other_senco"], case["worker"]):
        with pytest.raises(PermissionDenied):
            cw.save_advice_draft(actor=stranger, advice=case["school_advice"], parts={"text": "x"})
    with pytest.raises(PermissionDenied):
        cw.save_advice_draft(actor=case["senco"], advice=case["ep_advice"], parts={"text": "x"})
    assert not AdviceRequest.objects.exclude(draft={}).exists()


def test_a_report_is_held_with_the_draft_and_filed_on_submission(case, django_capture_on_commit_callbacks):
    advice = cw.save_advice_draft(
        actor=case["senco"], advice=case["school_advice"], parts={"text": "Draft"}, report=("report.pdf", PDF)
    )
    assert advice.draft_report and advice.draft_report_name == "report.pdf"
    assert not Document.objects.filter(child=case["child"]).exists()  # nothing on the record until submitted
    held, storage = advice.draft_report.name, advice.draft_report.storage
    with django_capture_on_commit_callbacks(execute=True):
        plan_flows.give_structured_advice(actor=case["senco"], advice=advice, summary="Our advice", parts={})
    assert not storage.exists(held)  # the held copy goes once the report is filed
    advice.refresh_from_db()
    document = advice.report
    assert document.child == case["child"] and document.request == case["request"]
    assert document.audience == PROFESSIONALS and document.category == "report" and document.file.read() == PDF
    assert advice.received_on == TODAY and advice.draft == {} and not advice.draft_report
    assert AuditEvent.objects.filter(action="document.upload", object_id=str(document.pk)).exists()


@pytest.mark.parametrize(
    "report,message",
    [
        (("report.exe", b"MZ\x90\x00 not a report"), "must be a PDF"),
        (("report.pdf", b"MZ\x90\x00 not a pdf"), "must be a PDF"),
    ],
)
def test_a_bad_report_writes_nothing(case, report, message):
    with pytest.raises(ValidationError) as caught:
        cw.save_advice_draft(actor=case["ep"], advice=case["ep_advice"], parts={"text": "Draft"}, report=report)
    assert message in caught.value.message_dict["report"][0]
    case["ep_advice"].refresh_from_db()
    assert case["ep_advice"].draft_saved_at is None and not case["ep_advice"].draft_report
    with pytest.raises(ValidationError):
        plan_flows.give_structured_advice(
            actor=case["ep"], advice=case["ep_advice"], summary="Advice", parts={}, report=report
        )
    case["ep_advice"].refresh_from_db()
    assert case["ep_advice"].received_on is None and not Document.objects.exists()


def test_absurd_lengths_and_submitted_advice_are_refused(case):
    with pytest.raises(ValidationError) as caught:
        cw.save_advice_draft(actor=case["ep"], advice=case["ep_advice"], parts={"needs": "a" * (cw.ADVICE_MAX + 1)})
    assert "needs" in caught.value.message_dict
    plan_flows.give_structured_advice(actor=case["ep"], advice=case["ep_advice"], summary="Given", parts={})
    with pytest.raises(ValidationError):
        cw.save_advice_draft(actor=case["ep"], advice=case["ep_advice"], parts={"text": "Changed my mind"})
    case["ep_advice"].refresh_from_db()
    assert case["ep_advice"].advice == "Given" and case["ep_advice"].draft == {}


def test_a_senco_whose_pupil_left_no_longer_sees_the_request(case):
    placement = case["child"].placements.get()
    placement.end_date = TODAY - timedelta(days=1)
    placement.save()
    assert not queries.my_advice_requests(case["senco"]).exists()
    with pytest.raises(PermissionDenied):
        cw.save_advice_draft(actor=case["senco"], advice=case["school_advice"], parts={"text": "x"})


def test_deadlines_overdue_first_and_counts_agree_with_the_list(case, make_child):
    worker, ep = case["worker"], case["ep"]
    # A second child, asked long ago (overdue), and a third whose advice was given.
    made = []
    for received in (D0 - timedelta(days=60), D0 - timedelta(days=30)):
        child = make_child()
        request = cw.submit_request(actor=worker, child=child, received_on=received, source="1")
        cw.decide_whether_to_assess(
            actor=worker, request=request, assess=True, decided_on=received + timedelta(days=1), reasons="x"
        )
        made.append(
            cw.request_advice(
                actor=worker,
                request=request,
                adviser_type="educational_psychology",
                requested_on=received + timedelta(days=2),
                adviser=ep,
            )
        )
    overdue, given = made
    plan_flows.give_structured_advice(actor=ep, advice=given, summary="Done", parts={})
    cw.save_advice_draft(actor=ep, advice=case["ep_advice"], parts={"text": "Half"})
    rows = list(queries.my_advice_requests(ep))
    assert [r.pk for r in rows] == [overdue.pk, case["ep_advice"].pk, given.pk]
    assert [r.stage for r in rows] == ["not_started", "draft", "submitted"]
    assert queries.advice_counts(queries.my_advice_requests(ep)) == {
        "total": 3,
        "overdue": 1,
        "to_give": 2,
        "drafts": 1,
        "submitted": 1,
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["ep_advice", "school_advice"]), st.sampled_from(["draft", "report", "submit"])),
        max_size=6,
    )
)
def test_counts_always_agree_with_the_list_and_the_stage_with_the_model(case, steps):
    actors = {"ep_advice": case["ep"], "school_advice": case["senco"]}
    for key, step in steps:
        advice = AdviceRequest.objects.get(pk=case[key].pk)
        try:
            if step == "submit":
                plan_flows.give_structured_advice(actor=actors[key], advice=advice, summary="Advice", parts={})
            else:
                report = ("r.pdf", PDF) if step == "report" else None
                cw.save_advice_draft(actor=actors[key], advice=advice, parts={"text": "x"}, report=report)
        except ValidationError:
            assert advice.received_on  # only once given does anything refuse
    for who in (case["ep"], case["senco"]):
        rows = list(queries.my_advice_requests(who))
        counts = queries.advice_counts(queries.my_advice_requests(who))
        assert counts["total"] == len(rows)
        assert counts["submitted"] == sum(r.stage == "submitted" for r in rows)
        assert counts["drafts"] == sum(r.stage == "draft" for r in rows)
        assert counts["to_give"] == sum(r.bucket < queries.DONE for r in rows)
        assert all(r.stage == r.progress for r in rows)


def test_the_schools_advice_request_is_emailed_to_that_settings_sencos(case, make_user, monkeypatch):
    leaver = make_user("senco", establishment=case["school"], email="left@brookside.example")
    with allow_writes():
        User.objects.filter(pk=leaver.pk).update(is_active=False)
    sent = []
    monkeypatch.setattr(notify, "_send", lambda addresses, subject, body: sent.append(sorted(addresses)))
    notify.adviser(case["school_advice"], "Advice requested")
    notify.adviser(case["ep_advice"], "Advice requested")
    assert sent == [["senco@brookside.example"], [case["ep"].email]]


def test_advice_recorded_another_way_drops_the_advisers_unsent_draft(case, django_capture_on_commit_callbacks):
    advice = cw.save_advice_draft(
        actor=case["ep"], advice=case["ep_advice"], parts={"needs": "Unsent"}, report=("r.pdf", PDF)
    )
    held = advice.draft_report.name
    storage = advice.draft_report.storage
    assert storage.exists(held)
    with django_capture_on_commit_callbacks(execute=True):
        cw.submit_advice(actor=case["worker"], advice=advice, text="By letter", received_on=TODAY)
    advice.refresh_from_db()
    assert advice.advice == "By letter" and advice.draft == {} and not advice.draft_report and advice.report is None
    assert not Document.objects.exists()
    assert not storage.exists(held)  # deleted once the change committed


def test_the_caseworker_asks_the_childs_setting_from_the_case_page(client, make_user, make_child, make_establishment):
    school = make_establishment(name="Hillside Primary")
    worker = make_user("caseworker")
    child = make_child(establishment=school)
    request = cw.submit_request(actor=worker, child=child, received_on=D0, source="1", caseworker=worker)
    cw.decide_whether_to_assess(actor=worker, request=request, assess=True, decided_on=D0, reasons="x")
    sign_in(client, worker)
    form = client.get(f"/cases/{request.pk}/ask-advice/").content.decode()
    assert "its SENCO gives the advice online" in form
    asked = D0 + timedelta(days=1)
    client.post(
        f"/cases/{request.pk}/ask-advice/",
        {"adviser_type": "setting", **d("requested_on", asked)},
    )
    advice = request.advice_requests.get()
    assert advice.establishment == school and advice.adviser_name == "Hillside Primary"
    page = client.get(f"/cases/{request.pk}/").content.decode()
    assert "Hillside Primary (its SENCO)" in page and "Not started" in page
