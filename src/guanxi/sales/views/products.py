"""The product catalogue pages (every signed-in user reads; managers and administrators edit)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse

from guanxi.core.resources import pages
from guanxi.core.views import generic
from guanxi.sales import forms
from guanxi.sales.models import (
    Product,
    may_edit_catalogue,
)
from guanxi.sales.services import (
    products,
)


class ProductList(generic.ObjectListView):
    model = Product
    url_prefix = "sales:product"
    resource = "products"
    list_name = "products"
    template_name = "sales/product_list.html"
    table_template = "sales/_product_table.html"
    export_filename = "products"

    def extra_context(self) -> dict[str, Any]:
        return {"can_edit": may_edit_catalogue(self.request.user)}


class ProductEdit(generic.ObjectEditView):
    model = Product
    url_prefix = "sales:product"
    form_class = forms.ProductForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not may_edit_catalogue(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def create(self, form: Any) -> Product:
        return products.create_product(actor=self.request.user, values=form.values())

    def update(self, obj: Any, form: Any, version: int) -> Product:
        return products.update_product(
            obj, actor=self.request.user, expected_version=version, changes=form.values()
        )

    def success_url(self, obj: Any) -> str:
        return reverse("sales:product_list")


class ProductDelete(generic.ObjectDeleteView):
    model = Product
    url_prefix = "sales:product"

    def delete(self, obj: Any) -> None:
        products.delete_product(obj, actor=self.request.user)


pages.PageSet(
    "sales", "products", root="products/", list=ProductList, edit=ProductEdit,
    delete=ProductDelete,
)  # fmt: skip
