"""Upload type checks and letter layout: pure engines, unit and property tests."""

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from highneeds.engine import filetypes, letterlayout
from highneeds.engine.letterlayout import Block

SIGNATURES = {b"%PDF-": filetypes.PDF, b"\x89PNG\r\n\x1a\n": filetypes.PNG, b"\xff\xd8\xff": filetypes.JPEG}


@given(st.binary(max_size=200))
def test_bytes_without_a_known_signature_are_never_accepted(data):
    kind = filetypes.sniff(data)
    if kind is not None:
        assert any(data.startswith(sig) for sig in SIGNATURES) or data.startswith(b"PK\x03\x04")


@given(
    st.sampled_from(sorted(SIGNATURES)),
    st.binary(max_size=100),
    st.text(alphabet="abcdefghij-_ ", min_size=1, max_size=20),
    st.sampled_from([".pdf", ".png", ".jpg", ".jpeg", ".PDF", ".exe", ".docx", ""]),
)
def test_the_name_must_match_the_content(signature, rest, stem, ext):
    data = signature + rest
    kind = SIGNATURES[signature]
    if ext.lower() in kind.extensions:
        assert filetypes.check(stem + ext, data, 10_000) is kind
    else:
        with pytest.raises(ValueError):
            filetypes.check(stem + ext, data, 10_000)


@given(st.integers(min_value=1, max_value=5000), st.integers(min_value=1, max_value=5000))
def test_the_size_limit_is_exact(size, limit):
    data = b"%PDF-" + b"x" * max(0, size - 5)
    if len(data) > limit:
        with pytest.raises(ValueError, match="smaller than"):
            filetypes.check("a.pdf", data, limit)
    else:
        assert filetypes.check("a.pdf", data, limit) is filetypes.PDF


def _zip(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


def test_office_files_are_told_apart_from_other_zips():
    assert filetypes.sniff(_zip("[Content_Types].xml", "word/document.xml")) is filetypes.DOCX
    assert filetypes.sniff(_zip("[Content_Types].xml", "xl/workbook.xml")) is filetypes.XLSX
    assert filetypes.sniff(_zip("payload.exe")) is None
    assert filetypes.sniff(b"PK\x03\x04 truncated") is None


def test_paths_in_names_do_not_change_the_extension():
    assert filetypes.extension("C:\\Users\\x\\report.final.PDF") == ".pdf"
    assert filetypes.extension("../../etc/passwd") == ""


# ---------------------------------------------------------------------------------------------
# Letter layout

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFG.,:", min_size=1, max_size=12)
LINES = st.lists(st.lists(WORDS, min_size=1, max_size=14).map(" ".join), min_size=1, max_size=6).map("\n".join)


@settings(max_examples=200)
@given(st.lists(LINES, min_size=1, max_size=5).map("\n\n".join))
def test_layout_never_loses_or_reorders_words(body):
    blocks = letterlayout.layout(body)
    laid_out = " ".join(" ".join(b.lines) for b in blocks).split()
    assert laid_out == body.split()


def test_wrapped_lines_become_paragraphs_and_short_titles_headings():
    body = (
        "Dear Pat,\n\nWe received a request on 1 March 2026 for an education, health and care needs\n"
        "assessment for Sam. Our reference is R-1.\n\nMediation\nBefore appealing you must contact our "
        "mediation adviser within 2 months of this letter,\nto discuss whether mediation might help.\n"
        "Mediation adviser: Example Mediation, 01234 567891\n\nExampleshire County Council"
    )
    blocks = letterlayout.layout(body)
    assert blocks[0] == Block("paragraph", ("Dear Pat,",))
    joined = (
        "We received a request on 1 March 2026 for an education, health and care needs "
        "assessment for Sam. Our reference is R-1."
    )
    assert blocks[1].lines == (joined,)
    assert blocks[2] == Block("heading", ("Mediation",))
    assert len(blocks[3].lines) == 2 and blocks[3].lines[1].startswith("Mediation adviser:")
    assert letterlayout.without_sign_off(blocks, "Exampleshire County Council") == blocks[:-1]


def test_paths_become_full_links_but_dates_and_urls_do_not():
    text = "See /portal/plans/12/ or https://example.org/a/b. Dated 1/2/2026, and/or later."
    done = letterlayout.full_links(text, "https://send.example.gov.uk/")
    assert "https://send.example.gov.uk/portal/plans/12/" in done
    assert "https://example.org/a/b." in done and "1/2/2026" in done and "and/or" in done
    pieces = letterlayout.split_links(done)
    assert ("https://send.example.gov.uk/portal/plans/12/", True) in pieces
    assert ("https://example.org/a/b", True) in pieces
    assert "".join(p for p, _ in pieces) == done
