"""Plans made through the real assessment pipeline: a request, advice, a decision to issue, a draft sent."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from highneeds.casework import flows as cw_flows
from highneeds.casework import services as cw
from highneeds.casework.services._common import _refresh
from tests.write_guard import allow_writes

TODAY = date.today()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def assessed(make_user, make_child):
    """A child whose assessment has advice (structured, from an EP) and a decision to issue, not yet drafted."""
    from highneeds.plans import flows as plan_flows

    worker = make_user("caseworker", first_name="Casey", last_name="Worker")
    ep = make_user("professional", first_name="Edna", last_name="Psych", agency="Educational psychology service")
    child = make_child(first_name="Amara", last_name="Testworth", needs=("SLCN", "SEMH"))
    received = TODAY - timedelta(days=100)
    request = cw.submit_request(actor=worker, child=child, received_on=received, source="1", caseworker=worker)
    cw.decide_whether_to_assess(
        actor=worker,
        request=request,
        assess=True,
        decided_on=received + timedelta(days=20),
        reasons="Needs beyond SEN support",
    )
    advice = cw.request_advice(
        actor=worker,
        request=request,
        adviser_type="educational_psychology",
        requested_on=received + timedelta(days=21),
        adviser=ep,
    )
    plan_flows.give_structured_advice(
        actor=ep,
        advice=advice,
        received_on=received + timedelta(days=50),
        parts={
            "needs": "Amara has a severe expressive language delay",
            "outcomes": "Amara will use 3-word sentences by July",
            "provision": "Speech and language therapy, 30 minutes weekly, 1:1",
            "health_social_care": "",
        },
    )
    cw.decide_whether_to_issue(
        actor=worker, request=request, issue=True, decided_on=TODAY - timedelta(days=3), reasons="Provision needed"
    )
    return {"worker": worker, "ep": ep, "child": child, "request": request, "advice": advice}


@pytest.fixture
def drafted(assessed):
    cw_flows.send_draft_plan(actor=assessed["worker"], request=assessed["request"], sent_on=TODAY - timedelta(days=2))
    from highneeds.plans.queries import current_plan

    plan = current_plan(assessed["child"])
    return {**assessed, "plan": plan, "version": plan.versions.get()}


@pytest.fixture
def issued(drafted, make_establishment, fill_plan):
    """The drafted plan filled in and issued by its assessment, the family's 15 days having run."""
    from highneeds.casework.models import CaseEvent

    version = fill_plan(drafted["version"], drafted["worker"])
    # The family's 15 days must have run before the casework step finalises: move the draft date back.
    version.sent_on = TODAY - timedelta(days=20)
    version.save(update_fields=["sent_on"])
    CaseEvent.objects.filter(request=drafted["request"], event_type="draft_plan_sent").update(
        occurred_on=TODAY - timedelta(days=20)
    )
    with allow_writes():  # the clock re-read after the back-dating above, as the nightly job would
        _refresh(drafted["request"])
    school = make_establishment(name="Brookside Special School", establishment_type="SP_LA", urn=888001)
    cw_flows.issue_final_plan(
        actor=drafted["worker"], request=drafted["request"], issued_on=TODAY, establishment=school
    )
    version.refresh_from_db()
    return {**drafted, "version": version, "school": school}
