"""API tokens: created (shown once), looked up by hash on every call, revoked at once."""

from __future__ import annotations

from django.utils import timezone

from guanxi.core.errors import InvalidInput, RecordNotFound
from guanxi.core.models.org import User
from guanxi.core.models.tokens import ApiToken, hash_token, new_raw_token


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its raw value, which is never stored or shown again."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput({"name": ["This field is required."]})
    raw = new_raw_token()
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=raw[:10], key_hash=hash_token(raw)
    )
    return token, raw


def revoke_token(user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise RecordNotFound(token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_token(raw: str) -> User | None:
    """The active user behind a raw token, read from the database on every request (no cache
    that could outlive a revocation or a deactivation)."""
    if not raw or not raw.startswith("gx_"):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
