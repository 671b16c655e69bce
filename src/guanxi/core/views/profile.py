"""The user's own profile: language and personal API tokens (shown once at creation)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core.errors import InvalidInput, RecordNotFound
from guanxi.core.services import tokens
from guanxi.core.signed_in import signed_in_user


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    new_token = None
    if request.method == "POST":
        try:
            _token, new_token = tokens.create_token(
                signed_in_user(request), request.POST.get("name", "")
            )
        except InvalidInput:
            messages.error(request, _("Give the token a name."))
            return redirect("core:profile")
        messages.success(request, _("Token created. Copy it now: it will not be shown again."))
    return render(
        request,
        "core/profile.html",
        {
            "tokens": signed_in_user(request).api_tokens.all(),
            "new_token": new_token,
        },
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        tokens.revoke_token(signed_in_user(request), pk)
    except RecordNotFound:
        raise Http404 from None
    messages.success(request, _("Token revoked."))
    return redirect("core:profile")
