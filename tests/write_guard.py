"""The test suite's check that every write to a domain table goes through a `@service`.

A database execute hook on every connection looks at each INSERT/UPDATE/DELETE. A write to a table of one of
the highneeds apps (not the audit tables, which only the audit log writes, and not Django's or a library's
sessions, lockouts, OTP devices, task queue, cache or migrations) is a violation when no `@service` is running
and application code is on the stack: a frame in the highneeds package that is not a models module (a model's
own save()) or a migration. A test that sets up data through the ORM has only tests/ and library frames on the
stack, so it passes; so does code inside `allow_writes()`, for the rare fixture that needs it.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import sys
import threading
from pathlib import Path

import highneeds
from highneeds.audit.service import in_bookkeeping, in_service

_PACKAGE = str(Path(highneeds.__file__).resolve().parent) + "/"
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.I)
# Application frames that may write outside a service: a model's own save()/delete(), and migrations.
_NOT_APPLICATION = re.compile(r"/(models(/[\w/]*)?\.py|models/|migrations/)")

_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar("highneeds_allow_writes", default=False)
_violations: list[str] = []
_lock = threading.Lock()
_tables: frozenset[str] | None = None


class WriteOutsideService(AssertionError):
    pass


def domain_tables() -> frozenset[str]:
    """Tables of the highneeds apps' models (many-to-many tables too), but not the audit app's."""
    global _tables
    if _tables is None:
        from django.apps import apps

        _tables = frozenset(
            model._meta.db_table.lower()
            for config in apps.get_app_configs()
            if config.name.startswith("highneeds.") and config.label != "audit"
            for model in config.get_models(include_auto_created=True)
        )
    return _tables


@contextlib.contextmanager
def allow_writes():
    """Let the code inside write outside a service (a fixture's deliberate shortcut, named at its use)."""
    token = _allowed.set(True)
    try:
        yield
    finally:
        _allowed.reset(token)


def _application_frame():
    """The innermost highneeds frame on the stack that is application code, or None; None too when a
    migration is on the stack (data migrations write their own tables)."""
    frame = sys._getframe(2)
    found = None
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(_PACKAGE):
            relative = filename[len(_PACKAGE) - 1 :]
            if "/migrations/" in relative:
                return None
            if found is None and not _NOT_APPLICATION.search(relative):
                found = f"highneeds{relative}:{frame.f_lineno} in {frame.f_code.co_name}"
        frame = frame.f_back
    return found


def guard(execute, sql, params, many, context):
    match = _WRITE.match(sql)
    if match and not (in_service() or in_bookkeeping() or _allowed.get()) and match.group(1).lower() in domain_tables():
        where = _application_frame()
        if where is not None:
            message = f"{sql.split(None, 1)[0].upper()} {match.group(1)} from {where}"
            with _lock:
                _violations.append(message)
            raise WriteOutsideService(f"write to a domain table outside a @service: {message}")
    return execute(sql, params, many, context)


def _add(connection, **_kwargs):
    if guard not in connection.execute_wrappers:
        connection.execute_wrappers.append(guard)


def install_write_guard() -> None:
    """Hook every connection this thread has and every one opened later (a live server's threads)."""
    from django.db import connections
    from django.db.backends.signals import connection_created

    connection_created.connect(_add, dispatch_uid="highneeds-write-guard")
    for connection in connections.all():
        _add(connection)


def take_violations() -> list[str]:
    with _lock:
        found = list(_violations)
        _violations.clear()
    return found
