"""Generic view tests for a scoped business model (NetBox ``ViewTestCases`` in spirit).

A module's test class mixes in the cases it needs and declares the model, its URL prefix, a
``factory`` fixture (``factory(owner_username) → record``), form data for create and edit, and
where a create form lives. Each case runs without permission (a user with no role), with
permission (the owner, the manager above them) and in a narrowed scope, with the three personas
of every scope test: owner (rep1), teammate (rep2: same team, own-records scope), outsider (rep3,
another department). service1 sees every customer and may change none (the read-only persona).
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from guanxi.core.models import AuditEvent

OWNER, TEAMMATE, OUTSIDER, MANAGER, READ_ONLY = "rep1", "rep2", "rep3", "manager1", "service1"


def audit_rows(record: Any, action: str | None = None) -> Any:
    rows = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
    )
    return rows.filter(action=action) if action else rows


class ViewTestBase:
    model: ClassVar[Any]
    url_prefix: ClassVar[str]  # "customers:customer" → customer_list, customer_detail ...

    @pytest.fixture
    def no_role_client(self, org: Any) -> Client:
        """A signed-in user with no role at all: no scope anywhere."""
        from guanxi.core.models import User

        user = User.objects.create_user(
            "norole", password="x" * 16, department=org.departments["east_team"]
        )
        client = Client()
        client.force_login(user)
        return client

    def url(self, action: str, *args: Any) -> str:
        return reverse(f"{self.url_prefix}_{action}", args=args)


class ListViewTests(ViewTestBase):
    def test_list_shows_only_records_in_scope(
        self, factory: Any, client_for: Any, no_role_client: Client
    ) -> None:
        mine, theirs = factory(OWNER), factory(OUTSIDER)
        body = client_for(OWNER).get(self.url("list")).content.decode()
        assert self.marker(mine) in body and self.marker(theirs) not in body
        teammate = client_for(TEAMMATE).get(self.url("list")).content.decode()
        assert self.marker(mine) not in teammate
        manager = client_for(MANAGER).get(self.url("list")).content.decode()
        assert self.marker(mine) in manager and self.marker(theirs) not in manager
        nothing = no_role_client.get(self.url("list"))
        assert nothing.status_code == 200
        assert self.marker(mine) not in nothing.content.decode()

    def test_htmx_request_returns_the_table_fragment(self, factory: Any, client_for: Any) -> None:
        record = factory(OWNER)
        response = client_for(OWNER).get(self.url("list"), HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in body and self.marker(record) in body

    def test_unknown_filter_key_is_refused(self, client_for: Any) -> None:
        response = client_for(OWNER).get(self.url("list") + "?owner__password=x")
        assert response.status_code == 400
        assert "owner__password" in response.content.decode()

    def marker(self, record: Any) -> str:
        return self.url("detail", record.pk)


class DetailViewTests(ViewTestBase):
    def test_detail_answers_by_scope(
        self, factory: Any, client_for: Any, no_role_client: Client
    ) -> None:
        record = factory(OWNER)
        url = self.url("detail", record.pk)
        assert client_for(OWNER).get(url).status_code == 200
        assert client_for(MANAGER).get(url).status_code == 200
        assert client_for(READ_ONLY).get(url).status_code == 200
        for persona in (TEAMMATE, OUTSIDER, "manager2"):
            assert client_for(persona).get(url).status_code == 404, persona
        assert no_role_client.get(url).status_code == 404
        missing = self.url("detail", record.pk + 10_000)
        assert client_for(OWNER).get(missing).status_code == 404


class CreateViewTests(ViewTestBase):
    def create_url(self, factory: Any) -> str:
        return self.url("create")

    def form_data(self) -> dict[str, Any]:
        raise NotImplementedError

    def test_create_writes_an_audited_record(self, factory: Any, client_for: Any) -> None:
        url = self.create_url(factory)
        before = self.model.objects.count()
        response = client_for(OWNER).post(url, self.form_data())
        assert response.status_code == 302, response.content.decode()[:3000]
        assert self.model.objects.count() == before + 1
        record = self.model.objects.order_by("-pk").first()
        assert audit_rows(record, "create").count() == 1

    def test_create_is_refused_without_permission(
        self, factory: Any, client_for: Any, no_role_client: Client
    ) -> None:
        url = self.create_url(factory)
        before = self.model.objects.count()
        assert no_role_client.get(url).status_code in (403, 404)
        assert no_role_client.post(url, self.form_data()).status_code in (403, 404)
        assert client_for(READ_ONLY).post(url, self.form_data()).status_code == 403
        assert self.model.objects.count() == before


class EditViewTests(ViewTestBase):
    def edit_data(self, record: Any) -> dict[str, Any]:
        raise NotImplementedError

    changed_field: ClassVar[str] = "name"

    def test_edit_by_owner_is_saved_and_audited(self, factory: Any, client_for: Any) -> None:
        record = factory(OWNER)
        data = {**self.edit_data(record), "version": record.version}
        response = client_for(OWNER).post(self.url("edit", record.pk), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        record.refresh_from_db()
        assert getattr(record, self.changed_field) == data[self.changed_field]
        assert audit_rows(record, "update").count() == 1

    def test_edit_out_of_scope_is_404_and_read_only_is_403(
        self, factory: Any, client_for: Any
    ) -> None:
        record = factory(OWNER)
        data = {**self.edit_data(record), "version": record.version}
        for persona in (TEAMMATE, OUTSIDER):
            assert client_for(persona).post(self.url("edit", record.pk), data).status_code == 404
            assert client_for(persona).get(self.url("edit", record.pk)).status_code == 404
        assert client_for(READ_ONLY).post(self.url("edit", record.pk), data).status_code == 403
        fresh = type(record).objects.get(pk=record.pk)
        assert fresh.version == record.version
        assert not audit_rows(record, "update").exists()

    def test_stale_edit_is_refused_showing_what_changed(
        self, factory: Any, client_for: Any
    ) -> None:
        record = factory(OWNER)
        stale_version = record.version
        first = {**self.edit_data(record), "version": stale_version}
        assert client_for(MANAGER).post(self.url("edit", record.pk), first).status_code == 302
        second = {
            **self.edit_data(record),
            self.changed_field: "Someone else's edit",
            "version": stale_version,
        }
        response = client_for(OWNER).post(self.url("edit", record.pk), second)
        assert response.status_code == 409
        body = response.content.decode()
        assert str(first[self.changed_field]) in body  # old → new from the audit trail
        record.refresh_from_db()
        assert getattr(record, self.changed_field) == first[self.changed_field]


class DeleteRestoreViewTests(ViewTestBase):
    def test_delete_moves_to_the_bin_and_restore_brings_back(
        self, factory: Any, client_for: Any
    ) -> None:
        record = factory(OWNER)
        client = client_for(OWNER)
        assert client.get(self.url("delete", record.pk)).status_code == 200
        assert client.post(self.url("delete", record.pk)).status_code == 302
        assert not self.model.objects.filter(pk=record.pk).exists()
        assert self.model.all_objects.filter(pk=record.pk, deleted_at__isnull=False).exists()
        assert client.get(self.url("detail", record.pk)).status_code == 404
        assert str(record) in client.get(self.url("bin")).content.decode()
        assert client.post(self.url("restore", record.pk)).status_code == 302
        assert self.model.objects.filter(pk=record.pk).exists()
        assert audit_rows(record, "delete").count() == 1
        assert audit_rows(record, "restore").count() == 1

    def test_delete_and_restore_are_refused_out_of_scope(
        self, factory: Any, client_for: Any
    ) -> None:
        record = factory(OWNER)
        for persona in (TEAMMATE, OUTSIDER):
            assert client_for(persona).post(self.url("delete", record.pk)).status_code == 404
        assert client_for(READ_ONLY).post(self.url("delete", record.pk)).status_code == 403
        assert self.model.objects.filter(pk=record.pk).exists()
        client_for(OWNER).post(self.url("delete", record.pk))
        for persona in (TEAMMATE, OUTSIDER, READ_ONLY):
            assert client_for(persona).post(self.url("restore", record.pk)).status_code == 404
            assert str(record) not in client_for(persona).get(self.url("bin")).content.decode()
        assert not self.model.objects.filter(pk=record.pk).exists()


class ExportViewTests(ViewTestBase):
    def test_export_is_scoped_like_the_list(self, factory: Any, client_for: Any) -> None:
        mine, theirs = factory(OWNER), factory(OUTSIDER)
        for fmt in ("csv", "xlsx"):
            response = client_for(OWNER).get(self.url("list") + f"?format={fmt}")
            assert response.status_code == 200
            assert response["Content-Disposition"].startswith("attachment")
            assert response["X-Content-Type-Options"] == "nosniff"
        text = client_for(OWNER).get(self.url("list") + "?format=csv").content.decode("utf-8-sig")
        assert mine.name in text and theirs.name not in text
