"""The REST API base under /api/v1: authentication, errors, pagination conventions.

Every app has one router in ``<app>/api.py``; the project mounts them here. Calls authenticate
with a bearer token (``Authorization: Bearer gx_...``; never in the query string) or with the
browser session, in which case writes need the CSRF token like any form.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from guanxi.core.errors import InvalidInput, NotAllowed, RecordNotFound, StaleVersion
from guanxi.core.services.tokens import user_for_token
from guanxi.core.signed_in import signed_in_user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionWithCsrf(APIKeyCookie):
    """The signed-in browser session; writes are CSRF-checked by ninja (csrf=True)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


api = NinjaAPI(
    title="Guanxi API",
    version="1",
    urls_namespace="api",
    auth=[BearerToken(), SessionWithCsrf()],
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=login_required,
)


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    body: dict[str, Any] = {"code": code, "detail": message}
    if fields:
        body["fields"] = fields
    return body


@api.exception_handler(RecordNotFound)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


@api.exception_handler(Http404)
def _http404(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


@api.exception_handler(NotAllowed)
def _not_allowed(request: HttpRequest, exc: Exception) -> HttpResponse:
    message = str(exc) if exc.args and isinstance(exc.args[0], str) else _("Not allowed.")
    return api.create_response(request, error_body("forbidden", message), status=403)


@api.exception_handler(StaleVersion)
def _stale(request: HttpRequest, exc: StaleVersion) -> HttpResponse:
    body = error_body("stale_version", str(exc), {f: [_("changed")] for f in exc.changed_fields})
    body["current_version"] = exc.current_version
    return api.create_response(request, body, status=409)


@api.exception_handler(InvalidInput)
def _invalid(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
    return api.create_response(
        request, error_body("invalid", _("Invalid input."), exc.errors), status=400
    )


@api.exception_handler(NinjaValidationError)
def _schema_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "payload")]
        fields.setdefault(".".join(location) or "body", []).append(str(error.get("msg", "")))
    return api.create_response(
        request, error_body("invalid", _("Invalid input."), fields), status=400
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request, error_body("unauthenticated", _("Authentication required.")), status=401
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, error_body("error", str(exc)), status=exc.status_code)


core_router = Router(tags=["platform"])


class ScopeOut(Schema):
    module: str
    view: str
    change: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    department: str | None
    roles: list[str]
    scopes: list[ScopeOut]
    language: str


@core_router.get(
    "/me", response=MeOut, summary="The calling user, their roles and data scopes per module"
)
def me(request: HttpRequest) -> dict:
    from guanxi.core.modules import module_codes
    from guanxi.core.scopes import effective_scope
    from guanxi.core.services.org import role_codes

    user = signed_in_user(request)
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": str(user),
        "department": str(user.department) if user.department_id else None,
        "roles": sorted(role_codes(user)),
        "scopes": [
            {
                "module": m,
                "view": effective_scope(user, m, "view"),
                "change": effective_scope(user, m, "change"),
            }
            for m in module_codes()
        ],
        "language": user.language or settings.LANGUAGE_CODE,
    }


class IndexOut(Schema):
    version: str
    openapi: str
    docs: str


@core_router.get("/", response=IndexOut, summary="Where the API describes itself")
def index(request: HttpRequest) -> dict:
    return {"version": "1", "openapi": "/api/v1/openapi.json", "docs": "/api/v1/docs"}


api.add_router("/", core_router)

from guanxi.core.team_api import router as team_router  # noqa: E402  (needs ``api`` above)

api.add_router("/", team_router)

from guanxi.core.jobs_api import router as jobs_router  # noqa: E402  (needs ``api`` above)

api.add_router("/", jobs_router)

from guanxi.core.module_settings_api import router as module_settings_router  # noqa: E402

api.add_router("/", module_settings_router)

from guanxi.core.attachments_api import router as attachments_router  # noqa: E402

api.add_router("/", attachments_router)
