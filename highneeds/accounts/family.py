"""Families' portal access: a caseworker invites a parent or carer (to the email on the child's record) or a
young person aged 16 or over, for one named child; the invitation is a one-time link; access can be ended;
when a young person reaches 16 the council records what happens to their parents' access.

Who may see which child stays the rule in accounts/rules.py: a parent linked to the child's record
(`ParentCarer.user`, with parental responsibility) and a young person aged 16 or over with their own
account (`User.child`). These services only make and break those links, audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from highneeds.audit import log
from highneeds.audit.service import require, service
from highneeds.people.models import Child, ParentCarer
from highneeds.people.queries import visible_children

from .links import LINK_LIFETIME, end_sessions, new_link, send_link_email
from .models import AccessReview, OneTimeLink, User
from .queries import display_name
from .roles import Role

YOUNG_PERSON_AGE = 16  # from 16 a young person may have their own access (rules.own_record_16_plus)


def _require(actor, child: Child) -> None:
    require(actor, "accounts.invite_family")
    require(actor, "people.view_child", child)


@dataclass
class FamilyAccess:
    """What the caseworker's page shows for one child: plain data, no model objects in the template."""

    parents: list[dict]
    young_person: dict | None
    age: int
    review_due: bool
    reviews: list[dict]


def access_for(child: Child, today: date | None = None) -> FamilyAccess:
    today = today or date.today()
    pending = {
        (link.parent_id or 0): link
        for link in OneTimeLink.objects.filter(
            child=child,
            purpose=OneTimeLink.FAMILY,
            used_at__isnull=True,
            cancelled_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
    }
    parents = [
        {
            "id": p.pk,
            "name": p.full_name,
            "relationship": p.relationship,
            "email": p.email,
            "responsibility": p.parental_responsibility,
            "has_access": bool(p.user_id and p.user.is_active and p.parental_responsibility),
            "invited_until": pending[p.pk].expires_at if p.pk in pending else None,
        }
        for p in child.parents.select_related("user").order_by("last_name", "first_name", "id")
    ]
    own = User.objects.filter(child=child, is_active=True).first()
    age = child.age(today)
    young = None
    if age >= YOUNG_PERSON_AGE:
        young = {
            "has_access": own is not None,
            "invited_until": pending[0].expires_at if 0 in pending else None,
            "email": own.email if own else (pending[0].email if 0 in pending else ""),
        }
    reviews = [
        {"decision": r.get_decision_display(), "note": r.note, "by": display_name(r.decided_by), "at": r.decided_at}
        for r in child.access_reviews.select_related("decided_by").order_by("-decided_at")
    ]
    review_due = age >= YOUNG_PERSON_AGE and not reviews and any(p["has_access"] for p in parents)
    return FamilyAccess(parents, young, age, review_due, reviews)


def reviews_due(user, today: date | None = None):
    """Young people aged 16 or over, among the children `user` may see, whose parents have portal access and
    for whom no decision about that access has been recorded: the caseworker's list and its count."""
    today = today or date.today()
    try:
        born_by = today.replace(year=today.year - YOUNG_PERSON_AGE)
    except ValueError:  # 29 February
        born_by = today.replace(year=today.year - YOUNG_PERSON_AGE, day=28)
    with_parent_access = ParentCarer.objects.filter(
        user__isnull=False, user__is_active=True, parental_responsibility=True
    ).values("child_id")
    return (
        visible_children(user)
        .filter(date_of_birth__lte=born_by, pk__in=with_parent_access)
        .exclude(pk__in=AccessReview.objects.values("child_id"))
    )


@service
def invite_parent(*, actor, parent: ParentCarer, link_base: str) -> str:
    """Email a one-time link to the address on the child's record. Returns the address it went to."""
    child = parent.child
    _require(actor, child)
    if not parent.parental_responsibility:
        raise ValidationError(
            {
                "parent": f"{parent.full_name} does not have parental responsibility for "
                f"{child.first_name}, so cannot be given portal access"
            }
        )
    if not parent.email:
        raise ValidationError(
            {
                "parent": f"There is no email address for {parent.full_name} on "
                f"{child.first_name}'s record. Add it to the record first"
            }
        )
    if parent.user_id and parent.user.is_active:
        raise ValidationError({"parent": f"{parent.full_name} already has portal access"})
    token = new_link(actor=actor, purpose=OneTimeLink.FAMILY, email=parent.email, child=child, parent=parent)
    log.record(
        actor=actor, action="family.invite", obj=parent, child=child, after={"email": parent.email, "role": Role.PARENT}
    )
    _send_invitation(parent.email, child, token, link_base, f"{child.first_name}'s")
    return parent.email


@service
def invite_young_person(*, actor, child: Child, email: str, link_base: str, today: date | None = None) -> str:
    _require(actor, child)
    if child.age(today or date.today()) < YOUNG_PERSON_AGE:
        raise ValidationError(
            {"email": f"{child.first_name} is under {YOUNG_PERSON_AGE}: invite their parents instead"}
        )
    if not email:
        raise ValidationError({"email": f"Enter {child.first_name}'s own email address"})
    if User.objects.filter(child=child, is_active=True).exists():
        raise ValidationError({"email": f"{child.first_name} already has portal access"})
    token = new_link(actor=actor, purpose=OneTimeLink.FAMILY, email=email, child=child)
    log.record(
        actor=actor, action="family.invite", obj=child, child=child, after={"email": email, "role": Role.YOUNG_PERSON}
    )
    _send_invitation(email, child, token, link_base, "your")
    return email


def _send_invitation(email: str, child: Child, token: str, link_base: str, whose: str) -> None:
    send_link_email(
        email,
        "Your invitation to the SEND family portal",
        [
            f"You have been invited to see {whose} EHC needs assessment, plan, reviews and letters online.",
            f"Open this link to set up your account (it works once, for "
            f"{LINK_LIFETIME[OneTimeLink.FAMILY].days} days):\n{link_base.rstrip('/')}/account/join/{token}/",
            "If you were not expecting this email, you can ignore it.",
        ],
    )


def _username_for(email: str) -> str:
    base = email.lower()[:140]
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    return next(
        name for name in (base if n == 0 else f"{base}-{n}" for n in range(len(taken) + 1)) if name not in taken
    )


def existing_account(link: OneTimeLink) -> User | None:
    """A parent who already has a portal account under the invited address (a second child, say): the
    invitation adds this child to it instead of making a second account."""
    if link.parent_id is None:
        return None
    return User.objects.filter(email__iexact=link.email, role=Role.PARENT, is_active=True).order_by("pk").first()


def _open_link(link: OneTimeLink) -> OneTimeLink:
    link = OneTimeLink.objects.select_for_update(of=("self",)).select_related("parent", "child").get(pk=link.pk)
    if link.used_at or link.cancelled_at or link.expires_at <= timezone.now():
        raise ValidationError({"password": "This invitation has already been used or has expired"})
    return link


def _link_to_record(link: OneTimeLink, user: User) -> None:
    if link.parent is not None:
        link.parent.user = user
        link.parent.save(update_fields=["user"])
    link.user, link.used_at = user, timezone.now()
    link.save(update_fields=["user", "used_at"])
    log.record(
        actor=user,
        action="family.accept",
        obj=user,
        child=link.child,
        after={"role": user.role, "parent": link.parent_id, "username": user.username},
    )


@service
def accept_invitation(*, link: OneTimeLink, password: str, first_name: str = "", last_name: str = "") -> User:
    """The invited person sets their password: their account is made and linked to the child. The password
    has been checked by the form's validators."""
    link = _open_link(link)
    parent, child = link.parent, link.child
    if parent is None:
        if User.objects.filter(child=child, is_active=True).exists():
            raise ValidationError({"password": f"{child.first_name} already has their own account"})
        User.objects.filter(child=child, is_active=False).update(child=None)  # a closed account frees the link
    user = User(
        username=_username_for(link.email),
        email=link.email,
        role=link.family_role,
        first_name=first_name,
        last_name=last_name,
        child=child if parent is None else None,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    _link_to_record(link, user)
    return user


@service
def add_child_to_account(*, link: OneTimeLink) -> User:
    """A parent who already has an account accepts an invitation for another child: no new account."""
    link = _open_link(link)
    user = existing_account(link)
    if user is None:
        raise ValidationError({"password": "There is no account to add this child to"})
    _link_to_record(link, user)
    return user


def _close_account(user: User) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])
    end_sessions(user)


