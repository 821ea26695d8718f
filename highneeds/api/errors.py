"""Every error the API returns is a JSON problem body (after RFC 9457), declared in the schema.

    {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "..."}

422 adds `errors`, one item per bad field, naming the field and where it was sent.
"""

from __future__ import annotations

from http import HTTPStatus

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from ninja import Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from highneeds.accounts.services import record_refused_access


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str


class FieldError(Schema):
    field: str
    location: str
    message: str
    code: str


class ValidationProblem(Problem):
    errors: list[FieldError]


def problem(status: int, detail: str, **extra) -> dict:
    return {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail, **extra}


# The error responses each kind of operation can give, for `response=` declarations.
LIST_ERRORS = {401: Problem, 403: Problem, 422: ValidationProblem}
DETAIL_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: ValidationProblem}

_MESSAGES = {
    401: "Send a valid API token as 'Authorization: Bearer <token>'",
    403: "Your role does not allow this",
    404: "Not found",
}


def _field_errors(exc: ValidationError) -> list[dict]:
    errors = []
    for item in exc.errors:
        loc = [str(part) for part in item.get("loc", ())]
        errors.append(
            {
                "location": loc[0] if loc else "",
                "field": ".".join(loc[1:]),
                "message": str(item.get("msg", "Invalid value")),
                "code": str(item.get("type", "invalid")),
            }
        )
    return errors


def install(api) -> None:
    """Replace ninja's default handlers with problem bodies."""

    def respond(request, status: int, detail: str, **extra):
        response = api.create_response(request, problem(status, detail, **extra), status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="highneeds"'
        return response

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return respond(request, 401, _MESSAGES[401])

    @api.exception_handler(AuthorizationError)
    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        user = getattr(request, "auth", None)
        if user is not None and not getattr(exc, "audited", False):  # refused attempts are audited with the user
            record_refused_access(actor=user, request=request, permission=str(exc))
        return respond(request, 403, _MESSAGES[403])

    @api.exception_handler(Http404)
    @api.exception_handler(ObjectDoesNotExist)
    def not_found(request, exc):
        return respond(request, 404, _MESSAGES[404])

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return respond(request, exc.status_code, exc.message)

    @api.exception_handler(ValidationError)
    def invalid(request, exc: ValidationError):
        errors = _field_errors(exc)
        named = sorted({e["field"] for e in errors if e["field"]})
        detail = f"Check {', '.join(named)}" if named else "The request is not valid"
        return respond(request, 422, detail, errors=errors)
