"""django-axes' lockout check, for sign-ins over HTTP."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username before any password check. A sign-in from code (a shell, the test client's
    `login`) has no request to throttle and is left to the next backend; every sign-in page passes the request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
