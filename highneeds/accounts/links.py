"""One-time links (invitations, password resets, family invitations) and ending a person's sessions: helpers
the account services call inside their transaction."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from highneeds.council.models import CouncilSettings

from .models import OneTimeLink, User

# How long each kind of one-time link works. A council that wants others changes these.
LINK_LIFETIME = {
    OneTimeLink.INVITE: timedelta(days=7),
    OneTimeLink.RESET: timedelta(hours=24),
    OneTimeLink.FAMILY: timedelta(days=14),
}


def new_link(*, actor, purpose: str, email: str, user: User | None = None, child=None, parent=None) -> str:
    """Store a link's hash and return its secret (to put in an email; it is never stored or shown again).
    Earlier unused links for the same account or family member stop working. Called inside a service."""
    if user is not None:
        OneTimeLink.objects.filter(user=user, purpose=purpose, used_at__isnull=True, cancelled_at__isnull=True).update(
            cancelled_at=timezone.now()
        )
    if child is not None:
        OneTimeLink.objects.filter(
            child=child, parent=parent, purpose=purpose, used_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=timezone.now())
    token = secrets.token_urlsafe(32)
    OneTimeLink.objects.create(
        purpose=purpose,
        token_hash=OneTimeLink.hash_token(token),
        user=user,
        child=child,
        parent=parent,
        email=email,
        created_by=actor if getattr(actor, "pk", None) else None,
        expires_at=timezone.now() + LINK_LIFETIME[purpose],
    )
    return token


def find_link(token: str, purpose: str) -> OneTimeLink | None:
    """The link behind a secret, if it is unused, not cancelled and not expired."""
    found = (
        OneTimeLink.objects.filter(
            token_hash=OneTimeLink.hash_token(token or ""),
            purpose=purpose,
            used_at__isnull=True,
            cancelled_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("user")
        .first()
    )
    if found is not None and found.user is not None and purpose != OneTimeLink.INVITE and not found.user.is_active:
        return None
    return found


def send_link_email(email: str, subject: str, lines: list[str]) -> None:
    """Sent after the change commits, so a rolled-back invitation never reaches anyone."""
    council = CouncilSettings.current()
    body = "\n\n".join([*lines, council.name])
    transaction.on_commit(lambda: send_mail(subject, body, council.contact_email, [email], fail_silently=True))


def end_sessions(user: User) -> int:
    """Sign the person out everywhere now: delete every live session that belongs to them."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000):
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)
