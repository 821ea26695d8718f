"""Evidence sent with a form (the public request form, a school's request, a school's review report): one form
field and one template partial for every such form, checked exactly as the case file's uploads are
(engine.filetypes: the real type from the first bytes, and the size), then stored, scanned and audited by
records.services.store_attachments inside the form's own service."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from highneeds.engine import filetypes

from . import scanning

MAX_FILES = 5


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes


def max_bytes() -> int:
    return getattr(settings, "HIGHNEEDS_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)


def checked_file(name: str, data: bytes, limit: int, field: str = "file") -> filetypes.Kind:
    """The real type from the first bytes, and the size; refused with a message on `field`."""
    try:
        return filetypes.check(name, data, limit)
    except ValueError as exc:
        raise ValidationError({field: str(exc)}) from None


def scanned(data: bytes, field: str = "file") -> scanning.Scan:
    result = scanning.scan(data)
    if result.status == scanning.INFECTED:
        raise ValidationError({field: "The selected file contains a virus and has not been saved"})
    if result.status not in (scanning.CLEAN, scanning.NOT_SCANNED):
        raise ValidationError({field: "The selected file could not be checked for viruses: try again later"})
    return result


def checked_upload(name: str, data: bytes, field: str = "file") -> filetypes.Kind:
    """The checks a document upload gets (real type, size limit, virus scan), for a file held before it is
    filed on the record (an adviser's report while their advice is a draft)."""
    kind = checked_file(name, data, max_bytes(), field)
    scanned(data, field)
    return kind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to MAX_FILES files, optional. Cleans to a list of `Attachment`; a bad file is refused by name."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Attach evidence (optional)")
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"Attach {MAX_FILES} files or fewer")
        limit, found = max_bytes(), []
        for upload in files:
            name = (upload.name or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
            if upload.size > limit:  # before reading it into memory
                raise forms.ValidationError(f"{name} must be smaller than {filetypes.human_size(limit)}")
            content = upload.read()
            try:
                filetypes.check(name, content, limit)
            except ValueError as exc:
                raise forms.ValidationError(f"{name}: {exc}") from None
            found.append(Attachment(name, content))
        if not found and self.required:
            raise forms.ValidationError(self.error_messages["required"])
        return found


def page_context() -> dict:
    """What the `records/_attachments.html` partial shows: the accepted kinds, the size limit, the scanner."""
    return {
        "attach_accepted": filetypes.ACCEPTED,
        "attach_limit": filetypes.human_size(max_bytes()),
        "attach_max_files": MAX_FILES,
        "attach_scanner": scanning.scanner_name(),
    }
