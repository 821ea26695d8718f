"""Every API operation declares the permission it checks; a meta-test holds the routes to that.

    @router.get("/children/{child_id}", response=...)
    @guarded("people.view_child", gate="people.open_records", object_level=True)
    def child_detail(request, child_id: int): ...

`guarded` checks the page-level permission (`gate`, or the permission itself) before the view
runs and answers 403 when the role lacks it. An object-level permission is then the view's to
enforce on the object it fetches (for children, `people.queries.open_child_record`, which also
audits the read); the view answers 404 for "missing" and "not yours" alike.

`GUARDS` maps each guarded view (module.qualname) to its `Guard`; `endpoints()` walks the
mounted API and pairs each route with the guard of its view, or None when it has none.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied


@dataclass(frozen=True)
class Guard:
    permission: str
    gate: str
    object_level: bool = False


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    view: str
    guard: Guard | None


GUARDS: dict[str, Guard] = {}


def _key(func) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def guarded(permission: str, *, gate: str | None = None, object_level: bool = False):
    guard = Guard(permission=permission, gate=gate or permission, object_level=object_level)
    if object_level and gate is None:
        raise ValueError("an object-level permission needs a page-level gate")

    def decorate(view):
        @functools.wraps(view)
        def checked(request, *args, **kwargs):
            user = request.auth
            if not (user.has_perm("accounts.use_api") and user.has_perm(guard.gate)):
                raise PermissionDenied(guard.gate)
            return view(request, *args, **kwargs)

        checked.api_guard = guard
        GUARDS[_key(view)] = guard
        return checked

    return decorate


def guard_of(func) -> Guard | None:
    return getattr(func, "api_guard", None)


def endpoints(api=None) -> list[Endpoint]:
    """Each (method, path) the API serves, with the guard of its view (None if unguarded)."""
    if api is None:
        from .main import api  # why: api.main imports every router, which import this module (a cycle)
    root = api.get_root_path({}).rstrip("/")
    found = []
    for bound in api._get_bound_routers():
        prefix = bound.prefix.strip("/")
        for path, path_view in bound.path_operations.items():
            full = "/".join(p for p in (root, prefix, path.strip("/")) if p)
            for operation in path_view.operations:
                for method in operation.methods:
                    found.append(Endpoint(method, full, _key(operation.view_func), guard_of(operation.view_func)))
    return sorted(found, key=lambda e: (e.path, e.method))
