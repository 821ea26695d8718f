"""What kind of file an upload really is, from its first bytes, not its name.

An upload is accepted only when its content is one of the kinds below and its name ends with an
extension of that same kind: a renamed executable, a `.pdf` that is really a Word file, or a zip
that is not an Office document are all refused. Pure Python (no Django) so it is property-tested.

An uploaded XLSX is kept and downloaded byte for byte, as an attachment, like any other document from
outside: highneeds.spreadsheets (which neutralises formulas in the exports we write) does not rewrite it.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str  # as shown to people
    content_type: str
    extensions: tuple[str, ...]


PDF = Kind("PDF", "application/pdf", (".pdf",))
DOCX = Kind("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = Kind("Excel spreadsheet", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PNG = Kind("PNG image", "image/png", (".png",))
JPEG = Kind("JPEG image", "image/jpeg", (".jpg", ".jpeg"))
KINDS = (PDF, DOCX, XLSX, PNG, JPEG)
ACCEPTED = ", ".join(k.name for k in KINDS[:-1]) + f" or {KINDS[-1].name}"


def _office(data: bytes) -> Kind | None:
    """DOCX and XLSX are zip files holding [Content_Types].xml and their main part."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def sniff(data: bytes) -> Kind | None:
    """The kind of file these bytes are, or None when they are not one we accept."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _office(data)
    return None


def extension(filename: str) -> str:
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""


def check(filename: str, data: bytes, max_bytes: int) -> Kind:
    """The file's kind, or ValueError with a sentence a person can act on."""
    if not data:
        raise ValueError("The selected file is empty")
    if len(data) > max_bytes:
        raise ValueError(f"The selected file must be smaller than {human_size(max_bytes)}")
    kind = sniff(data)
    if kind is None:
        raise ValueError(f"The selected file must be a {ACCEPTED}")
    if extension(filename) not in kind.extensions:
        raise ValueError(
            f"The selected file is a {kind.name} but its name does not end in "
            f"{' or '.join(kind.extensions)}: rename it and try again"
        )
    return kind


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB" if size % (1024 * 1024) == 0 else f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} bytes"
