"""A letter's filled-in text laid out for print: paragraphs, headings, full links, sign-off.

Letter templates are typed with their lines wrapped at about 80 characters. Printed, those breaks must
go: a line that was wrapped joins the next one into one paragraph. A line is taken as wrapped when it
is long (WRAP_AT or more characters) and either does not end a sentence or the next line carries on in
lower case. A short line on its own that does not end in punctuation and starts a block ("Mediation",
"Your right to appeal") is a heading. Words are never lost or reordered (property-tested).

Pure Python, no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WRAP_AT = 60
_ENDS_SENTENCE = (".", ":", "!", "?", ";")
# A site path in running text ("/portal/plans/12/"), not a date (1/2/2026) or "and/or".
_PATH = re.compile(r"(?<![\w/:.])(/[A-Za-z][\w\-./]*[\w/])")
_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)]")


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" or "paragraph"
    lines: tuple[str, ...]  # a paragraph's lines after joining wrapped ones; a heading has one


def _joins(previous: str, line: str) -> bool:
    if len(previous) < WRAP_AT:
        return False
    return not previous.endswith(_ENDS_SENTENCE) or line[:1].islower()


def layout(body: str) -> list[Block]:
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip()):
        raw = [" ".join(line.split()) for line in chunk.split("\n")]
        raw = [line for line in raw if line]
        if not raw:
            continue
        if len(raw) > 1 and len(raw[0]) < WRAP_AT and not raw[0].endswith((*_ENDS_SENTENCE, ",")):
            blocks.append(Block("heading", (raw[0],)))
            raw = raw[1:]
        lines: list[str] = [raw[0]]
        for line in raw[1:]:
            if _joins(lines[-1], line):
                lines[-1] = f"{lines[-1]} {line}"
            else:
                lines.append(line)
        blocks.append(Block("paragraph", tuple(lines)))
    return blocks


def full_links(text: str, site: str) -> str:
    """Site paths in the text as full addresses on `site` (https://send.example.gov.uk)."""
    if not site:
        return text
    site = site.rstrip("/")
    return _PATH.sub(lambda m: site + m.group(1), text)


def split_links(text: str) -> list[tuple[str, bool]]:
    """The text in pieces, each marked True where it is a web address (so a page can make it a link)."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    for match in _URL.finditer(text):
        if match.start() > at:
            pieces.append((text[at : match.start()], False))
        pieces.append((match.group(0), True))
        at = match.end()
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def without_sign_off(blocks: list[Block], council_name: str) -> list[Block]:
    """Drop a last paragraph that is only the council's name: the printed letter signs off properly."""
    if blocks and blocks[-1].kind == "paragraph" and blocks[-1].lines == (council_name,):
        return blocks[:-1]
    return blocks
