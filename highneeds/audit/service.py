"""The one way to change data: a service function that checks permission and audits, atomically.

`@service` runs the function in a transaction, watches the SQL it sends, and refuses to commit
when it wrote to a domain table without appending an audit event. The events it records are appended
to the chain as the transaction's last step (audit.log.append), so the chain head is locked only
briefly; a service must therefore not catch an error from a rolled-back inner savepoint and carry on
(the events recorded inside it would still be appended).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

REGISTRY: list = []
# Tables whose writes are bookkeeping, not changes to someone's record.
_IGNORED_TABLES = re.compile(r'^"?(audit_|django_session|django_migrations)')
_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+("?[\w.]+"?)', re.I)


class AuditMissing(RuntimeError):
    pass


@dataclass
class _Call:
    name: str
    writes: set[str] = field(default_factory=set)
    audited: int = 0
    pending: list = field(default_factory=list)  # audit events to append as the transaction's last step
    append: object = None  # audit.log.append (passed in: this module must not import the log)

    def watch(self, execute, sql, params, many, context):
        match = _WRITE.match(sql)
        if match and not _IGNORED_TABLES.match(match.group(2)):
            self.writes.add(match.group(2).strip('"'))
        return execute(sql, params, many, context)


_current: contextvars.ContextVar[_Call | None] = contextvars.ContextVar("highneeds_service", default=None)


def in_service() -> bool:
    return _current.get() is not None


_bookkeeping: contextvars.ContextVar[bool] = contextvars.ContextVar("highneeds_bookkeeping", default=False)


@contextlib.contextmanager
def bookkeeping():
    """Mark a write outside a service that changes no one's record (a token's last-used stamp, a job's progress
    counter), so the test suite's write-outside-service check (tests/write_guard.py) lets it through."""
    token = _bookkeeping.set(True)
    try:
        yield
    finally:
        _bookkeeping.reset(token)


def in_bookkeeping() -> bool:
    return _bookkeeping.get()


def defer_audit(events: list, append) -> bool:
    """Hold audit events for the chain append at the end of the running service; False outside one."""
    call = _current.get()
    if call is None:
        return False
    call.pending.extend(events)
    call.audited += len(events)
    call.append = append
    return True


def service(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if _current.get() is not None:  # nested: the outermost call does the checking
            return func(*args, **kwargs)
        call = _Call(func.__qualname__)
        token = _current.set(call)
        try:
            with transaction.atomic(), connection.execute_wrapper(call.watch):
                result = func(*args, **kwargs)
                if call.writes and not call.audited:
                    raise AuditMissing(f"{call.name} wrote to {sorted(call.writes)} without an audit event")
                if call.pending:
                    call.append(call.pending)
            return result
        finally:
            _current.reset(token)

    wrapper.is_service = True
    REGISTRY.append(wrapper)
    return wrapper


def require(actor, perm: str, obj=None) -> None:
    """Raise PermissionDenied unless the actor holds `perm` (on `obj` where given)."""
    if getattr(actor, "is_system", False):
        return
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(perm)
