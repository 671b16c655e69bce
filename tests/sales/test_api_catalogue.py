"""Generic API cases of the sales catalogue (reference data: everyone reads, sales managers and
administrators change), and the product pages built from the declaration."""

from __future__ import annotations

import csv
import io
from itertools import count
from typing import Any

import pytest
from django.urls import reverse

from guanxi.core import resources
from guanxi.sales.models import Product
from guanxi.sales.services import pipelines, products
from tests.generic_api import (
    APICreateTests,
    APICrudTests,
    APIDetailTests,
    APIListTests,
    APIPatchTests,
)
from tests.generic_views import ViewTestBase

_seq = count(1)
MANAGER = "manager1"


class TestProductAPI(APICrudTests):
    resource = "products"
    creator = editor = MANAGER

    @pytest.fixture
    def factory(self, org: Any) -> Any:
        def make(owner: str) -> Product:
            n = next(_seq)
            return products.create_product(
                actor=org.users["admin"], values={"code": f"G-{n}", "name": f"Gear {n}"}
            )

        return make

    def create_payload(self, factory: Any) -> dict[str, Any]:
        return {"code": "NEW-1", "name": "New gear", "list_price": "12.50"}

    def patch_payload(self) -> dict[str, Any]:
        return {"name": "Renamed gear"}


class TestCategoryAPI(APIListTests, APIDetailTests, APICreateTests, APIPatchTests):
    resource = "categories"
    creator = editor = MANAGER

    @pytest.fixture
    def factory(self, org: Any) -> Any:
        return lambda owner: products.create_category(
            actor=org.users["admin"], values={"name": f"Category {next(_seq)}"}
        )

    def create_payload(self, factory: Any) -> dict[str, Any]:
        return {"name": "软件 Software"}

    def patch_payload(self) -> dict[str, Any]:
        return {"name_en": "Software"}


class TestPriceListAPI(APIListTests, APIDetailTests, APICreateTests):
    resource = "price_lists"
    creator = MANAGER

    @pytest.fixture
    def factory(self, org: Any) -> Any:
        return lambda owner: products.create_price_list(
            actor=org.users["admin"], values={"name": f"Dealers {next(_seq)}"}
        )

    def create_payload(self, factory: Any) -> dict[str, Any]:
        return {"name": "Distributors"}


STAGES = [
    {"name": "Bid", "probability": 30},
    {"name": "Won", "probability": 100, "kind": "won"},
    {"name": "Lost", "kind": "lost"},
    {"name": "Invalid", "kind": "invalid"},
]


class TestPipelineAPI(APIListTests, APIDetailTests, APICreateTests):
    resource = "pipelines"
    creator = MANAGER

    @pytest.fixture
    def factory(self, org: Any) -> Any:
        return lambda owner: pipelines.create_pipeline(
            actor=org.users["admin"], name=f"Projects {next(_seq)}", stages=STAGES
        )

    def create_payload(self, factory: Any) -> dict[str, Any]:
        return {"name": "Tenders", "stages": STAGES}


class TestStageAPI(APIListTests, APIDetailTests, APIPatchTests):
    resource = "stages"
    editor = MANAGER

    @pytest.fixture
    def factory(self, org: Any) -> Any:
        def make(owner: str) -> Any:
            made = pipelines.create_pipeline(
                actor=org.users["admin"], name=f"Stages {next(_seq)}", stages=STAGES
            )
            return made.stages.order_by("position").first()

        return make

    def patch_payload(self) -> dict[str, Any]:
        return {"probability": 45}


class TestProductPages(ViewTestBase):
    """The product pages come from the declaration's page set; everyone reads, managers edit."""

    model = Product
    url_prefix = "sales:product"

    def test_everyone_reads_the_list_and_only_managers_see_the_create_form(
        self, catalogue: Any, client_for: Any
    ) -> None:
        for persona in ("rep1", "rep3", "service1"):
            body = client_for(persona).get(self.url("list")).content.decode()
            assert "P-100" in body
        assert client_for("manager1").get(self.url("create")).status_code == 200
        assert client_for("rep1").get(self.url("create")).status_code == 403

    def test_export_has_the_declared_columns(self, catalogue: Any, client_for: Any) -> None:
        response = client_for("rep1").get(reverse("sales:product_list") + "?format=csv&sort=code")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows[0]) == len(resources.get("products").columns)
        assert [r[0] for r in rows[1:]] == ["P-100", "P-200", "S-1"]
        assert rows[1][3] == "硬件 Hardware" and rows[1][5] == "1000.00"
