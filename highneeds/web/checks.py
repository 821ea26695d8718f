"""`check --deploy` warns when something a web process keeps would not be seen by the others (docs/scaling.md).

Sessions, sign-in lockouts (django-axes) and the public forms' rate limits must live where every web process looks:
the database, or a cache every process shares. The "default" cache stays per process on purpose: it holds only
values derived from the database (docs/scaling.md says which and for how long).
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",  # unless on a shared volume; say so rather than guess
)
HINT = "Use the database (as shipped) or a cache every web process shares (the 'shared' cache); see docs/scaling.md."


def _per_process(alias: str) -> bool:
    return settings.CACHES.get(alias, {}).get("BACKEND") in PER_PROCESS_CACHES


def per_process_state() -> list[str]:
    """What this configuration keeps inside one web process that the others need to see."""
    found = []
    engine = settings.SESSION_ENGINE
    if engine == "django.contrib.sessions.backends.file":
        found.append("sessions are files on this machine (SESSION_ENGINE)")
    elif engine.endswith((".cache", ".cached_db")) and _per_process(
        getattr(settings, "SESSION_CACHE_ALIAS", "default")
    ):
        # cached_db still reads the database on a miss, but a sign-out in one process leaves the others' copies
        found.append(f"sessions are cached in a per-process cache (SESSION_ENGINE {engine})")
    if getattr(settings, "AXES_HANDLER", "").endswith("AxesCacheHandler") and _per_process(
        getattr(settings, "AXES_CACHE", "default")
    ):
        found.append("sign-in failures are counted in a per-process cache (AXES_HANDLER, AXES_CACHE)")
    if _per_process(getattr(settings, "PORTAL_RATE_LIMIT_CACHE", "shared")):
        found.append("the public forms' rate limits are counted in a per-process cache (PORTAL_RATE_LIMIT_CACHE)")
    return found


@checks.register("scaling", deploy=True)
def shared_state_check(app_configs, **kwargs):
    return [
        checks.Warning(f"With more than one web process, {what}.", hint=HINT, id="web.W001")
        for what in per_process_state()
    ]
