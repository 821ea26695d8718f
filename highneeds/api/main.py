"""The NinjaAPI instance: bearer auth on every operation, problem bodies for every error."""

from __future__ import annotations

from ninja import NinjaAPI

from . import children, errors, establishments, plans
from . import disputes as disputes_api
from . import funding as funding_api
from . import planning as planning_api
from . import records as records_api
from . import reviews as reviews_api
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
api.add_router("", plans.router)
api.add_router("", reviews_api.router)
api.add_router("", disputes_api.router)
api.add_router("", planning_api.router)
api.add_router("", funding_api.router)
api.add_router("", records_api.router)
