"""One registry of audit actions (highneeds.audit.labels.ACTIONS, one module a domain in highneeds/audit/labels/),
one naming scheme, and nothing recorded outside it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import rules.permissions

import highneeds
from highneeds.accounts.roles import SYSTEM
from highneeds.audit import labels, log
from highneeds.audit.models import AuditEvent

PACKAGE = Path(highneeds.__file__).resolve().parent
DOTTED = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
# Calls whose dotted string arguments are not actions.
NOT_ACTION_CALLS = {
    "requires",
    "require",
    "has_perm",
    "guarded",
    "getLogger",
    "import_module",
    "include",
    "connect",
    "setdefault",
    "path",
    "fail",
}
NOT_ACTION_KEYWORDS = {"object_type", "dispatch_uid", "permission", "perm"}
# Domains that end in "s" without being plural.
NOT_PLURAL = {"access"}


def action_literals() -> dict[str, str]:
    """Dotted strings the code passes to a call or gives as the default of a `what`/`action` parameter, with where
    the first is, limited to the registry's domains (so module paths and template names are left out)."""
    domains = {action.split(".")[0] for action in labels.ACTIONS} | {a.split(".")[0] for a in labels.ALIASES}
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            values = []
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in NOT_ACTION_CALLS:
                    continue
                values = list(node.args) + [k.value for k in node.keywords if k.arg not in NOT_ACTION_KEYWORDS]
            elif isinstance(node, ast.arguments):
                named = node.posonlyargs + node.args
                pairs = list(zip(named[len(named) - len(node.defaults) :], node.defaults))
                pairs += [(a, d) for a, d in zip(node.kwonlyargs, node.kw_defaults) if d is not None]
                values = [d for a, d in pairs if a.arg in ("what", "action")]
            for value in (inner for v in values for inner in ast.walk(v)):  # `"a.x" if c else "a.y"` too
                if (
                    isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                    and DOTTED.match(value.value)
                    and value.value.split(".")[0] in domains
                ):
                    found.setdefault(value.value, f"{path.relative_to(PACKAGE.parent)}:{value.lineno}")
    return found


def test_every_action_the_code_names_is_registered():
    permissions = set(rules.permissions.permissions.keys())
    from django.apps import apps

    model_labels = {m._meta.label_lower for m in apps.get_models()}
    literals = action_literals()
    unregistered = {
        a: where
        for a, where in literals.items()
        if a not in labels.ACTIONS and a not in permissions and a not in model_labels
    }
    assert unregistered == {}
    assert len(literals) > 150  # the scan found the code's actions, not nothing


def test_one_naming_scheme():
    domains = {action.split(".")[0] for action in labels.ACTIONS}
    assert all(DOTTED.match(action) for action in labels.ACTIONS)
    plural = sorted(d for d in domains if d.endswith("s") and d not in NOT_PLURAL)
    assert plural == [], "name the domain in the singular (review.*, dispute.*)"


def test_old_names_keep_their_labels_and_are_not_recorded_any_more():
    for old, new in labels.ALIASES.items():
        assert new in labels.ACTIONS and old not in labels.ACTIONS
        assert labels.label(old) == labels.ACTIONS[new]
    assert labels.label("reviews.recalculate") == labels.label("review.recalculate")


def test_every_action_has_a_label():
    assert all(text and text.strip() == text for text in labels.ACTIONS.values())


def test_recording_an_unregistered_action_is_refused(db):
    before = AuditEvent.objects.count()
    with pytest.raises(labels.UnknownAction, match="review.made_up"):
        log.record(actor=SYSTEM, action="review.made_up")
    with pytest.raises(labels.UnknownAction):
        log.record_many(actor=SYSTEM, entries=[log.Entry(action="child.view"), log.Entry(action="reviews.demo")])
    assert AuditEvent.objects.count() == before


def test_a_registered_action_is_recorded(db):
    event = log.record(actor=SYSTEM, action="review.recalculate")
    assert AuditEvent.objects.filter(pk=event.pk, action="review.recalculate").exists()
