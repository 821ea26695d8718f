"""Letters fit to post: the council's letterhead and logo, the date, the addressee block, paragraphs without
the template's line wraps, full links, a named signatory; as HTML and a tagged PDF (PDF/UA-1), and a copy
filed on the child's record when a letter is sent.

Who receives a letter is decided where letters are generated (one Letter per addressee); this module only
prints each one.
"""

from __future__ import annotations

import base64
import logging

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from highneeds.accounts.roles import SYSTEM
from highneeds.council.models import CouncilSettings
from highneeds.engine import letterlayout
from highneeds.letters.models import Letter
from highneeds.web import pdf

from . import services
from .models import Letterhead

logger = logging.getLogger(__name__)


def _logo_data_uri(head: Letterhead) -> str:
    """The logo inlined (the PDF maker reads no files or URLs), or "" when there is none or it is missing."""
    if not head.logo:
        return ""
    try:
        with head.logo.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        logger.warning("letterhead logo %s is missing from storage", head.logo.name)
        return ""
    return f"data:{head.logo_type or 'image/png'};base64,{base64.b64encode(data).decode()}"


def _addressee(letter) -> list[str]:
    """The recipient's name and, where the record holds one, their postal address."""
    lines = [letter.recipient]
    for parent in letter.child.parents.all():
        if parent.full_name == letter.recipient:
            lines += [part.strip() for part in parent.address.split(",") if part.strip()]
            if parent.postcode:
                lines.append(parent.postcode)
            return lines
    child = letter.child
    if letter.recipient == child.full_name and child.postcode:
        lines.append(child.postcode)
    return lines


def _signatory(letter, head: Letterhead) -> dict:
    if head.signatory_name:
        return {"name": head.signatory_name, "role": head.signatory_role}
    sender = letter.created_by
    if sender is not None and sender.get_full_name():
        return {"name": sender.get_full_name(), "role": sender.role_label or "SEND team"}
    return {"name": "", "role": "SEND team"}


def letter_context(letter) -> dict:
    """Plain data for the letter's print template."""
    head, council = Letterhead.current(), CouncilSettings.current()
    body = letterlayout.full_links(letter.body, head.service_url)
    blocks = letterlayout.without_sign_off(letterlayout.layout(body), council.name)
    request = letter.request
    return {
        "council": council.name,
        "service": council.service_name,
        "logo": _logo_data_uri(head),
        "address": [line.strip() for line in head.address.splitlines() if line.strip()],
        "telephone": head.telephone,
        "email": head.email or council.contact_email,
        "website": head.website,
        "date": timezone.localtime(letter.created_at).date(),
        "addressee": _addressee(letter),
        "reference": request.reference if request is not None else "",
        "child": letter.child.full_name,
        "subject": letter.subject,
        "blocks": [{"kind": b.kind, "lines": [letterlayout.split_links(line) for line in b.lines]} for b in blocks],
        "signatory": _signatory(letter, head),
    }


def render_html(letter) -> str:
    return render_to_string("records/letter_print.html", letter_context(letter))


def render_pdf(letter) -> bytes:
    return pdf.write_pdf(pdf.load_weasyprint("Letter PDFs"), render_html(letter))


def filed_pdf(letter, *, actor):
    """The letter's filed PDF document, making and filing it now if that has not happened yet."""
    existing = getattr(letter, "filed_copy", None)
    if existing is not None:
        return existing
    return services.file_letter(actor=actor, letter=letter, pdf=render_pdf(letter))


def file_after_commit(letter) -> None:
    """Called as a letter is generated: once the sending transaction commits, make the PDF and file it on the
    child's record. If that fails (WeasyPrint missing), the letter still stands and its PDF link files it later."""
    letter_id = letter.pk

    def run():
        try:
            filed_pdf(Letter.objects.select_related("child", "request", "created_by").get(pk=letter_id), actor=SYSTEM)
        except Exception:  # the letter is sent; filing is retried when someone opens its PDF
            logger.exception("could not file the PDF of letter %s", letter_id)

    transaction.on_commit(run)
