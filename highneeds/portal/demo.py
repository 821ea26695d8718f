"""Demo letters for the demo families (run by highneeds/demo/extras.py after the reviews' demo).

The synthetic council's history holds plans and past reviews but no letters, so the demo parent and young person
would find "Letters" empty. For each child a family account can see, this writes what the family would have been
sent: the final plan letter and the decision letters of the last two reviews, each dated when it was sent.
Idempotent: a child who already has letters the family can see is left alone.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from highneeds.accounts.models import User
from highneeds.accounts.roles import Role
from highneeds.letters.models import Letter
from highneeds.letters.services import letters_to_family
from highneeds.people.models import Child
from highneeds.people.queries import current_settings
from highneeds.plans.models import Plan
from highneeds.reviews.models import AnnualReview

REVIEW_LETTERS = 2


def _dated(letters: list[Letter], on) -> None:
    sent = timezone.make_aware(datetime.combine(on, time(10)))
    Letter.objects.filter(pk__in=[letter.pk for letter in letters]).update(created_at=sent)


def prepare(actor, progress=None) -> dict[str, int]:
    own = User.objects.filter(role=Role.YOUNG_PERSON, child__isnull=False).values("child_id")
    children = Child.objects.filter(
        Q(parents__user__isnull=False, parents__parental_responsibility=True) | Q(pk__in=own)
    ).distinct()
    written = 0
    for child in children:
        if Letter.objects.filter(child=child, family_can_see=True).exists():
            continue
        plan = Plan.objects.filter(child=child, status="final").select_related("request").first()
        if plan is None:
            continue
        if plan.request is not None:  # the final plan letter names the request it answered
            setting = current_settings([child]).get(child.pk)
            fields = {
                "request": {"reference": plan.request.reference, "received_on": plan.request.received_on},
                "establishment": {"name": setting} if setting else None,
            }
            sent = letters_to_family(actor=actor, code="final_plan", child=child, request=plan.request, fields=fields)
            _dated(sent, plan.first_issued_on or plan.request.received_on)
            written += len(sent)
        reviews = AnnualReview.objects.filter(child=child, decided_on__isnull=False, decision__in=("maintain", "amend"))
        for review in reviews.order_by("-decided_on")[:REVIEW_LETTERS]:
            fields = {
                "review": {
                    "meeting_on": review.meeting_on,
                    "held_on": review.held_on,
                    "decision_reasons": review.decision_reasons or "The plan's outcomes are being met in part.",
                },
                "last_representation_day": review.decided_on + timedelta(days=14),
                "cease_reason_label": "",
            }
            sent = letters_to_family(actor=actor, code=f"review_decision_{review.decision}", child=child, fields=fields)
            _dated(sent, review.decided_on)
            AnnualReview.objects.filter(pk=review.pk).update(decision_letter=sent[0])
            written += len(sent)
    return {"family_letters": written}
