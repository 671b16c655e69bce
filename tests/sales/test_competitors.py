"""Competitors: the worked example of a plain resource, pages and API from its declaration."""

from __future__ import annotations

import csv
import io
from itertools import count
from typing import Any

import pytest
from django.urls import reverse

from guanxi.sales.models import Competitor
from guanxi.sales.services import competitors
from tests.generic_api import APICrudTests
from tests.generic_views import ViewTestBase

_seq = count(1)


class TestCompetitorAPI(APICrudTests):
    resource = "competitors"
    creator = editor = "manager1"

    @pytest.fixture
    def factory(self, org: Any) -> Any:
        return lambda owner: competitors.create_competitor(
            actor=org.users["admin"], values={"name": f"Rival {next(_seq)}"}
        )

    def create_payload(self, factory: Any) -> dict[str, Any]:
        return {"name": "华为 Huawei", "website": "https://example.com"}

    def patch_payload(self) -> dict[str, Any]:
        return {"strengths": "Price"}


class TestCompetitorPages(ViewTestBase):
    model = Competitor
    url_prefix = "sales:competitor"

    def test_the_generic_pages_list_create_edit_delete_and_restore(
        self, org: Any, client_for: Any
    ) -> None:
        manager = client_for("manager1")
        created = manager.post(self.url("create"), {"name": "Rival Co", "website": ""})
        assert created.status_code == 302, created.content.decode()[:2000]
        rival = Competitor.objects.get(name="Rival Co")
        edit_url = reverse("sales:competitor_edit", args=[rival.pk])
        body = client_for("rep1").get(self.url("list")).content.decode()
        assert "Rival Co" in body and edit_url not in body
        managed = manager.get(self.url("list")).content.decode()
        assert edit_url in managed and reverse("sales:competitor_bin") in managed
        assert reverse("sales:competitor_delete", args=[rival.pk]) in managed
        assert reverse("sales:competitor_bin") not in body
        edit = manager.post(
            self.url("edit", rival.pk), {"name": "Rival Ltd", "version": rival.version}
        )
        assert edit.status_code == 302 and Competitor.objects.get(pk=rival.pk).name == "Rival Ltd"
        assert client_for("rep1").get(self.url("create")).status_code == 403
        assert manager.post(self.url("delete", rival.pk)).status_code == 302
        assert not Competitor.objects.filter(pk=rival.pk).exists()
        assert manager.post(self.url("restore", rival.pk)).status_code == 302
        assert Competitor.objects.filter(pk=rival.pk).exists()

    def test_duplicate_name_is_refused_naming_the_field(self, org: Any, client_for: Any) -> None:
        competitors.create_competitor(actor=org.users["admin"], values={"name": "Same"})
        response = client_for("manager1").post(self.url("create"), {"name": "Same"})
        assert response.status_code == 400 and Competitor.objects.filter(name="Same").count() == 1

    def test_export_uses_the_declared_columns(self, org: Any, client_for: Any) -> None:
        competitors.create_competitor(actor=org.users["admin"], values={"name": "=cmd|' /C'!A0"})
        response = client_for("rep1").get(self.url("list") + "?format=csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows[0]) == 6 and rows[1][0].startswith("'=")
