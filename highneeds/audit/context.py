"""Request-scoped context (request id, acting user) read by the audit log without Django imports."""

from __future__ import annotations

import contextvars
import uuid

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("highneeds_request_id", default=None)


def current_request_id() -> str:
    return request_id.get() or f"cli-{uuid.uuid4()}"
