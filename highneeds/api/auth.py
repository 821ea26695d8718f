"""Bearer token authentication: `Authorization: Bearer <key>`, checked with `authenticate_token`."""

from __future__ import annotations

from ninja.security import HttpBearer

from highneeds.accounts.services import authenticate_token


class BearerToken(HttpBearer):
    """Resolves the token to its user. Unknown, revoked or expired tokens and inactive users get 401.

    The session is never consulted: a signed-in browser without a token is anonymous here, so
    the API needs no CSRF protection.
    """

    def authenticate(self, request, token: str):
        user = authenticate_token(token.strip())
        if user is None:
            return None
        # Anything downstream that reads request.user sees the token's user, not the session's.
        request.user = user
        return user
