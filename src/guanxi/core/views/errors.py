"""Friendly error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def _api_error(
    request: HttpRequest | None, code: str, message: str, status: int
) -> HttpResponse | None:
    """Under /api/ every error is the API's JSON, never an HTML page."""
    if request is None or not request.path.startswith("/api/"):
        return None
    return JsonResponse({"code": code, "detail": message}, status=status)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    answer = _api_error(request, "forbidden", _("Not allowed."), 403)
    return answer or render(request, "403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    answer = _api_error(request, "not_found", _("Not found."), 404)
    return answer or render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    answer = _api_error(request, "server_error", _("Server error."), 500)
    if answer is not None:
        return answer
    # No context processors: the database may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())
