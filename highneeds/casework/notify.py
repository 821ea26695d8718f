"""Tell people what changed, by email (the console in the demo), sent by the task worker after the change has
committed (letters.tasks)."""

from __future__ import annotations

from highneeds.accounts.models import User
from highneeds.council.models import CouncilSettings
from highneeds.letters.tasks import queue_email

PORTAL_LINE = "Sign in to see the details and what happens next."


def _send(addresses: list[str], subject: str, body: str) -> None:
    """One message to each address: people never see who else was told, or their address."""
    council = CouncilSettings.current()
    for address in sorted({a for a in addresses if a}):
        queue_email(subject, body, council.contact_email, address)


def family(request, what_changed: str) -> None:
    """Those with parental responsibility on the child's record. Not the person who asked (unless they are
    on the record): an online requester hears only the acknowledgement of their own submission, as the parent
    on the record made from it, and never the council's decisions about a child we already knew."""
    child = request.child
    _send([p.email for p in child.parents.filter(parental_responsibility=True)], *_family_message(child, what_changed))


def _family_message(child, what_changed: str) -> tuple[str, str]:
    return (
        f"Update on {child.first_name}'s EHC needs assessment",
        f"{what_changed}.\n\n{PORTAL_LINE}\n\n{CouncilSettings.current().name}",
    )


def adviser(advice, what_changed: str) -> None:
    """The named professional, or the active SENCOs of the setting the school's advice was asked of."""
    if advice.adviser:
        addresses = [advice.adviser.email]
    elif advice.establishment_id:
        addresses = list(
            User.objects.filter(role="senco", establishment_id=advice.establishment_id, is_active=True).values_list(
                "email", flat=True
            )
        )
    else:
        return
    _send(addresses, what_changed, f"{what_changed}.\n\n{PORTAL_LINE}")


def caseworker(request, what_changed: str) -> None:
    if request.caseworker and request.caseworker.email:
        _send([request.caseworker.email], f"{request.reference}: {what_changed}", f"{what_changed}.")
