"""Parsing SEN2 files from anywhere, safely: no entities, no DTDs, no network; one clear error otherwise."""

from __future__ import annotations

from lxml import etree


class SEN2FileError(ValueError):
    """The file cannot be read as a SEN2 return at all (one message, shown as is)."""


def _parser():
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        remove_blank_text=True,
    )


def parse(data: bytes):
    """The root element of a SEN2 message, or SEN2FileError saying why not."""
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data[:65536].upper():
        raise SEN2FileError("the file declares a DOCTYPE or entities, which a SEN2 return never does: refused")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise SEN2FileError(f"not well-formed XML: {exc.msg} (line {exc.lineno})") from None
    # Namespaced files from other systems: compare local names only.
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = etree.QName(el).localname
    if root.tag != "Message":
        raise SEN2FileError(f"the root element is <{root.tag}>, not <Message>: this is not a SEN2 return")
    if root.find("Header") is None:
        raise SEN2FileError("the file has no <Header>: a SEN2 return starts with its header (module 0)")
    if (root.findtext("Header/CollectionDetails/Collection") or "").strip().upper() != "SEN2":
        raise SEN2FileError("the header's <Collection> is not SEN2")
    return root


def read_file(path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise SEN2FileError(f"cannot read {path}: {exc.strerror or exc}") from None
