"""Generic API tests for a declared resource (NetBox ``APIViewTestCases`` in spirit).

A module's test class mixes in the cases its resource offers and declares ``resource`` (the
declaration's name), a ``factory`` fixture (``factory(owner_username) → record``), and the
``create_payload`` / ``patch_payload`` methods. Each case runs as the three personas of every
scope test — owner (rep1), teammate (rep2: same team, own-records scope), outsider (rep3) — and,
for writes, as the read-only persona (service1). ``tests/core/test_resource_registry.py`` fails
for any declared resource without such a class.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from guanxi.core import resources
from guanxi.core.resources import ScopeKind

OWNER, TEAMMATE, OUTSIDER, READ_ONLY = "rep1", "rep2", "rep3", "service1"


def send(client: Client, method: str, url: str, body: Any = None, **headers: str) -> Any:
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(url, data, content_type="application/json", headers=headers)


class APITestBase:
    resource: ClassVar[str]
    #: The most queries one list page may take, whatever its length (N+1 fails).
    list_query_ceiling: ClassVar[int] = 8

    @property
    def declaration(self) -> resources.Resource:
        return resources.get(self.resource)

    @property
    def base(self) -> str:
        return f"/api/v1/{self.declaration.url_segment}"

    def url(self, record: Any) -> str:
        return f"{self.base}/{record.pk}"

    def create_payload(self, factory: Any) -> dict[str, Any]:
        raise NotImplementedError

    def patch_payload(self) -> dict[str, Any]:
        raise NotImplementedError

    @property
    def reference(self) -> bool:
        return self.declaration.scope is ScopeKind.REFERENCE


class APIListTests(APITestBase):
    def test_list_is_a_page_scoped_to_the_caller(self, factory: Any, client_for: Any) -> None:
        record = factory(OWNER)
        page = client_for(OWNER).get(self.base).json()
        assert set(page) == {"items", "count", "page", "page_size"}
        assert record.pk in [item["id"] for item in page["items"]]
        outsider_ids = [i["id"] for i in client_for(OUTSIDER).get(self.base).json()["items"]]
        assert (record.pk in outsider_ids) is self.reference

    def test_unknown_query_key_and_bad_page_are_400_naming_them(self, client_for: Any) -> None:
        client = client_for(OWNER)
        unknown = client.get(f"{self.base}?no_such_key=1")
        assert unknown.status_code == 400 and "no_such_key" in unknown.json()["fields"]
        for key, value in (("page", "0"), ("page_size", "100000")):
            bad = client.get(f"{self.base}?{key}={value}")
            assert bad.status_code == 400 and key in bad.json()["fields"], bad.content

    def test_list_query_count_does_not_grow_with_rows(self, factory: Any, client_for: Any) -> None:
        client = client_for(OWNER)
        factory(OWNER)
        with CaptureQueriesContext(connection) as one:
            client.get(self.base)
        for _ in range(3):
            factory(OWNER)
        with CaptureQueriesContext(connection) as four:
            client.get(self.base)
        assert len(four) == len(one) <= self.list_query_ceiling, [q["sql"] for q in four]


class APIDetailTests(APITestBase):
    def test_detail_has_an_etag_and_outsiders_get_a_plain_404(
        self, factory: Any, client_for: Any
    ) -> None:
        record = factory(OWNER)
        response = client_for(OWNER).get(self.url(record))
        assert response.status_code == 200 and response.json()["id"] == record.pk
        assert response["ETag"] == f'"{record.version}"'
        if self.reference:
            return
        hidden = client_for(OUTSIDER).get(self.url(record))
        missing = client_for(OUTSIDER).get(f"{self.base}/999999999")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()


class APICreateTests(APITestBase):
    #: Who creates in the tests (reference data is changed by managers, not reps).
    creator: ClassVar[str] = OWNER

    def test_create_answers_201_with_the_record(self, factory: Any, client_for: Any) -> None:
        payload = self.create_payload(factory)
        response = send(client_for(self.creator), "post", self.base, payload)
        assert response.status_code == 201, response.content
        model = self.declaration.model
        assert model.objects.filter(pk=response.json()["id"]).exists()  # type: ignore[attr-defined]

    def test_unknown_body_field_is_400_and_nothing_is_written(
        self, factory: Any, client_for: Any
    ) -> None:
        model: Any = self.declaration.model
        payload = {**self.create_payload(factory), "no_such_field": 1}
        before = model.all_objects.count()
        response = send(client_for(self.creator), "post", self.base, payload)
        assert response.status_code == 400 and "no_such_field" in response.json()["fields"]
        assert model.all_objects.count() == before


class APIPatchTests(APITestBase):
    editor: ClassVar[str] = OWNER

    def test_patch_with_the_version_saves_and_a_stale_one_is_409(
        self, factory: Any, client_for: Any
    ) -> None:
        record = factory(OWNER)
        client = client_for(self.editor)
        changes = self.patch_payload()
        saved = send(client, "patch", self.url(record), {**changes, "version": record.version})
        assert saved.status_code == 200, saved.content
        assert saved["ETag"] == f'"{record.version + 1}"'
        stale = send(client, "patch", self.url(record), {**changes, "version": record.version})
        assert stale.status_code == 409
        assert set(stale.json()["fields"]) & set(changes), stale.json()
        by_header = send(
            client, "patch", self.url(record), changes, **{"If-Match": f'"{record.version + 1}"'}
        )
        assert by_header.status_code == 200, by_header.content

    def test_patch_is_404_outside_scope_and_403_read_only(
        self, factory: Any, client_for: Any
    ) -> None:
        record = factory(OWNER)
        body = {**self.patch_payload(), "version": record.version}
        if not self.reference:
            assert send(client_for(OUTSIDER), "patch", self.url(record), body).status_code == 404
        assert send(client_for(READ_ONLY), "patch", self.url(record), body).status_code == 403
        unknown = send(client_for(self.editor), "patch", self.url(record), {**body, "nope": 1})
        assert unknown.status_code == 400 and "nope" in unknown.json()["fields"]


class APIDeleteRestoreTests(APITestBase):
    editor: ClassVar[str] = OWNER

    def test_delete_to_the_bin_and_restore(self, factory: Any, client_for: Any) -> None:
        record = factory(OWNER)
        client = client_for(self.editor)
        if not self.reference:
            assert send(client_for(OUTSIDER), "delete", self.url(record)).status_code == 404
        assert send(client, "delete", self.url(record)).status_code == 204
        assert client.get(self.url(record)).status_code == 404
        restored = send(client, "post", f"{self.url(record)}/restore")
        assert restored.status_code == 200 and restored.json()["id"] == record.pk


class APICrudTests(
    APIListTests, APIDetailTests, APICreateTests, APIPatchTests, APIDeleteRestoreTests
):
    """Every generated route of a resource that offers them all."""
