"""The catalogue's hand-written route: setting a product's price in a price list.

Products, categories, price lists, pipelines and stages are declared in ``sales/resources.py``;
core builds their list, detail, create, PATCH, delete and restore routes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest

from guanxi.core.resources import get
from guanxi.core.resources.api_routes import out, reread
from guanxi.core.scopes import CHANGE
from guanxi.core.services.records import get_visible
from guanxi.sales.api import router
from guanxi.sales.api.common import Strict
from guanxi.sales.models import PriceList, Product
from guanxi.sales.services import products


class PriceIn(Strict):
    price: Decimal


@router.put("/price-lists/{int:price_list_id}/prices/{int:product_id}", url_name="set_price")
def set_price(
    request: HttpRequest, price_list_id: int, product_id: int, payload: PriceIn
) -> dict[str, Any]:
    price_list = get_visible(PriceList, price_list_id, request.user, CHANGE)
    product = get_visible(Product, product_id, request.user)
    products.set_price(
        actor=request.user, price_list=price_list, product=product, price=payload.price
    )
    declared = get("price_lists")
    return out(declared, reread(declared, price_list.pk, request.user), request.user)
