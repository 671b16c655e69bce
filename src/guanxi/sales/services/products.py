"""Products and categories: catalogue data every signed-in user reads and only sales managers
and administrators change (see ``models.catalogue``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.errors import InvalidInput, NotAllowed
from guanxi.core.models.org import User
from guanxi.core.services import records
from guanxi.sales.models import (
    PriceList,
    PriceListItem,
    Product,
    ProductCategory,
    may_edit_catalogue,
)
from guanxi.sales.services.common import clean_values, resolve, to_money

PRODUCT_FIELDS: tuple[str, ...] = (
    "code",
    "name",
    "name_en",
    "category",
    "unit",
    "list_price",
    "cost",
    "active",
)
CATEGORY_FIELDS: tuple[str, ...] = ("name", "name_en")


def require_catalogue_editor(actor: User) -> None:
    if not may_edit_catalogue(actor):
        raise NotAllowed(_("Only sales managers and administrators change the catalogue."))


def _product_values(values: Mapping[str, Any], actor: User) -> dict[str, Any]:
    cleaned = clean_values(values, PRODUCT_FIELDS)
    if "category" in cleaned:
        cleaned["category"] = resolve(ProductCategory, cleaned["category"], actor, "category")
    for name in ("list_price", "cost"):
        if cleaned.get(name) not in (None, ""):
            cleaned[name] = to_money(cleaned[name], name)
        elif name in cleaned and name == "cost":
            cleaned[name] = None
    return cleaned


def _check_code_free(code: str, exclude_pk: int | None = None) -> None:
    rows = Product.objects.filter(code=code)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    if code and rows.exists():
        raise InvalidInput({"code": [_("A product with this code already exists.")]})


def create_product(*, actor: User, values: Mapping[str, Any]) -> Product:
    require_catalogue_editor(actor)
    cleaned = _product_values(values, actor)
    for name in ("code", "name"):
        if not cleaned.get(name):
            raise InvalidInput({name: [_("This field is required.")]})
    _check_code_free(cleaned["code"])
    with transaction.atomic():
        return records.create_record(Product, actor=actor, values=cleaned)


def update_product(
    product: Product, *, actor: User, expected_version: int | None, changes: Mapping[str, Any]
) -> Product:
    require_catalogue_editor(actor)
    cleaned = _product_values(changes, actor)
    if "code" in cleaned:
        _check_code_free(cleaned["code"], exclude_pk=product.pk)
    return records.update_record(
        product, actor=actor, expected_version=expected_version, changes=cleaned
    )


def delete_product(product: Product, *, actor: User) -> Product:
    """To the recycle bin; order lines keep pointing at it (their history stays readable)."""
    require_catalogue_editor(actor)
    return records.soft_delete(product, actor=actor)


def restore_product(product: Product, *, actor: User) -> Product:
    require_catalogue_editor(actor)
    with transaction.atomic():
        _check_code_free(product.code, exclude_pk=product.pk)
        return records.restore(product, actor=actor)


def create_category(*, actor: User, values: Mapping[str, Any]) -> ProductCategory:
    require_catalogue_editor(actor)
    cleaned = clean_values(values, CATEGORY_FIELDS)
    if not cleaned.get("name"):
        raise InvalidInput({"name": [_("This field is required.")]})
    if ProductCategory.objects.filter(name=cleaned["name"]).exists():
        raise InvalidInput({"name": [_("A category with this name already exists.")]})
    return records.create_record(ProductCategory, actor=actor, values=cleaned)


def update_category(
    category: ProductCategory,
    *,
    actor: User,
    expected_version: int | None,
    changes: Mapping[str, Any],
) -> ProductCategory:
    require_catalogue_editor(actor)
    cleaned = clean_values(changes, CATEGORY_FIELDS)
    return records.update_record(
        category, actor=actor, expected_version=expected_version, changes=cleaned
    )


def search(queryset: Any, term: str) -> Any:
    from django.db.models import Q

    term = term.strip()
    return queryset.filter(
        Q(code__icontains=term) | Q(name__icontains=term) | Q(name_en__icontains=term)
    )


def create_price_list(*, actor: User, values: Mapping[str, Any]) -> PriceList:
    require_catalogue_editor(actor)
    cleaned = clean_values(values, ("name", "active", "notes"))
    if not cleaned.get("name"):
        raise InvalidInput({"name": [_("This field is required.")]})
    if PriceList.objects.filter(name=cleaned["name"]).exists():
        raise InvalidInput({"name": [_("A price list with this name already exists.")]})
    return records.create_record(PriceList, actor=actor, values=cleaned)


def set_price(*, actor: User, price_list: PriceList, product: Product, price: Any) -> PriceListItem:
    """Put ``product`` on ``price_list`` at ``price`` (or change its price there)."""
    require_catalogue_editor(actor)
    amount = to_money(price, "price")
    if amount < 0:
        raise InvalidInput({"price": [_("A price cannot be negative.")]})
    with transaction.atomic():
        item = PriceListItem.objects.filter(price_list=price_list, product=product).first()
        if item is None:
            return records.create_record(
                PriceListItem,
                actor=actor,
                values={"price_list": price_list, "product": product, "price": amount},
            )
        return records.update_record(
            item, actor=actor, expected_version=None, changes={"price": amount}
        )


def active_price_list(actor: User, price_list_id: int | None) -> PriceList | None:
    """The active price list an order or opportunity names by id (None when it names none)."""
    if price_list_id is None:
        return None
    found = PriceList.objects.visible_to(actor).filter(pk=price_list_id, active=True).first()
    if found is None:
        raise InvalidInput({"price_list": [_("No such active price list.")]})
    return found


def split_lines(
    actor: User, values: Mapping[str, Any]
) -> tuple[dict[str, Any], Any, PriceList | None]:
    """An order's or opportunity's API fields, less the lines and the price list that travel
    beside them: (fields, lines, active price list)."""
    fields = dict(values)
    lines = fields.pop("lines", None)
    return fields, lines, active_price_list(actor, fields.pop("price_list", None))


def unit_prices(price_list: PriceList | None, products: list[Product]) -> dict[int, Any]:
    """product id → the price a line takes by default: the price list's, else the list price."""
    prices = {p.pk: p.list_price for p in products}
    if price_list is not None:
        items = PriceListItem.objects.filter(
            price_list=price_list, product__in=[p.pk for p in products]
        )
        prices.update({item.product_id: item.price for item in items})
    return prices
