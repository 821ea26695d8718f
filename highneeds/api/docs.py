"""The interactive API docs page, served with Swagger UI's own files (no CDN, no Django templates).

ninja's stock docs render a Django template (this project uses Jinja2 only) or load Swagger UI
from a CDN (unreachable here, and a council's content security policy would refuse it), so
this page is a small HTML document whose script and style come from ninja's bundled copy.
The page and its files require a signed-in user (they are pages, behind LoginRequiredMiddleware).
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

import ninja
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from ninja.openapi.docs import DocsBase

ASSET_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.png": "image/png",
}

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title}</title>
  <link rel="stylesheet" href="{assets}swagger-ui.css">
  <link rel="icon" href="{assets}favicon.png">
</head>
<body data-csrf-token="" data-api-csrf="">
  <script type="application/json" id="swagger-settings">{settings}</script>
  <div id="swagger-ui"></div>
  <script src="{assets}swagger-ui-bundle.js"></script>
  <script src="{assets}swagger-ui-init.js"></script>
</body>
</html>
"""


def _may_read_docs(request) -> None:
    user = request.user
    if not (user.is_authenticated and user.has_perm("accounts.use_api")):
        raise PermissionDenied("accounts.use_api")


class LocalSwagger(DocsBase):
    settings = {"layout": "BaseLayout", "deepLinking": True, "persistAuthorization": False}

    def render_page(self, request, api, **kwargs) -> HttpResponse:
        _may_read_docs(request)
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        # JSON inside <script>: no "</" can close the element early.
        settings_json = json.dumps(settings).replace("<", "\\u003c")
        assets = reverse(f"{api.urls_namespace}:docs-asset", kwargs={"name": "x"})[:-1]
        return HttpResponse(_PAGE.format(title=escape(api.title), assets=escape(assets), settings=settings_json))


def docs_asset(request, name: str):
    _may_read_docs(request)
    if name not in ASSETS:
        raise Http404(name)
    response = FileResponse(open(ASSET_DIR / name, "rb"), content_type=ASSETS[name])
    response["Cache-Control"] = "private, max-age=86400"
    return response
