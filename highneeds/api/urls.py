"""The integration API's routes, mounted at /api/v1/ by highneeds/urls.py.

Nothing under /api/ redirects to the sign-in page: a caller without credentials gets 401.
  operations         bearer token only; the view's guard checks its permission
  openapi.json, /    a bearer token, or a signed-in session (so the docs page can load the schema)
  docs, its assets   pages: a signed-in session only; otherwise 401 with a link to sign in
Every route is exempt from LoginRequiredMiddleware (each answers for itself, as above) and its
callback carries `required_permission`, like the web's views.
"""

from __future__ import annotations

from functools import wraps
from html import escape
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path

from .auth import BearerToken
from .docs import docs_asset
from .errors import problem
from .main import api
from .permissions import guard_of

API_PERMISSION = "accounts.use_api"
_bearer = BearerToken()


def _unauthorized(request):
    response = api.create_response(
        request, problem(401, "Send a valid API token as 'Authorization: Bearer <token>', or sign in"), status=401
    )
    response["WWW-Authenticate"] = 'Bearer realm="highneeds"'
    return response


def _forbidden(request):
    return api.create_response(request, problem(403, "Your role does not allow this"), status=403)


def _token_or_session(view):
    """A token when an Authorization header is sent, else the signed-in session."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.headers.get("Authorization"):
            user = _bearer(request)
        else:
            user = request.user if request.user.is_authenticated else None
        if user is None:
            return _unauthorized(request)
        if not user.has_perm(API_PERMISSION):
            return _forbidden(request)
        return view(request, *args, **kwargs)

    return checked


def _signed_in_page(view):
    """The docs are pages: a signed-in session, never a token. 401 (not a redirect) offers a sign-in link."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not request.user.is_authenticated:
            sign_in = f"{settings.LOGIN_URL}?next={quote(request.get_full_path())}"
            response = HttpResponse(
                '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>'
                f'<body><p><a href="{escape(sign_in)}">Sign in</a> to read the API documentation.</p></body></html>',
                status=401,
            )
            response["WWW-Authenticate"] = 'Bearer realm="highneeds"'
            return response
        if not request.user.has_perm(API_PERMISSION):
            return _forbidden(request)
        return view(request, *args, **kwargs)

    return checked


def _operation_guards() -> dict:
    """URL name -> guard of the operation's view (ninja names each route after its view)."""
    guards = {}
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                name = getattr(operation, "url_name", "") or operation.view_func.__name__
                guards[name] = guard_of(operation.view_func)
    return guards


def _mark(patterns) -> list:
    guards = _operation_guards()
    for pattern in patterns:
        name = pattern.name
        if name in ("openapi-json", "api-root"):
            pattern.callback = _token_or_session(pattern.callback)  # the root then answers 404
            pattern.callback.required_permission = API_PERMISSION
        elif name == "openapi-view":
            pattern.callback = _signed_in_page(pattern.callback)
            pattern.callback.required_permission = API_PERMISSION
        else:
            guard = guards.get(name)
            if guard is None:
                raise RuntimeError(f"API route {pattern.pattern} has no permission guard")
            pattern.callback.required_permission = guard.permission
            pattern.callback.api_token_auth = True
        pattern.callback = login_not_required(pattern.callback)
    return patterns


_patterns, _app_name, _namespace = api.urls
_asset_view = login_not_required(_signed_in_page(docs_asset))
_asset_view.required_permission = API_PERMISSION

urlpatterns = [
    path(
        "",
        include(
            (_mark(_patterns) + [path("docs/assets/<str:name>", _asset_view, name="docs-asset")], _app_name),
            namespace=_namespace,
        ),
    ),
]
