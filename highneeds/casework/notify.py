"""Tell people what changed, by email (the console in the demo), after the change has committed."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction

from highneeds.council.models import CouncilSettings

PORTAL_LINE = "Sign in to see the details and what happens next."


def _send(addresses: list[str], subject: str, body: str) -> None:
    addresses = sorted({a for a in addresses if a})
    if not addresses:
        return
    council = CouncilSettings.current()
    transaction.on_commit(lambda: send_mail(subject, body, council.contact_email, addresses, fail_silently=True))


def family(request, what_changed: str) -> None:
    child = request.child
    addresses = [p.email for p in child.parents.filter(parental_responsibility=True)] + [request.requester_email]
    _send(addresses, *_family_message(child, what_changed))


def _family_message(child, what_changed: str) -> tuple[str, str]:
    return (f"Update on {child.first_name}'s EHC needs assessment",
            f"{what_changed}.\n\n{PORTAL_LINE}\n\n{CouncilSettings.current().name}")


def adviser(advice, what_changed: str) -> None:
    if advice.adviser and advice.adviser.email:
        _send([advice.adviser.email], what_changed, f"{what_changed}.\n\n{PORTAL_LINE}")


def caseworker(request, what_changed: str) -> None:
    if request.caseworker and request.caseworker.email:
        _send([request.caseworker.email], f"{request.reference}: {what_changed}", f"{what_changed}.")


def requester(request, what_changed: str) -> None:
    """Only the person who asked, in the same words as any family update, so that a request linked
    to one already open looks no different to them from a new one."""
    _send([request.requester_email], *_family_message(request.child, what_changed))
