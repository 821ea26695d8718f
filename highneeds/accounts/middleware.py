"""Second factor for staff, and no caching of signed-in pages."""

from __future__ import annotations

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
        if (
            user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and not user.is_verified()
            and two_factor.needs_code(user)
        ):
            return redirect(two_factor.next_step(user, request.get_full_path()))
        return self.get_response(request)


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
