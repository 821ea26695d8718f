"""View decorators that make every page declare the permission it needs.

A meta-test walks the URL configuration and fails for any view without one of these marks.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.utils.http import url_has_allowed_host_and_scheme


def requires(perm: str):
    """Page-level check; object-level checks happen in the queries/services the view calls."""

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not request.user.has_perm(perm):
                raise PermissionDenied(perm)
            return view(request, *args, **kwargs)

        checked.required_permission = perm
        return checked

    return decorate


def public(view):
    """Reachable without signing in (the sign-in page, the accessibility statement, health)."""
    view = login_not_required(view)
    view.is_public = True
    return view


def safe_next_url(request) -> str:
    """Where to go after signing in: the `next` address if it is on this site, else home."""
    target = request.POST.get("next") or request.GET.get("next") or "/"
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else "/"
