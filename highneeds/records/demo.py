"""Demo case files: documents (small generated PDFs), case notes with a correction, tasks for the demo
caseworker (some overdue) and contacts, on the demo caseworker's children, the demo parent's child and a child
at the demo SENCO's school. Made through the records services as the demo caseworker (and the SENCO for
the school's report), so each is checked and audited like real casework.

Idempotent: nothing is added once any case note exists. Fast: a few dozen service calls, no PDF renderer.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from highneeds.accounts.models import User
from highneeds.people.models import Child

from . import retention, services
from .models import COUNCIL, FAMILY, PROFESSIONALS, Note

CHILDREN = 6  # of the demo caseworker's


def pdf(title: str) -> bytes:
    """A one-page PDF saying what it is (synthetic), built by hand: a valid file, with no renderer."""
    text = f"{title} - synthetic demo document, not a real child".replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 60 760 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


DOCUMENTS = [
    ("Educational psychology report", "report", PROFESSIONALS),
    ("Parental consent to share information", "consent", COUNCIL),
    ("Speech and language therapy report", "report", FAMILY),
]
NOTES = [
    "Spoke to the SENCO: the school has used the graduated approach for two terms; records of the plan-do-review "
    "cycles are being sent.",
    "Parent asked about the timescale for a decision; explained the six-week decision and the 20-week limit.",
]
TASKS = [("Chase the health advice", -4), ("Check the draft plan with the family", 3), ("Book the review", 12)]
CONTACTS = [
    ("call", "Parent", "Asked when the panel meets; gave the date and what the panel looks at."),
    ("email", "SENCO", "Asked for the last two terms' provision map."),
]


def _children(caseworker) -> list[Child]:
    chosen = list(Child.objects.filter(lead_caseworker=caseworker).order_by("id")[:CHILDREN])
    parents_child = Child.objects.filter(parents__user__username="parent").order_by("id").first()
    if parents_child is not None and parents_child not in chosen:
        chosen.append(parents_child)
    return chosen


def _upload(actor, child, title, category, audience) -> int:
    try:
        services.upload_document(
            actor=actor,
            child=child,
            name="report.pdf",
            data=pdf(title),
            title=title,
            category=category,
            audience=audience,
        )
    except ValidationError:  # a configured virus scanner that is down: the demo goes on without the file
        return 0
    return 1


def prepare(actor, progress=None) -> dict[str, int]:
    caseworker = User.objects.filter(username="caseworker", is_active=True).first()
    if caseworker is None or Note.objects.exists():
        return {}
    today = timezone.localdate()
    counts = {"documents": 0, "notes": 0, "tasks": 0, "contacts": 0}
    children = _children(caseworker)
    for index, child in enumerate(children):
        for title, category, audience in DOCUMENTS[: 1 + index % 3]:
            counts["documents"] += _upload(caseworker, child, title, category, audience)
        first = services.add_note(actor=caseworker, child=child, text=NOTES[index % 2])
        counts["notes"] += 1
        if index == 0:
            services.add_note(
                actor=caseworker, child=child, corrects=first, text=NOTES[0].replace("two terms", "three terms")
            )
            counts["notes"] += 1
        title, due_in = TASKS[index % 3]
        services.add_task(
            actor=caseworker, child=child, title=title, due_on=today + timedelta(days=due_in), assigned_to=caseworker
        )
        counts["tasks"] += 1
        kind, who, summary = CONTACTS[index % 2]
        when = timezone.make_aware(datetime.combine(today - timedelta(days=2 + index), time(10, 30)))
        services.log_contact(actor=caseworker, child=child, kind=kind, with_whom=who, occurred_at=when, summary=summary)
        counts["contacts"] += 1
    if children:
        counts.update(_senco_and_deleted(caseworker, children[0], today))
    return counts


def _senco_and_deleted(caseworker, child, today: date) -> dict[str, int]:
    """A document deleted with its reason (the list shows it to the SEND team), and the SENCO's own upload."""
    counts = {}
    if _upload(caseworker, child, "Educational psychology report (duplicate)", "report", COUNCIL):
        duplicate = child.documents.filter(title__endswith="(duplicate)").first()
        retention.delete_document(actor=caseworker, document=duplicate, reason="Uploaded twice: the first copy stays")
        counts["deleted documents"] = 1
    senco = User.objects.filter(username="senco", is_active=True).select_related("establishment").first()
    school_child = (
        Child.objects.filter(placements__establishment=senco.establishment, placements__end_date__isnull=True)
        .order_by("id")
        .first()
        if senco and senco.establishment_id
        else None
    )
    if school_child is not None:
        counts["senco documents"] = _upload(senco, school_child, "School SEN support plan", "evidence", PROFESSIONALS)
    return counts
