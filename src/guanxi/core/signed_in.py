"""The signed-in user of a request, typed: for login-only views and authenticated API routes."""

from __future__ import annotations

from django.http import HttpRequest

from guanxi.core.models.org import User


def signed_in_user(request: HttpRequest) -> User:
    """``request.user`` narrowed to :class:`User` where authentication is already enforced
    (``login_required`` or the API's auth); an anonymous user here is a programming error."""
    user = request.user
    assert isinstance(user, User), "signed_in_user() used on a view that allows anonymous users"
    return user
