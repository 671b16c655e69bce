"""The product-line schemas of opportunities and orders, outside the API package so the
resource declarations can name them without importing the routes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import ConfigDict


class LineIn(Schema):
    model_config = ConfigDict(extra="forbid")
    product: int
    quantity: Decimal = Decimal("1")
    unit_price: Decimal | None = None
    discount: Decimal = Decimal("0")
    description: str = ""


class LineOut(Schema):
    id: int
    product: int
    product_name: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    amount: Decimal


def line_rows(rows: Any) -> list[dict[str, Any]]:
    """Lines as the API shows them (``rows`` with their products joined or prefetched)."""
    return [
        {
            "id": x.pk,
            "product": x.product_id,
            "product_name": x.product.name,
            "description": x.description,
            "quantity": x.quantity,
            "unit_price": x.unit_price,
            "discount": x.discount,
            "amount": x.amount,
        }
        for x in rows
    ]
