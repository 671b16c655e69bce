"""The home dashboard: one placeholder per role, filled by the modules' dashboard panels."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from guanxi.core import dashboard
from guanxi.core.services.org import role_codes


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = sorted(role_codes(request.user))
    return render(
        request,
        "core/home.html",
        {
            "roles": roles,
            "role_intro": dashboard.role_intros(roles, request.user.is_superuser),
            "panels": dashboard.panels_for(request),
        },
    )
