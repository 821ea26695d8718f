"""The key that anchors the audit chain: held outside the database, so that whoever can rewrite the
audit table cannot recompute the chain (docs/security.md, "Audit log").

HIGHNEEDS_AUDIT_KEY        the key itself (at least 32 characters), or
HIGHNEEDS_AUDIT_KEY_FILE   a file holding it (readable only by the service account)
Neither set: a published development key, fine for tests and the demo; `check --deploy` flags it.
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT_KEY = b"highneeds-development-audit-key-not-secret"
MIN_LENGTH = 32


@functools.cache
def _resolve(value: str, path: str) -> bytes:
    if value:
        key = value.strip()
    elif path:
        try:
            key = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"HIGHNEEDS_AUDIT_KEY_FILE {path}: cannot read it ({exc.strerror})") from exc
    else:
        return DEVELOPMENT_KEY
    if len(key) < MIN_LENGTH:
        raise ImproperlyConfigured(f"the audit key must be at least {MIN_LENGTH} characters long")
    return key.encode()


def audit_key() -> bytes:
    return _resolve(getattr(settings, "AUDIT_KEY", ""), str(getattr(settings, "AUDIT_KEY_FILE", "") or ""))


def is_development_key() -> bool:
    return audit_key() == DEVELOPMENT_KEY
