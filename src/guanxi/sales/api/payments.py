"""The payment action that is not CRUD: reverse (冲销) — a payment is never deleted. List,
detail, record (create) and PATCH of the descriptive fields are built by core from
``sales/resources_orders.py``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from guanxi.core.resources.api_routes import answer
from guanxi.core.resources.schemas import detail_schema
from guanxi.core.scopes import CHANGE
from guanxi.core.services.records import get_visible
from guanxi.sales.api import router
from guanxi.sales.api.common import Strict
from guanxi.sales.models import Payment
from guanxi.sales.resources_orders import PAYMENTS
from guanxi.sales.services import payments


class ReverseIn(Strict):
    reason: str
    version: int | None = None


@router.post(
    "/payments/{int:payment_id}/reverse",
    response=detail_schema(PAYMENTS),
    summary="Reverse (冲销); the record stays",
)
def reverse_payment(request: HttpRequest, payment_id: int, payload: ReverseIn) -> dict[str, Any]:
    p = payments.reverse_payment(
        get_visible(Payment, payment_id, request.user, CHANGE),
        actor=request.user,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return answer(PAYMENTS, p, request.user)
