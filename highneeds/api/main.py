"""The NinjaAPI instance: bearer auth on every operation, problem bodies for every error."""

from __future__ import annotations

from ninja import NinjaAPI

from . import children, errors, establishments
from .auth import BearerToken
from .docs import LocalSwagger

api = NinjaAPI(
    title="highneeds API",
    version="1",
    description=(
        "Read access to children and establishments for integrations. Authenticate with "
        "`Authorization: Bearer <token>` (tokens are issued with `highneeds api-token create`). "
        "Every error is a JSON problem body: `{type, title, status, detail}`, plus `errors` on 422."
    ),
    urls_namespace="api-v1",
    auth=BearerToken(),
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("", children.router)
api.add_router("", establishments.router)
