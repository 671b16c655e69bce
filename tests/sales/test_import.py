"""guanxi import orders: dry run, all-or-nothing, skip-invalid, idempotent re-runs, scope, CLI."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guanxi.core.models import AuditEvent, ImportBatch
from guanxi.sales.models import Order, Payment
from guanxi.sales.services.importing import import_orders
from tests.sales.conftest import make_customer

HEADER = "订单号,客户,下单日期,状态,产品编码,数量,单价,折扣,回款日期,回款金额,回款方式,回款单号\n"


@pytest.fixture
def buyers(org):
    rep = org.users["rep1"]
    return {
        "a": make_customer(rep, "Alpha", phone="13800000021", code="CUST-A"),
        "b": make_customer(rep, "Beta", phone="13800000022"),
        "c": make_customer(org.users["rep3"], "Gamma", phone="13800000023", code="CUST-C"),
    }


def csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


GOOD = [
    "H-1,CUST-A,2025-03-15,已交付,P-100,2,1000,5,2025-04-01,1900,银行转账,TX-1",
    "H-1,,,,S-1,1,,,,,,",
    "H-2,Beta,2025/06/01,confirmed,P-200,4,250,0,2025-06-20,500,wechat,TX-2",
    "H-2,,,,,,,,2025-07-20,400,支付宝,TX-3",
]


def test_dry_run_checks_and_writes_nothing(org, catalogue, buyers):
    result = import_orders(csv(*GOOD), filename="h.csv", actor=org.users["rep1"], dry_run=True)
    assert result.counts()["bad_rows"] == 0 and result.created == 2
    assert not Order.objects.exists() and not ImportBatch.objects.filter(kind="orders").exists()


def test_import_writes_orders_lines_and_payments_and_is_idempotent(org, catalogue, buyers):
    rep = org.users["rep1"]
    result = import_orders(csv(*GOOD), filename="h.csv", actor=rep)
    assert result.written and result.created == 2 and result.payments == 3, result.errors
    h1 = Order.objects.get(external_ref="H-1")
    assert (
        h1.number == "H-1"
        and h1.status == "delivered"
        and h1.order_date.isoformat() == "2025-03-15"
    )
    assert h1.total == Decimal("2200.00")  # 2 × 1000 less 5 % + support at list price 300
    assert h1.confirmed_on.isoformat() == "2025-03-15" and h1.owner == rep
    h2 = Order.objects.get(external_ref="H-2")
    assert h2.total == Decimal("1000.00") and h2.status == "confirmed"
    assert sorted(Payment.objects.filter(order=h2).values_list("method", flat=True)) == [
        "alipay",
        "wechat",
    ]
    assert buyers["a"].__class__.objects.get(pk=buyers["a"].pk).status == "current"
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert batch.status == "done" and AuditEvent.objects.filter(batch=batch).exists()
    events = AuditEvent.objects.count()
    again = import_orders(csv(*GOOD), filename="h.csv", actor=rep)
    assert again.created == 0 and again.unchanged == 2 and again.written
    assert Order.objects.count() == 2 and Payment.objects.count() == 3
    assert AuditEvent.objects.count() == events


def test_one_bad_row_writes_nothing_unless_skip_invalid(org, catalogue, buyers):
    rep = org.users["rep1"]
    rows = [
        *GOOD,
        "H-3,CUST-C,2025-05-01,confirmed,P-100,1,100,0,,,,",  # rep3's customer: not in scope
        "H-4,Alpha,2025-05-02,confirmed,NOPE,1,100,0,,,,",  # unknown product
        "H-5,Alpha,2025-13-02,confirmed,P-100,1,100,0,,,,",  # bad date
        "H-6,Alpha,2025-05-03,confirmed,P-100,1,100,0,2025-05-04,101,bank,X",  # overpaid
        "H-7,Alpha,2025-05-03,confirmed,P-100,-1,100,0,,,,",  # negative quantity
    ]
    result = import_orders(csv(*rows), filename="h.csv", actor=rep)
    assert not result.written and not Order.objects.exists()
    assert len(result.bad_lines) == 5 and result.error_file
    assert ImportBatch.objects.get(pk=result.batch_id).status == "failed"
    reasons = {e.line: e.reason for e in result.errors}
    assert "scope" in reasons[6] and "product" in reasons[7].lower()
    error_csv = result.error_file.decode("utf-8-sig")
    assert "H-4" in error_csv and "H-1" not in error_csv
    skipped = import_orders(csv(*rows), filename="h.csv", actor=rep, skip_invalid=True)
    assert skipped.written and skipped.created == 2 and skipped.skipped == 5
    assert set(Order.objects.values_list("external_ref", flat=True)) == {"H-1", "H-2"}


def test_cli_import_orders(org, catalogue, buyers, tmp_path, capsys):
    from guanxi.cli import main

    path = tmp_path / "orders.csv"
    path.write_bytes(csv(*GOOD, "H-9,Nobody,2025-05-01,confirmed,P-100,1,1,0,,,,"))
    assert main(["import", "orders", str(path), "--dry-run", "--as", "rep1"]) == 1
    assert (tmp_path / "orders.errors.csv").exists() and not Order.objects.exists()
    assert main(["import", "orders", str(path), "--skip-invalid", "--as", "rep1"]) == 0
    assert Order.objects.count() == 2
    assert main(["import", "orders", str(path), "--as", "nobody"]) == 2


def test_import_page_and_template(org, catalogue, buyers, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("rep1")
    assert client.get("/sales/import/template.xlsx").status_code == 200
    assert client_for("service1").get("/sales/import/").status_code == 403
    upload = SimpleUploadedFile("h.csv", csv(*GOOD), content_type="text/csv")
    page = client.post("/sales/import/", {"file": upload, "dry_run": "on"})
    assert page.status_code == 200 and not Order.objects.exists()
    upload = SimpleUploadedFile("h.csv", csv(*GOOD), content_type="text/csv")
    assert client.post("/sales/import/", {"file": upload}).status_code == 200
    assert Order.objects.count() == 2
