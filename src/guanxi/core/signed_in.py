"""The signed-in user of a request, typed: for login-only views and authenticated API routes."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from guanxi.core.models.org import User

#: Whoever a request carries: a signed-in user or the anonymous one. The scope rule takes
#: either (the anonymous user sees nothing); services take a :class:`User`.
RequestUser: TypeAlias = User | AnonymousUser


def signed_in_user(request: HttpRequest) -> User:
    """``request.user`` narrowed to :class:`User` where authentication is already enforced
    (``login_required`` or the API's auth); an anonymous user here is a programming error."""
    user = request.user
    assert isinstance(user, User), "signed_in_user() used on a view that allows anonymous users"
    return user
