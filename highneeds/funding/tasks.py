"""Importing actual payments from the funding page, as a task: the upload is checked and loaded by the worker,
all or nothing, as the person who uploaded it (their permission is checked again when it runs).

Running it twice does no harm: the import refuses a file it has already loaded (by its SHA-256), so a second run
reports that and changes nothing.
"""

from __future__ import annotations

import base64
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django_tasks import task

from highneeds.accounts.models import User

from . import presenting, services

FIELDS = {"file": "CSV file", "control_total": "Control total", "financial_year": "Financial year"}


def problems_of(exc: ValidationError) -> list[str]:
    """Every problem, each naming its field (the rows are named in the messages themselves)."""
    if not hasattr(exc, "error_dict"):
        return exc.messages
    return [
        f"{FIELDS.get(field, 'The file') if field != '__all__' else 'The file'}: {message}"
        for field, messages in exc.message_dict.items()
        for message in messages
    ]


@task()
def import_actuals_file(
    content_b64: str, financial_year: int, filename: str, control_total: str, requested_by: int
) -> dict:
    actor = User.objects.get(pk=requested_by)
    try:
        batch = services.import_actuals(
            actor=actor,
            financial_year=financial_year,
            filename=filename,
            content=base64.b64decode(content_b64),
            control_total=Decimal(control_total),
        )
    except ValidationError as exc:  # bad input is a result to show the person, not a failure to retry
        return {
            "summary": "Nothing was imported",
            "problems": problems_of(exc),
            "url": reverse("funding:actuals"),
            "link": "Upload a corrected file",
        }
    return {
        "summary": f"Imported {batch.rows} payments totalling {presenting.gbp(batch.control_total)}.",
        "url": f"{reverse('funding:overview')}?year={batch.financial_year}",
        "link": "See the year's position",
    }
