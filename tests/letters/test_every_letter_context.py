"""The class test for letter templates: drive every real sending service, capture the context each one builds
for its letter, and fail on anything that is not plain data (or on a letter no service was driven to send).

It walks the contexts itself rather than trusting `check_context`, so it would catch that check being loosened.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from highneeds.accounts.roles import SYSTEM
from highneeds.casework import flows as cw_flows
from highneeds.casework import services as cw
from highneeds.disputes import services as disputes
from highneeds.letters import rendering
from highneeds.letters import services as letter_services
from highneeds.letters.defaults import DEFAULT_TEMPLATES
from highneeds.letters.fields import FIELDS
from highneeds.people import services as people
from highneeds.plans import services as plans
from highneeds.plans.queries import current_plan
from highneeds.reviews import flows as review_flows
from highneeds.reviews import services as reviews
from tests.conftest import fill_plan_version, issue_plan_through_assessment

TODAY = date.today()
PLAIN_LEAVES = (str, int, float, bool, type(None), date, datetime, Decimal)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def walk(value, path: str) -> list[str]:
    """Every place in `value` that is not plain data (exact types only: subclasses can carry methods)."""
    if type(value) is dict:
        return [
            p
            for key, item in value.items()
            for p in ([f"{path}: key {key!r}"] if type(key) is not str else walk(item, f"{path}.{key}"))
        ]
    if type(value) in (list, tuple):
        return [p for i, item in enumerate(value) for p in walk(item, f"{path}[{i}]")]
    return [] if type(value) in PLAIN_LEAVES else [f"{path}: {type(value).__name__}"]


@pytest.fixture
def captured(monkeypatch):
    seen: list[tuple[str, dict]] = []
    real = letter_services.render

    def recording(code, context):
        seen.append((code, context))
        return real(code, context)

    monkeypatch.setattr(letter_services, "render", recording)
    return seen


def _family(make_child, **fields):
    child = make_child(**fields)
    people.add_parent(
        actor=SYSTEM,
        child=child,
        first_name="Pat",
        last_name="Samplefield",
        email="pat@example.org",
        parental_responsibility=True,
    )
    return child


def _casework(worker, make_child, make_user, make_establishment):
    school = make_establishment(name="Special Example School", establishment_type="SP_LA", urn=777001)
    ep = make_user("professional", email="ep@example.org")
    request = cw.submit_request(
        actor=worker, child=_family(make_child, sen_status="K"), received_on=days(-200), source="1", caseworker=worker
    )
    cw.decide_whether_to_assess(actor=worker, request=request, assess=True, decided_on=days(-170), reasons="Evidence")
    advice = cw.request_advice(
        actor=worker, request=request, adviser_type="educational_psychology", requested_on=days(-169), adviser=ep
    )
    cw.chase_advice(actor=worker, advice=advice, on=days(-140))
    cw.submit_advice(actor=ep, advice=advice, text="Needs in communication", received_on=days(-130))
    cw.decide_whether_to_issue(actor=worker, request=request, issue=True, decided_on=days(-100), reasons="Provision")
    cw_flows.send_draft_plan(actor=worker, request=request, sent_on=days(-90))
    cw.consult_school(actor=worker, request=request, establishment=school, sent_on=days(-89))
    fill_plan_version(current_plan(request.child).versions.get(state="sent"), worker)
    cw_flows.issue_final_plan(actor=worker, request=request, issued_on=days(-60), establishment=school)

    refused = cw.submit_request(actor=worker, child=_family(make_child), received_on=days(-60), source="1")
    cw.decide_whether_to_assess(actor=worker, request=refused, assess=False, decided_on=days(-40), reasons="Met")
    assessed = cw.submit_request(actor=worker, child=_family(make_child), received_on=days(-200), source="1")
    cw.decide_whether_to_assess(actor=worker, request=assessed, assess=True, decided_on=days(-170), reasons="x")
    cw.decide_whether_to_issue(actor=worker, request=assessed, issue=False, decided_on=days(-100), reasons="Met")
    withdrawn = cw.submit_request(actor=worker, child=_family(make_child), received_on=days(-30), source="1")
    cw.withdraw_request(actor=worker, request=withdrawn, withdrawn_on=days(-20), reason="Family moved away")


def _plans(worker, make_child, make_establishment):
    child = _family(make_child, sen_status="E", needs=("ASD",))
    first = issue_plan_through_assessment(worker, child, make_establishment(), issued_on=days(-40))
    # A draft sent from the plan's own page (not an assessment's) carries its own letter.
    other = plans.create_plan(actor=worker, child=_family(make_child, sen_status="K", needs=("SLCN",)))
    plans.send_draft(actor=worker, version=fill_plan_version(other.versions.get(), worker), sent_on=days(-5))
    amendment = plans.start_amendment(actor=worker, plan=first.plan, source="annual_review", started_on=days(-20))
    plans.send_proposed_amendments(actor=worker, version=amendment, sent_on=days(-20))
    plans.issue_version(actor=worker, version=amendment, issued_on=TODAY)


CONSIDERED = {
    "step_down_considered": True,
    "step_down_reason": "Needs still need the provision in F",
    "cessation_considered": False,
    "cessation_reason": "Outcomes not yet met",
}


def _held_review(user, plan, held=-70):
    review = reviews.schedule_review(actor=user, plan=plan)
    reviews.arrange_meeting(
        actor=user,
        review=review,
        meeting_on=days(held),
        arranged_on=days(held - 30),
        invitees=[{"role": r} for r in ("parent", "setting", "la_officer", "health", "social_care")],
    )
    reviews.send_invitations(actor=user, review=review, sent_on=days(held - 25))
    reviews.circulate_advice(actor=user, review=review, circulated_on=days(held - 15))
    reviews.record_meeting(
        actor=user,
        review=review,
        held_on=days(held),
        attendees="Parent, SENCO",
        outcomes_met="partly",
        adulthood_considered=True,
    )
    return reviews.send_report(actor=user, review=review, sent_on=days(held + 7))


def _plan_in_force(make_child, make_establishment):
    from highneeds.plans import sections
    from highneeds.plans.models import Plan, PlanVersion

    school = make_establishment()
    child = _family(make_child, sen_status="E", establishment=school, dob=date(2014, 5, 3))
    plan = Plan.objects.create(child=child, status="final", first_issued_on=days(-330))
    words = sections.blank()
    words["I"] = {"name": school.name, "type": "Mainstream"}
    PlanVersion.objects.create(
        plan=plan, number=1, kind="final", state="issued", sections=words, issued_on=days(-330), establishment=school
    )
    return plan


def _reviews_and_disputes(worker, make_child, make_establishment):
    for decision, extra in (("maintain", {}), ("amend", {}), ("cease", {"cease_reason": "2"})):
        review = _held_review(worker, _plan_in_force(make_child, make_establishment))
        review_flows.decide(
            actor=worker,
            review=review,
            decision=decision,
            decided_on=days(-60),
            reasons="Because",
            **CONSIDERED,
            **extra,
        )
    for decision in ("reassess", "refuse"):
        item = reviews.request_reassessment(
            actor=worker,
            plan=_plan_in_force(make_child, make_establishment),
            received_on=days(-10),
            requested_by="parent",
            requester_name="Pat",
        )
        reviews.decide_reassessment(
            actor=worker, reassessment=item, decision=decision, decided_on=days(-5), reasons="Because"
        )
    for cease in (True, False):
        plan = _plan_in_force(make_child, make_establishment)
        cessation = disputes.start_cessation(actor=worker, plan=plan, proposed_on=days(-40), reason="2")
        disputes.record_cessation_consultation(actor=worker, cessation=cessation, who="family", consulted_on=days(-35))
        disputes.record_cessation_consultation(actor=worker, cessation=cessation, who="setting", consulted_on=days(-35))
        disputes.decide_cessation(
            actor=worker,
            cessation=cessation,
            decided_on=days(-5),
            cease=cease,
            reasons="Needs met at SEN support",
            takes_effect_on=days(-5) if cease else None,
        )


def test_every_letter_is_filled_from_plain_data_built_by_its_sending_service(
    captured, make_user, make_child, make_establishment, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    worker = make_user("caseworker", email="cw@example.gov.uk")
    _casework(worker, make_child, make_user, make_establishment)
    _plans(worker, make_child, make_establishment)
    _reviews_and_disputes(worker, make_child, make_establishment)

    sent = {code for code, _ in captured}
    # A first final plan is issued only by its assessment's step, which sends "final_plan" instead (the state
    # machines): this template is kept for councils that edited it, but no service can send it.
    unsendable = {"plan_final_issued"}
    assert sent == set(DEFAULT_TEMPLATES) - unsendable, (
        f"no service was driven to send: {sorted(set(DEFAULT_TEMPLATES) - sent)}"
    )
    problems = [p for code, context in captured for p in walk(context, code)]
    assert not problems, problems
    for code, context in captured:  # and only the documented fields
        assert set(context) == set(FIELDS[code]), code


def test_every_template_has_documented_fields_and_its_supplied_text_fills_in():
    assert set(FIELDS) == set(DEFAULT_TEMPLATES)
    for code, text in DEFAULT_TEMPLATES.items():
        subject, body = rendering.trial_fill(code, text["subject"], text["body"])
        assert "Alex Sample" in subject + body, code
