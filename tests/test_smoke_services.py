"""Every write path is a registered `@service` that takes a keyword-only `actor`, checks permission and audits.

Driven by the registry `@service` fills (highneeds.audit.service.REGISTRY), not by module names: a service in a
module of any name is checked. What a service calls is followed through the functions it names (helpers in its
own module, other modules' functions, other services), so `require` and the audit record may sit in a shared
helper. The few entry points that run before anyone is signed in are listed below with the reason.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
import types

import highneeds
from highneeds.audit import log
from highneeds.audit.service import REGISTRY, require

# Services with no actor yet: the person is identified by what they hold (a session being opened, a one-time
# link, a username typed at sign-in) or is an anonymous family; each still writes an audit event.
NO_ACTOR = {
    "highneeds.accounts.services.sign_in": "the user being signed in is the actor recorded",
    "highneeds.accounts.services.sign_out": "the session's user is the actor recorded",
    "highneeds.accounts.services.record_failed_sign_in": "no one is signed in; the typed username is recorded",
    "highneeds.accounts.services.record_lockout": "no one is signed in; the typed username is recorded",
    "highneeds.accounts.services.request_own_password_reset": "someone not signed in asks by email address",
    "highneeds.accounts.services.set_password_with_link": "the one-time link identifies the person",
    "highneeds.accounts.family.accept_invitation": "the one-time link identifies the person",
    "highneeds.accounts.family.add_child_to_account": "the one-time link identifies the person",
    "highneeds.casework.services.intake.submit_portal_request": "a family's request made online without an account",
}
# Permission is the identity itself for these: holding the link or session is the right to act.
NO_REQUIRE = set(NO_ACTOR) | {
    # a 403 is recorded for whoever was refused: there is no permission to hold for being refused
    "highneeds.accounts.services.record_refused_access",
}
AUDIT_CALLS = {log.record, log.record_many, log.record_read}


def _registry():
    for info in pkgutil.walk_packages(highneeds.__path__, "highneeds."):
        if ".migrations" not in info.name and not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    return [f for f in REGISTRY if inspect.unwrap(f).__module__.startswith("highneeds.")]  # not tests' own


def _name(func) -> str:
    func = inspect.unwrap(func)
    return f"{func.__module__}.{func.__qualname__}"


def _callees(func):
    """The functions `func` names in a call, resolved through its module's globals and its own imports
    (`helper(...)`, `module.helper(...)`); what cannot be resolved statically (methods on objects) is left out."""
    func = inspect.unwrap(func)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError):
        return
    scope = dict(func.__globals__)
    for node in ast.walk(tree):  # imports inside the function (`from highneeds.x import services as x`)
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                module = importlib.import_module(node.module)
                found = getattr(module, alias.name, None)
                if found is None:
                    found = importlib.import_module(f"{node.module}.{alias.name}")
                scope[alias.asname or alias.name] = found
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        target = node.func
        if isinstance(target, ast.Name):
            found = scope.get(target.id)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            base = scope.get(target.value.id)
            found = getattr(base, target.attr, None) if isinstance(base, types.ModuleType) else None
        else:
            continue
        if isinstance(found, types.FunctionType):
            yield found


def _reaches(func, wanted: set, seen: set | None = None) -> bool:
    seen = set() if seen is None else seen
    for callee in _callees(func):
        if callee in wanted or inspect.unwrap(callee) in wanted:
            return True
        inner = inspect.unwrap(callee)
        if inner in seen or not inner.__module__.startswith("highneeds."):
            continue
        seen.add(inner)
        if _reaches(inner, wanted, seen):
            return True
    return False


def test_the_registry_holds_the_services():
    services = {_name(f) for f in _registry()}
    assert len(services) > 100
    assert {"highneeds.people.services.create_child", "highneeds.plans.services.drafting.save_items"} <= services


def test_every_service_takes_a_keyword_only_actor():
    wrong = []
    for func in _registry():
        parameter = inspect.signature(inspect.unwrap(func)).parameters.get("actor")
        if _name(func) not in NO_ACTOR and (parameter is None or parameter.kind is not parameter.KEYWORD_ONLY):
            wrong.append(_name(func))
    assert wrong == []


def test_every_service_checks_permission():
    missing = [_name(f) for f in _registry() if _name(f) not in NO_REQUIRE and not _reaches(f, {require})]
    assert missing == []


def test_every_service_records_an_audit_event():
    missing = [_name(f) for f in _registry() if not _reaches(f, AUDIT_CALLS)]
    assert missing == []


def test_the_exemptions_name_registered_services():
    services = {_name(f) for f in _registry()}
    assert NO_REQUIRE - services == set()


def test_the_checks_can_fail():
    """The call-following finds neither in a function that has neither."""

    def bare(*, actor):
        return actor

    assert not _reaches(bare, {require}) and not _reaches(bare, AUDIT_CALLS)
