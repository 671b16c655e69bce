"""Products and categories: catalogue data every signed-in user reads and only sales managers
and administrators change (see ``models.catalogue``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.errors import InvalidInput, NotAllowed
from guanxi.core.services import records
from guanxi.sales.models import Product, ProductCategory, may_edit_catalogue
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


def require_catalogue_editor(actor: Any) -> None:
    if not may_edit_catalogue(actor):
        raise NotAllowed(_("Only sales managers and administrators change the catalogue."))


def _product_values(values: Mapping[str, Any], actor: Any) -> dict[str, Any]:
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


def create_product(*, actor: Any, values: Mapping[str, Any]) -> Product:
    require_catalogue_editor(actor)
    cleaned = _product_values(values, actor)
    for name in ("code", "name"):
        if not cleaned.get(name):
            raise InvalidInput({name: [_("This field is required.")]})
    _check_code_free(cleaned["code"])
    with transaction.atomic():
        return records.create_record(Product, actor=actor, values=cleaned)


def update_product(
    product: Product, *, actor: Any, expected_version: int | None, changes: Mapping[str, Any]
) -> Product:
    require_catalogue_editor(actor)
    cleaned = _product_values(changes, actor)
    if "code" in cleaned:
        _check_code_free(cleaned["code"], exclude_pk=product.pk)
    return records.update_record(
        product, actor=actor, expected_version=expected_version, changes=cleaned
    )


def delete_product(product: Product, *, actor: Any) -> Product:
    """To the recycle bin; order lines keep pointing at it (their history stays readable)."""
    require_catalogue_editor(actor)
    return records.soft_delete(product, actor=actor)


def restore_product(product: Product, *, actor: Any) -> Product:
    require_catalogue_editor(actor)
    with transaction.atomic():
        _check_code_free(product.code, exclude_pk=product.pk)
        return records.restore(product, actor=actor)


def create_category(*, actor: Any, values: Mapping[str, Any]) -> ProductCategory:
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
    actor: Any,
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
