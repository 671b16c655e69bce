"""Duplicate finder and check (查重), merge, and exports that cannot execute formulas."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from guanxi.core.errors import NotAllowed
from guanxi.core.exports import csv_bytes, neutralise, xlsx_bytes
from guanxi.customers.models import Activity, Contact, Customer
from guanxi.customers.services.duplicates import check_duplicates, find_duplicates
from guanxi.customers.services.merging import merge_customers
from tests.generic_views import audit_rows

pytestmark = pytest.mark.django_db


def pairs(user: Any) -> set[frozenset[str]]:
    return {frozenset([c.first.name, c.second.name]) for c in find_duplicates(user)}


def test_finder_pairs_phone_email_and_similar_names_in_scope(org: Any, make_customer: Any) -> None:
    make_customer("rep1", name="A Co", phone="+86 138 0013 8000")
    make_customer("rep1", name="B Co", phone="13800138000")
    make_customer("rep1", name="C Co", email="x@Example.cn")
    make_customer("rep1", name="D Co", email="X@example.cn ")
    make_customer("rep1", name="广州华兴贸易有限公司", province="440000")
    make_customer("rep1", name="广州华兴贸易公司", province="440000")
    make_customer("rep1", name="广州华兴贸易", province="110000")  # other province
    make_customer("rep3", name="E Co", phone="13800138000")  # outside rep1's scope
    found = pairs(org.users["rep1"])
    assert frozenset(["A Co", "B Co"]) in found
    assert frozenset(["C Co", "D Co"]) in found
    assert frozenset(["广州华兴贸易有限公司", "广州华兴贸易公司"]) in found
    assert not any("E Co" in p for p in found)
    assert not any("广州华兴贸易" in p for p in found)
    assert any("E Co" in p for p in pairs(org.users["admin"]))


def test_duplicate_check_says_who_owns_it_without_details(
    org: Any, make_customer: Any, client_for: Any
) -> None:
    secret = make_customer(
        "rep3", name="机密客户有限公司", phone="13700137000", notes="very secret"
    )
    found = check_duplicates(org.users["rep1"], name="机密客户")
    assert len(found) == 1 and not found[0].visible and found[0].customer is None
    assert found[0].owner == str(org.users["rep3"])
    body = client_for("rep1").get("/customers/check/", {"phone": "137-0013-7000"}).content.decode()
    assert str(org.users["rep3"]) in body
    assert (
        "very secret" not in body
        and secret.code not in body
        and f"/customers/{secret.pk}/" not in body
    )
    mine = client_for("rep3").get("/customers/check/", {"phone": "13700137000"}).content.decode()
    assert f"/customers/{secret.pk}/" in mine
    fragment = client_for("rep1").get(
        "/customers/check/", {"name": "机密客户"}, HTTP_HX_REQUEST="true"
    )
    assert "<html" not in fragment.content.decode()


def test_duplicates_page_is_scoped(org: Any, make_customer: Any, client_for: Any) -> None:
    make_customer("rep3", name="Twin A", phone="13600136000")
    make_customer("rep3", name="Twin B", phone="13600136000")
    assert "Twin A" not in client_for("rep1").get("/customers/duplicates/").content.decode()
    assert "Twin A" in client_for("manager2").get("/customers/duplicates/").content.decode()


class TestMerge:
    def test_merge_moves_linked_records_and_bins_the_loser(
        self, org: Any, make_customer: Any, make_contact: Any, make_activity: Any
    ) -> None:
        keep = make_customer("rep1", name="Keep Co", phone="13800138000", tags="a")
        remove = make_customer(
            "rep1", name="Remove Co", email="r@example.cn", notes="from removed", tags="b"
        )
        contact = make_contact(remove, name="Moved contact")
        activity = make_activity(remove, subject="Moved activity", contact=contact)
        kept = merge_customers(keep, remove, actor=org.users["rep1"], take_from_removed=["notes"])
        assert (
            kept.notes == "from removed" and kept.name == "Keep Co" and kept.tag_list == ["a", "b"]
        )
        assert Contact.objects.get(pk=contact.pk).customer_id == keep.pk
        assert Activity.objects.get(pk=activity.pk).customer_id == keep.pk
        assert not Customer.objects.filter(pk=remove.pk).exists()
        assert Customer.all_objects.get(pk=remove.pk).is_deleted
        assert audit_rows(keep, "merge").exists() and audit_rows(remove, "merge").exists()
        assert audit_rows(remove, "delete").exists()
        assert audit_rows(contact, "merge").get().changes == {"customer": [remove.pk, keep.pk]}

    def test_merge_needs_change_rights_on_both(
        self, org: Any, make_customer: Any, make_contact: Any
    ) -> None:
        keep = make_customer("rep1", name="Mine")
        foreign = make_customer("rep3", name="Theirs")
        contact = make_contact(foreign)
        with pytest.raises(NotAllowed):
            merge_customers(keep, foreign, actor=org.users["rep1"])
        with pytest.raises(NotAllowed):
            merge_customers(keep, foreign, actor=org.users["service1"])
        assert Customer.objects.filter(pk=foreign.pk).exists()
        assert Contact.objects.get(pk=contact.pk).customer_id == foreign.pk

    def test_merge_page(self, org: Any, make_customer: Any, client_for: Any) -> None:
        keep = make_customer("rep1", name="Keep Co", phone="13800138000")
        remove = make_customer("rep1", name="Remove Co", phone="13800138000", importance="vip")
        foreign = make_customer("rep3", name="Foreign")
        client = client_for("rep1")
        url = f"/customers/merge/{keep.pk}/{remove.pk}/"
        page = client.get(url)
        assert page.status_code == 200 and "take_importance" in page.content.decode()
        assert client.get(f"/customers/merge/{keep.pk}/{foreign.pk}/").status_code == 404
        assert client_for("service1").get(url).status_code == 403
        response = client.post(
            url,
            {
                "take_importance": "on",
                "keep_version": keep.version,
                "remove_version": remove.version,
            },
        )
        assert response.status_code == 302
        keep.refresh_from_db()
        assert keep.importance == "vip"
        assert not Customer.objects.filter(pk=remove.pk).exists()


@pytest.mark.parametrize(
    "value", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")']
)
def test_neutralise(value: str) -> None:
    assert neutralise(value) == "'" + value
    assert neutralise("normal") == "normal" and neutralise(-5) == -5


def test_export_writers_never_write_formulas() -> None:
    rows = [["=cmd|' /C calc'!A0", "+1", 3, "-2"]]
    text = csv_bytes(["a", "b", "c", "d"], rows).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == ["'=cmd|' /C calc'!A0", "'+1", "3", "'-2"]
    ws = load_workbook(io.BytesIO(xlsx_bytes(["a", "b", "c", "d"], rows))).active
    assert ws["A2"].data_type == "s" and ws["A2"].value == "'=cmd|' /C calc'!A0"
    assert ws["C2"].value == 3


def test_customer_export_neutralises_and_is_filtered(
    org: Any, make_customer: Any, client_for: Any
) -> None:
    make_customer("rep1", name='=HYPERLINK("http://evil","x")', importance="vip", notes="x")
    make_customer("rep1", name="Plain Co", importance="ordinary")
    client = client_for("rep1")
    text = client.get("/customers/?format=csv&importance=vip").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("http://evil","x")'
    ws = load_workbook(io.BytesIO(client.get("/customers/?format=xlsx").content)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type in ("s", "n", "d") for c in cells)
    assert not any(c.data_type == "f" for c in cells)
    assert any(c.value == '\'=HYPERLINK("http://evil","x")' for c in cells)
    assert client.get("/customers/?format=xlsx&owner__x=1").status_code == 400