@service
def end_parent_access(*, actor, parent: ParentCarer, reason: str) -> None:
    child = parent.child
    _require(actor, child)
    if not reason.strip():
        raise ValidationError({"reason": "Say why access is ending"})
    user = parent.user
    if user is None:
        raise ValidationError({"parent": f"{parent.full_name} has no portal access"})
    parent.user = None
    parent.save(update_fields=["user"])
    OneTimeLink.objects.filter(child=child, parent=parent, used_at__isnull=True, cancelled_at__isnull=True).update(
        cancelled_at=timezone.now()
    )
    # An account linked to no other child has nothing left to see: close it and sign it out.
    closed = not user.parent_links.exists()
    if closed:
        _close_account(user)
    log.record(
        actor=actor,
        action="family.access_end",
        obj=parent,
        child=child,
        after={"user": user.pk, "reason": reason, "account_closed": closed},
    )


@service
def end_young_person_access(*, actor, child: Child, reason: str) -> None:
    _require(actor, child)
    if not reason.strip():
        raise ValidationError({"reason": "Say why access is ending"})
    user = User.objects.filter(child=child).first()
    if user is None:
        raise ValidationError({"reason": f"{child.first_name} has no portal access"})
    user.child = None  # frees the one-to-one link, so they can be invited again later
    user.save(update_fields=["child"])
    _close_account(user)
    log.record(
        actor=actor,
        action="family.access_end",
        obj=user,
        child=child,
        after={"user": user.pk, "reason": reason, "role": Role.YOUNG_PERSON},
    )


@service
def record_access_review(
    *, actor, child: Child, decision: str, note: str = "", today: date | None = None
) -> AccessReview:
    """At 16 the young person makes their own decisions (Children and Families Act 2014 s.80, where they
    have capacity): record whether their parents keep portal access, and end it if not."""
    _require(actor, child)
    if child.age(today or date.today()) < YOUNG_PERSON_AGE:
        raise ValidationError({"decision": f"{child.first_name} is not yet {YOUNG_PERSON_AGE}"})
    if decision not in dict(AccessReview.DECISIONS):
        raise ValidationError({"decision": "Choose whether the parents keep access"})
    review = AccessReview.objects.create(child=child, decision=decision, note=note.strip()[:500], decided_by=actor)
    ended = []
    if decision == AccessReview.END:
        for parent in child.parents.filter(user__isnull=False):
            end_parent_access(actor=actor, parent=parent, reason="Access review at 16: the young person decides")
            ended.append(parent.pk)
    log.record(
        actor=actor,
        action="family.access_review",
        obj=review,
        child=child,
        after={"decision": decision, "note": review.note, "parents_ended": ended},
    )
    return review
