"""Second factor for staff, and no caching of signed-in pages."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect

from . import two_factor

# Reachable with a password alone: the second-factor pages themselves, signing out, and pages with no personal data.
_OPEN_PREFIXES = ("/sign-in/", "/sign-out/", "/accessibility/", "/health/", "/static/", "/api/")


class SecondFactorMiddleware:
    """A session signed in with a password but not yet a code reaches only the second-factor pages.

    The API is left out: it never reads the session (bearer tokens only)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and not request.path.startswith(_OPEN_PREFIXES)
                and two_factor.needs_code(user) and not user.is_verified()):
            step = "sign-in-verify" if two_factor.has_device(user) else "two-factor-set-up"
            return redirect(f"{_url(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


class NoStoreMiddleware:
    """Everything a signed-in person (or an API token) is shown may hold personal data: no browser or proxy keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            response["Cache-Control"] = "no-store"
        return response
