"""The difference between two versions of an EHC plan, section by section and word by word. Pure: no Django.

Split from planquality.py to keep each module readable; the sections are the same dicts (see planquality.py).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from .planquality import SECTION_ORDER, SECTION_TITLES


@dataclass
class Change:
    kind: str  # "added" | "removed" | "changed"
    label: str
    old: str = ""
    new: str = ""
    # Word-level pieces for a changed text: ("same" | "ins" | "del", text)
    pieces: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class SectionDiff:
    section: str
    title: str
    changes: list[Change]


def word_pieces(old: str, new: str) -> list[tuple[str, str]]:
    """The words kept, deleted and inserted, for <del>/<ins> mark-up."""
    a, b = (old or "").split(), (new or "").split()
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", " ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            pieces.append(("del", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(("ins", " ".join(b[j1:j2])))
    return pieces


def _flat(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_flat(v)}" for k, v in value.items() if v not in (None, "", []))
    return "" if value is None else str(value)


def _names(sections: dict) -> dict[str, str]:
    """Ids of needs and outcomes as readers know them: "need 2", "outcome 1"."""
    names = {n.get("id"): f"need {i}" for i, n in enumerate((sections.get("B") or {}).get("needs") or [], 1)}
    names.update(
        {o.get("id"): f"outcome {i}" for i, o in enumerate((sections.get("E") or {}).get("outcomes") or [], 1)}
    )
    return names


def _field(item: dict, key: str, names: dict[str, str]) -> str:
    value = item.get(key)
    if isinstance(value, list):
        return ", ".join(names.get(v, str(v)) for v in value)
    return _flat(value)


def _item_text(item: dict, fields: dict[str, str], names: dict[str, str]) -> str:
    return "; ".join(f"{label}: {_field(item, key, names)}" for key, label in fields.items() if item.get(key))


LIST_SECTIONS = {
    "B": ("needs", "Need", {"area": "Area of need", "code": "Need code", "text": "Description"}),
    "E": (
        "outcomes",
        "Outcome",
        {
            "text": "Outcome",
            "by_when": "By when",
            "measure": "How progress is measured",
            "adulthood": "Preparation for adulthood",
            "needs": "Needs",
        },
    ),
    "F": (
        "items",
        "Provision",
        {
            "what": "What",
            "who": "Who",
            "expertise": "Expertise",
            "frequency": "How often",
            "duration": "For how long",
            "group_size": "Group size",
            "needs": "Needs",
            "outcomes": "Outcomes",
        },
    ),
}


def diff(old: dict, new: dict, labels: dict[str, str] | None = None) -> list[SectionDiff]:
    """Section by section: items added, removed or changed (matched by id), and text fields changed.
    `labels` names the fields of the text sections (key -> label); unknown keys use the key."""
    labels = labels or {}
    out: list[SectionDiff] = []
    for section in SECTION_ORDER:
        if section == "K":
            continue  # appendices are the advice itself, listed not compared
        a, b = old.get(section) or {}, new.get(section) or {}
        changes: list[Change] = []
        if section in LIST_SECTIONS:
            key, noun, fields = LIST_SECTIONS[section]
            before = {i.get("id"): i for i in a.get(key) or []}
            after = {i.get("id"): i for i in b.get(key) or []}
            old_names, new_names = _names(old), _names(new)
            for n, (item_id, item) in enumerate(after.items(), 1):
                if item_id not in before:
                    changes.append(Change("added", f"{noun} {n}", new=_item_text(item, fields, new_names)))
                    continue
                for field_key, field_label in fields.items():  # one change per field that differs
                    old_text = _field(before[item_id], field_key, old_names)
                    new_text = _field(item, field_key, new_names)
                    if old_text == new_text:
                        continue
                    label = f"{noun} {n}, {field_label.lower()}"
                    if not old_text:
                        changes.append(Change("added", label, new=new_text))
                    elif not new_text:
                        changes.append(Change("removed", label, old=old_text))
                    else:
                        changes.append(Change("changed", label, old_text, new_text, word_pieces(old_text, new_text)))
            for n, (item_id, item) in enumerate(before.items(), 1):
                if item_id not in after:
                    changes.append(
                        Change("removed", f"{noun} {n} of the earlier version", old=_item_text(item, fields, old_names))
                    )
            extra_keys = [k for k in sorted(set(a) | set(b)) if k != key]
        else:
            extra_keys = sorted(set(a) | set(b))
        for k in extra_keys:
            if k in ("media", "written_by", "written_by_role", "written_on"):
                continue
            old_text, new_text = _flat(a.get(k)), _flat(b.get(k))
            if old_text == new_text:
                continue
            label = labels.get(k, k.replace("_", " ").capitalize())
            if not old_text:
                changes.append(Change("added", label, new=new_text))
            elif not new_text:
                changes.append(Change("removed", label, old=old_text))
            else:
                changes.append(Change("changed", label, old_text, new_text, word_pieces(old_text, new_text)))
        out.append(SectionDiff(section, SECTION_TITLES[section], changes))
    return out
