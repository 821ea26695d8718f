"""Tagged, accessible PDFs (PDF/UA-1) made with WeasyPrint, shared by plan documents and panel packs.

WeasyPrint is imported only when a PDF is made, so the rest of the service runs without its system libraries.
"""

from __future__ import annotations

PDF_VARIANT = "pdf/ua-1"


class PdfUnavailable(RuntimeError):
    pass


def load_weasyprint(what: str):
    """The weasyprint module, or PdfUnavailable saying how to install it; `what` names the documents that need it
    ("Plan PDFs", "Panel packs")."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Pango/HarfBuzz libraries are missing
        raise PdfUnavailable(
            f"{what} need WeasyPrint and its system libraries: pip install 'weasyprint>=62' and, on Debian, "
            "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
            f" ({exc.__class__.__name__}: {exc})"
        ) from exc
    return weasyprint


def write_pdf(weasyprint, html: str) -> bytes:
    """A standalone HTML document as a PDF/UA-1 file."""
    return weasyprint.HTML(string=html, base_url=None).write_pdf(pdf_variant=PDF_VARIANT)
