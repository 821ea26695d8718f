"""A simple fixed-window rate limit in Django's cache, per client address and per session.

Used by the public request form, which anyone can post to without an account. Each POST counts
(valid or not, so the form cannot be used to probe at speed). When either the address or the session
has used up its allowance in the current window, the form answers 429 with a Retry-After header.

Limits: `PORTAL_RATE_LIMIT` in Django settings, as (attempts, window in seconds); default
(`DEFAULT_LIMIT`) 10 attempts an hour. The cache must be shared by every web process for the limit
to hold across them (a database or Redis cache in production; the default local-memory cache is per
process). The address is REMOTE_ADDR: behind a reverse proxy, have the proxy or server set it to the
client's address, since a client can forge X-Forwarded-For.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

DEFAULT_LIMIT = (10, 60 * 60)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


def limits() -> tuple[int, int]:
    attempts, window = getattr(settings, "PORTAL_RATE_LIMIT", DEFAULT_LIMIT)
    return int(attempts), int(window)


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)  # starts the window; does nothing if it has started
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def hit(request, scope: str) -> Verdict:
    """Count one attempt by this client at `scope`; say whether it is within the limit."""
    attempts, window = limits()
    if not request.session.session_key:
        request.session.save()  # an anonymous visitor gets a session key to count against
    keys = [f"ratelimit:{scope}:ip:{request.META.get('REMOTE_ADDR', '')}",
            f"ratelimit:{scope}:session:{request.session.session_key}"]
    over = [key for key in keys if _count(key, window) > attempts]
    return Verdict(allowed=not over, retry_after=window if over else 0)
