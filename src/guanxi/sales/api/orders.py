"""The order actions that are not CRUD: replace a draft's lines, confirm, release from hold,
deliver, cancel. List, detail, create, PATCH, delete (drafts only) and restore of orders and of
their payment plan's instalments are built by core from ``sales/resources_orders.py``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from guanxi.core.resources.api_routes import answer
from guanxi.core.resources.schemas import detail_schema
from guanxi.core.scopes import CHANGE
from guanxi.core.services.records import get_visible
from guanxi.sales.api import router
from guanxi.sales.api.common import Strict, VersionIn
from guanxi.sales.models import Order
from guanxi.sales.resources_orders import ORDERS, OrderLineIn
from guanxi.sales.services import orders

OrderDetailOut = detail_schema(ORDERS)


class OrderLinesIn(Strict):
    lines: list[OrderLineIn]
    version: int | None = None


class CancelIn(Strict):
    reason: str
    version: int | None = None


def _changeable(request: HttpRequest, order_id: int) -> Order:
    return get_visible(Order, order_id, request.user, CHANGE)


@router.put(
    "/orders/{int:order_id}/lines",
    response=OrderDetailOut,
    summary="Replace a draft order's lines",
)
def replace_order_lines(
    request: HttpRequest, order_id: int, payload: OrderLinesIn
) -> dict[str, Any]:
    o = orders.replace_lines(
        _changeable(request, order_id),
        actor=request.user,
        lines=[line.model_dump() for line in payload.lines],
        expected_version=payload.version,
    )
    return answer(ORDERS, o, request.user)


@router.post(
    "/orders/{int:order_id}/confirm",
    response=OrderDetailOut,
    summary="Confirm a draft order",
    description=(
        "Sales event hooks may refuse the confirmation (400, the reason under `fields.status`; "
        "nothing is written) or put the order on hold (200, `status` `on_hold` and "
        "`hold_reason`; release it with `/release`)."
    ),
)
def confirm_order(request: HttpRequest, order_id: int, payload: VersionIn) -> dict[str, Any]:
    o = orders.confirm_order(
        _changeable(request, order_id), actor=request.user, expected_version=payload.version
    )
    return answer(ORDERS, o, request.user)


@router.post(
    "/orders/{int:order_id}/release",
    response=OrderDetailOut,
    summary="Release an order on hold, which confirms it",
    description="A hook may still refuse (400, the reason under `fields.status`).",
)
def release_order(request: HttpRequest, order_id: int, payload: VersionIn) -> dict[str, Any]:
    o = orders.release_order(
        _changeable(request, order_id), actor=request.user, expected_version=payload.version
    )
    return answer(ORDERS, o, request.user)


@router.post("/orders/{int:order_id}/deliver", response=OrderDetailOut, summary="Deliver")
def deliver_order(request: HttpRequest, order_id: int, payload: VersionIn) -> dict[str, Any]:
    o = orders.deliver_order(
        _changeable(request, order_id), actor=request.user, expected_version=payload.version
    )
    return answer(ORDERS, o, request.user)


@router.post("/orders/{int:order_id}/cancel", response=OrderDetailOut, summary="Cancel")
def cancel_order(request: HttpRequest, order_id: int, payload: CancelIn) -> dict[str, Any]:
    o = orders.cancel_order(
        _changeable(request, order_id),
        actor=request.user,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return answer(ORDERS, o, request.user)
