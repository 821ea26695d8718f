"""What the GIAS and section 41 imports of establishments share: parsing a whole number, naming
the column of a model error, and writing a batch of creates and updates with their audit events.

The two imports themselves are `imports.gias.import_gias` and `imports.s41.import_s41`.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils import timezone

from highneeds.audit import log
from highneeds.establishments.models import Establishment

from .csvkit import RowError

BATCH = 500


def whole_number(text: str, *, low: int = 0, high: int | None = None) -> int:
    if not re.fullmatch(r"\d+", text):
        raise ValueError("Enter a whole number")
    value = int(text)
    if value < low or (high is not None and value > high):
        raise ValueError(f"Must be between {low} and {high}" if high is not None else f"Must be at least {low}")
    return value


def model_errors(number: int, exc: ValidationError, record: dict, columns: dict[str, str]) -> list[RowError]:
    """A ValidationError from clean_establishment or full_clean, as row errors naming columns."""
    out = []
    for field_name, messages in exc.message_dict.items():
        column = columns.get(field_name, field_name)
        out.append(RowError(number, column, "; ".join(messages), record.get(column, "")))
    return out


_LIMITS = {f.name: f.max_length for f in Establishment._meta.concrete_fields if getattr(f, "max_length", None)}


def check_lengths(values: dict) -> None:
    """The record's length limits, without full_clean's cost (about 0.3 ms a row on a GIAS extract)."""
    errors = {
        f: f"Must be {limit} characters or fewer"
        for f, limit in _LIMITS.items()
        if isinstance(values.get(f), str) and len(values[f]) > limit
    }
    if errors:
        raise ValidationError(errors)


def audit_entry(action: str, est: Establishment, *, before=None, after=None) -> log.Entry:
    return log.Entry(
        action=action, object_type=Establishment._meta.label_lower, object_id=str(est.pk), before=before, after=after
    )


def write_changes(
    actor, creates: list[Establishment], updates: list[tuple[Establishment, dict, dict]], progress
) -> None:
    """Bulk-create and bulk-update, auditing each record in the same batches."""
    progress.stage("Writing", len(creates) + len(updates))
    for start in range(0, len(creates), BATCH):
        batch = creates[start : start + BATCH]
        Establishment.objects.bulk_create(batch)
        log.record_many(
            actor=actor, entries=[audit_entry("establishment.create", e, after=e.snapshot()) for e in batch]
        )
        progress.advance(len(batch))
    now = timezone.now()
    for start in range(0, len(updates), BATCH):
        batch = updates[start : start + BATCH]
        fields = sorted({f for _, _, changed in batch for f in changed} | {"updated_at"})
        for est, _, _ in batch:
            est.updated_at = now
        Establishment.objects.bulk_update([est for est, _, _ in batch], fields)
        log.record_many(
            actor=actor,
            entries=[
                audit_entry("establishment.update", est, before=before, after=changed) for est, before, changed in batch
            ],
        )
        progress.advance(len(batch))


def apply_changes(est: Establishment, values: dict) -> tuple[dict, dict] | None:
    """Set the values that differ; (before, after) of those, or None when nothing changes."""
    changed = {f: v for f, v in values.items() if getattr(est, f) != v}
    if not changed:
        return None
    before = {f: getattr(est, f) for f in changed}
    for f, v in changed.items():
        setattr(est, f, v)
    return before, changed
