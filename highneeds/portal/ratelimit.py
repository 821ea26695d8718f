"""A fixed-window rate limit kept in a cache shared by every web process, per client address and per session.

Used by the public request form, which anyone can post to without an account. Each POST counts
(valid or not, so the form cannot be used to probe at speed). When either the address or the session
has used up its allowance in the current window, the form answers 429 with a Retry-After header.

Limits: `PORTAL_RATE_LIMIT` in Django settings, as (attempts, window in seconds); default
(`DEFAULT_LIMIT`) 10 attempts an hour. The counts live in the cache named by `PORTAL_RATE_LIMIT_CACHE`
(default "shared": Django's database cache, table `highneeds_shared_cache`, made by a migration), never
in one process's memory, so the limit holds however many workers run. Counting claims numbered slots
with `cache.add`, which is atomic in the database, Redis and memcached caches, so two workers counting
at once cannot both see the same number (a database cache's `incr` is a read then a write, and would).
The address is REMOTE_ADDR: behind a reverse proxy, have the proxy or server set it to the client's
address, since a client can forge X-Forwarded-For.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

DEFAULT_LIMIT = (10, 60 * 60)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


def limits() -> tuple[int, int]:
    attempts, window = getattr(settings, "PORTAL_RATE_LIMIT", DEFAULT_LIMIT)
    return int(attempts), int(window)


def store():
    return caches[getattr(settings, "PORTAL_RATE_LIMIT_CACHE", "shared")]


def _count(key: str, attempts: int, window: int, now: float | None = None) -> int:
    """Count one attempt in this window; the number returned is exact up to attempts + 1."""
    shared = store()
    bucket = f"{key}:{int((time.time() if now is None else now) // window)}"
    n = min((shared.get(bucket) or 0) + 1, attempts + 1)  # a hint where to start: slots below it are taken
    while n <= attempts and not shared.add(f"{bucket}:{n}", 1, timeout=window):
        n += 1
    shared.set(bucket, n, timeout=window)
    return n


def hit(request, scope: str) -> Verdict:
    """Count one attempt by this client at `scope`; say whether it is within the limit."""
    attempts, window = limits()
    if not request.session.session_key:
        request.session.save()  # an anonymous visitor gets a session key to count against
    keys = [
        f"ratelimit:{scope}:ip:{request.META.get('REMOTE_ADDR', '')}",
        f"ratelimit:{scope}:session:{request.session.session_key}",
    ]
    now = time.time()
    over = [key for key in keys if _count(key, attempts, window, now) > attempts]
    return Verdict(allowed=not over, retry_after=window - int(now % window) if over else 0)
