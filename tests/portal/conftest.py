"""A family with history, for the family pages' tests and the day-one browser journey: a parent with a child
whose plan has been reviewed twice (a third review due), letters (one the family may not see), a decision they
disagreed with and an appeal; a young person of 17 with their own plan; and another family, whose ids must be
refused alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from highneeds.accounts.roles import SYSTEM
from highneeds.people import services as people

TODAY = date.today()


@dataclass
class FamilyWorld:
    parent: object
    child: object
    young_person: object
    own: object  # the young person's own record
    other_parent: object
    other_child: object
    reviews: list
    letters: list
    hidden_letter: object
    other_letter: object


def _plan(child, issued_on):
    from highneeds.plans import sections
    from highneeds.plans.models import Plan, PlanVersion

    plan = Plan.objects.create(child=child, status="final", first_issued_on=issued_on)
    PlanVersion.objects.create(
        plan=plan, number=1, kind="final", state="issued", sections=sections.blank(), issued_on=issued_on
    )
    return plan


def _letter(child, subject, *, family_can_see=True, code="final_plan"):
    from highneeds.letters.models import Letter

    return Letter.objects.create(
        child=child,
        template_code=code,
        subject=subject,
        body=f"Dear family,\n\n{subject}.\n\nYours sincerely",
        recipient="Pat Testworth",
        family_can_see=family_can_see,
    )


def build_family_world(make_user, make_child) -> FamilyWorld:
    from highneeds.disputes.models import Appeal, DecisionNotice
    from highneeds.reviews.models import AnnualReview

    issued = TODAY - timedelta(days=3 * 365 + 40)
    parent = make_user("parent", first_name="Pat", last_name="Testworth")
    child = make_child(first_name="Amara", last_name="Testworth", sen_status="E", dob=TODAY - timedelta(days=10 * 365))
    people.add_parent(actor=SYSTEM, child=child, first_name="Pat", last_name="Testworth", user=parent)
    plan = _plan(child, issued)
    past = [
        (issued + timedelta(days=340), "maintain", issued + timedelta(days=350)),
        (issued + timedelta(days=700), "amend", issued + timedelta(days=712)),
    ]
    reviews = [
        AnnualReview.objects.create(
            child=child,
            plan=plan,
            stage="closed",
            counted_from=held - timedelta(days=340),
            due_on=held + timedelta(days=10),
            meeting_on=held,
            held_on=held,
            decision=decision,
            decided_on=decided,
            from_history=True,
        )
        for held, decision, decided in past
    ]
    reviews.append(
        AnnualReview.objects.create(
            child=child, plan=plan, stage="due", counted_from=past[-1][0], due_on=TODAY + timedelta(days=30)
        )
    )
    letters = [_letter(child, "Amara's final EHC plan"), _letter(child, "Amara's annual review decision")]
    hidden = _letter(child, "Request for educational psychology advice", family_can_see=False, code="advice_request")
    notice = DecisionNotice.objects.create(
        child=child, matter="plan_content", sent_on=TODAY - timedelta(days=60), summary="Section I names Hillside"
    )
    Appeal.objects.create(
        notice=notice,
        child=child,
        matters=["plan_content"],
        tribunal_reference="EH999/25/00001",
        lodged_on=TODAY - timedelta(days=20),
        response_due=TODAY + timedelta(days=10),
    )

    own = make_child(
        first_name="Jordan", last_name="Example", sen_status="E", dob=TODAY - timedelta(days=17 * 365 + 30)
    )
    young_person = make_user("young_person", first_name="Jordan", last_name="Example", child=own)
    _plan(own, TODAY - timedelta(days=200))
    _letter(own, "Your final EHC plan")

    other_parent = make_user("parent", first_name="Olu", last_name="Otherfamily")
    other_child = make_child(first_name="Zed", last_name="Otherfamily", sen_status="E")
    people.add_parent(actor=SYSTEM, child=other_child, first_name="Olu", last_name="Otherfamily", user=other_parent)
    _plan(other_child, TODAY - timedelta(days=400))
    other_letter = _letter(other_child, "Zed's final EHC plan")
    return FamilyWorld(
        parent, child, young_person, own, other_parent, other_child, reviews, letters, hidden, other_letter
    )


@pytest.fixture
def family_world(make_user, make_child) -> FamilyWorld:
    return build_family_world(make_user, make_child)
