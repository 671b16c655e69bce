"""Every report figure on hand-made data, for the whole company and in narrowed scopes, and the
exports (formula-neutralised)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from guanxi.core import clock
from guanxi.core.errors import InvalidInput
from guanxi.sales.services import leads, opportunities, orders, payments, reports
from tests.sales.conftest import make_customer, make_opportunity, make_order, stage

Q1 = {"start": "2026-01-01", "end": "2026-03-31"}
D = Decimal


def rows(name, user, params=Q1):
    return reports.run(name, user, params).rows


@pytest.fixture
def book(org, catalogue):
    """rep1: customer A (Beijing, first order in January) and B (Guangdong, first order in
    December 2025); rep3: customer C. Cancelled and draft orders never count."""
    rep1, rep3 = org.users["rep1"], org.users["rep3"]
    a = make_customer(rep1, "Alpha", phone="13800000011", province="110000")
    b = make_customer(rep1, "Beta", phone="13800000012", province="440000")
    c = make_customer(rep3, "Gamma", phone="13800000013", province="440000")
    router, switch, support = catalogue["router"], catalogue["switch"], catalogue["support"]
    o1 = make_order(rep1, a, [(router, "2", "1000", "0")], order_date=dt.date(2026, 1, 15))
    make_order(rep1, a, [(switch, "4", "250", "0")], order_date=dt.date(2026, 2, 10))
    make_order(rep1, b, [(router, "1", "500", "0")], order_date=dt.date(2025, 12, 1))
    o4 = make_order(rep1, b, [(support, "1", "", "0")], order_date=dt.date(2026, 3, 1))
    cancelled = make_order(rep1, a, [(router, "1", "700", "0")], order_date=dt.date(2026, 2, 1))
    orders.cancel_order(cancelled, actor=rep1, reason="withdrawn")
    make_order(rep1, a, [(router, "1", "900", "0")], order_date=dt.date(2026, 3, 5), confirm=False)
    make_order(rep3, c, [(support, "1", "", "0")], order_date=dt.date(2026, 2, 20))
    payments.record_payment(
        actor=rep1, order=o1, values={"amount": "1500", "received_on": dt.date(2026, 2, 1)}
    )
    bounced = payments.record_payment(
        actor=rep1, order=o1, values={"amount": "500", "received_on": dt.date(2026, 2, 2)}
    )
    payments.reverse_payment(bounced, actor=rep1, reason="bounced")
    payments.record_payment(
        actor=rep1, order=o4, values={"amount": "300", "received_on": dt.date(2026, 3, 10)}
    )
    # Open pipeline now.
    make_opportunity(rep1, a, "1000", expected_close_date=dt.date(2026, 4, 15))
    for amount, close in (("2000", dt.date(2026, 4, 30)), ("400", dt.date(2026, 5, 10))):
        o = make_opportunity(rep1, b, amount, expected_close_date=close)
        opportunities.move_stage(o, actor=rep1, stage=stage("Proposal"))
    make_opportunity(rep3, c, "7000", expected_close_date=dt.date(2026, 4, 1))
    # Closed in the period: two won (40 and 30 days), one lost, one invalid.
    for opened, closed, target, reason in (
        (dt.date(2026, 1, 1), dt.datetime(2026, 2, 10, 12), "Won", ""),
        (dt.date(2026, 2, 1), dt.datetime(2026, 3, 3, 12), "Won", ""),
        (dt.date(2026, 2, 1), dt.datetime(2026, 3, 5, 12), "Lost", "price"),
        (dt.date(2026, 2, 1), dt.datetime(2026, 3, 6, 12), "Invalid", ""),
    ):
        with clock.frozen(dt.datetime.combine(opened, dt.time(9))):
            o = make_opportunity(rep1, a, "100", opened_on=opened)
        with clock.frozen(closed):
            opportunities.move_stage(o, actor=rep1, stage=stage(target), lost_reason=reason)
    return {"a": a, "b": b, "c": c}


def test_revenue_by_period_rep_team_region(org, book):
    rep1, rep2, rep3, manager, admin = (
        org.users[u] for u in ("rep1", "rep2", "rep3", "manager1", "admin")
    )
    assert rows("revenue_by_period", rep1) == [
        ["2026-01", 1, D("2000.00")],
        ["2026-02", 1, D("1000.00")],
        ["2026-03", 1, D("300.00")],
    ]
    assert rows("revenue_by_period", manager) == rows("revenue_by_period", rep1)
    assert rows("revenue_by_period", admin)[1] == ["2026-02", 2, D("1300.00")]
    assert rows("revenue_by_period", rep2) == []
    assert rows("revenue_by_period", rep3) == [["2026-02", 1, D("300.00")]]
    assert rows("revenue_by_rep", admin) == [
        [str(rep1), 3, D("3300.00")],
        [str(rep3), 1, D("300.00")],
    ]
    assert rows("revenue_by_rep", rep3) == [[str(rep3), 1, D("300.00")]]
    east, south = org.departments["east_team"], org.departments["south_team"]
    assert rows("revenue_by_team", admin) == [
        [east.name, 3, D("3300.00")],
        [south.name, 1, D("300.00")],
    ]
    assert rows("revenue_by_region", admin) == [
        ["北京市", 2, D("3000.00")],
        ["广东省", 2, D("600.00")],
    ]
    assert rows("revenue_by_region", rep1) == [
        ["北京市", 2, D("3000.00")],
        ["广东省", 1, D("300.00")],
    ]


def test_revenue_by_product_and_category_with_profit(org, book, catalogue):
    rep1, admin = org.users["rep1"], org.users["admin"]
    assert rows("revenue_by_product", rep1) == [
        [str(catalogue["router"]), D("2.00"), D("2000.00"), D("800.00")],  # 2000 − 2 × 600 cost
        [str(catalogue["switch"]), D("4.00"), D("1000.00"), D("600.00")],
        [str(catalogue["support"]), D("1.00"), D("300.00"), None],  # no cost recorded
    ]
    assert rows("revenue_by_category", admin) == [
        ["硬件 Hardware", D("6.00"), D("3000.00")],
        ["服务 Services", D("2.00"), D("600.00")],
    ]


def test_receipts_are_reported_apart_and_reversals_do_not_count(org, book):
    assert rows("receipts_by_period", org.users["rep1"]) == [
        ["2026-02", 1, D("1500.00")],
        ["2026-03", 1, D("300.00")],
    ]
    assert rows("receipts_by_period", org.users["rep3"]) == []


def test_top_customers_and_new_vs_returning(org, book):
    rep1, admin = org.users["rep1"], org.users["admin"]
    assert rows("top_customers", admin) == [
        ["Alpha", 2, D("3000.00")],
        ["Beta", 1, D("300.00")],
        ["Gamma", 1, D("300.00")],
    ]
    assert rows("top_customers", admin, {**Q1, "limit": "1"}) == [["Alpha", 2, D("3000.00")]]
    # Alpha's first order is in the period (new); Beta bought in December 2025 (returning).
    assert rows("new_vs_returning", rep1) == [[str(rep1), D("3000.00"), D("300.00"), D("3300.00")]]
    assert rows("new_vs_returning", admin) == [
        [str(rep1), D("3000.00"), D("300.00"), D("3300.00")],
        [str(org.users["rep3"]), D("300.00"), D("0.00"), D("300.00")],
    ]


def test_pipeline_by_stage_and_weighted_forecast(org, book):
    rep1, admin = org.users["rep1"], org.users["admin"]
    assert rows("pipeline_by_stage", rep1) == [
        [f"{stage('Prospecting').name} (10%)", 1, D("1000.00"), D("100.00")],
        [f"{stage('Proposal').name} (50%)", 2, D("2400.00"), D("1200.00")],
    ]
    assert rows("forecast", rep1) == [
        ["2026-04", 2, D("3000.00"), D("1100.00")],
        ["2026-05", 1, D("400.00"), D("200.00")],
    ]
    assert rows("forecast", admin)[0] == ["2026-04", 3, D("10000.00"), D("1800.00")]


def test_win_rate_and_sales_cycle_exclude_invalid(org, book):
    rep1 = org.users["rep1"]
    assert rows("win_rate_by_rep", rep1) == [[str(rep1), 2, 1, D("66.7"), D("35.0")]]
    assert rows("win_rate_by_period", rep1) == [
        ["2026-02", 1, 0, D("100.0"), D("40.0")],
        ["2026-03", 1, 1, D("50.0"), D("30.0")],
    ]
    assert rows("win_rate_by_rep", org.users["rep3"]) == []


def test_conversion_funnel(org):
    rep1, rep3 = org.users["rep1"], org.users["rep3"]
    made = []
    for name in ("L1", "L2", "L3"):
        lead = leads.create_lead(
            actor=rep1, values={"company": f"Funnel {name}", "status": "qualified"}
        )
        made.append(lead)
    leads.create_lead(actor=rep3, values={"company": "Funnel other"})
    first = leads.convert_lead(made[0], actor=rep1, create_new_customer=True)
    leads.convert_lead(made[1], actor=rep1, create_new_customer=True)
    opportunities.move_stage(first.converted_opportunity, actor=rep1, stage=stage("Won"))
    today = timezone.localdate()  # leads are dated by their real creation time
    period = {
        "start": (today - dt.timedelta(days=1)).isoformat(),
        "end": (today + dt.timedelta(days=1)).isoformat(),
    }
    assert rows("funnel", rep1, period) == [
        ["Leads", 3, D("100.0")],
        ["Opportunities", 2, D("66.7")],
        ["Won", 1, D("33.3")],
    ]
    assert rows("funnel", rep3, period)[0][1] == 1


def test_report_parameters_are_checked(org):
    with pytest.raises(InvalidInput):
        reports.run("revenue_by_period", org.users["rep1"], {"start": "2026-13-01"})
    with pytest.raises(InvalidInput):
        reports.run("revenue_by_period", org.users["rep1"], {"group_by": "owner"})
    with pytest.raises(InvalidInput):
        reports.run(
            "revenue_by_period", org.users["rep1"], {"start": "2026-03-01", "end": "2026-01-01"}
        )


def test_report_pages_chart_data_and_neutralised_exports(org, book, catalogue, client_for, api_for):
    formula = make_customer(org.users["rep1"], "=HYPERLINK(1)", phone="13800000019")
    make_order(
        org.users["rep1"],
        formula,
        [(catalogue["switch"], "1", "5", "0")],
        order_date=dt.date(2026, 3, 2),
    )
    client = client_for("rep1")
    for name in reports.REPORTS:
        page = client.get(f"/sales/reports/{name}/", Q1)
        assert page.status_code == 200, name
        assert (
            'id="chart-data"' in page.content.decode() and "<script>" not in page.content.decode()
        )
    csv = client.get("/sales/reports/top_customers/", {**Q1, "format": "csv"}).content.decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK(1)" in csv and "\n=HYPERLINK" not in csv
    xlsx = client.get("/sales/reports/top_customers/", {**Q1, "format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert "=HYPERLINK(1)" in [str(c.value).lstrip("'") for c in cells]
    assert all(c.data_type != "f" for c in cells)
    assert client.get("/sales/reports/nope/").status_code == 404
    assert client.get("/sales/reports/revenue_by_period/", {"start": "x"}).status_code == 400
    api = api_for("rep3").get("/api/v1/reports/revenue_by_rep", Q1).json()
    assert api["items"] == [[str(org.users["rep3"]), 1, "300.00"]] and "definition" in api
    assert api["count"] == 1 and api["page"] == 1


def test_stage_durations_from_the_history(org, customers):
    rep = org.users["rep1"]
    with clock.frozen(dt.datetime(2026, 2, 1, 12)):
        first = make_opportunity(rep, customers["rep1"])
        second = make_opportunity(rep, customers["rep1"])
    with clock.frozen(dt.datetime(2026, 2, 11, 12)):
        opportunities.move_stage(first, actor=rep, stage=stage("Proposal"))
    with clock.frozen(dt.datetime(2026, 2, 21, 12)):
        opportunities.move_stage(second, actor=rep, stage=stage("Proposal"))
    with clock.frozen(dt.datetime(2026, 3, 1, 12)):
        opportunities.move_stage(first, actor=rep, stage=stage("Won"))
    assert rows("stage_durations", rep) == [
        [stage("Prospecting").name, 2, D("15.0"), D("20.0")],
        [stage("Proposal").name, 1, D("18.0"), D("18.0")],
    ]
    assert rows("stage_durations", org.users["rep3"]) == []


def test_lead_regions_and_industries_are_reference_codes(org):
    with pytest.raises(InvalidInput):
        leads.create_lead(actor=org.users["rep1"], values={"company": "X", "province": "999999"})
    with pytest.raises(InvalidInput):
        leads.create_lead(actor=org.users["rep1"], values={"company": "X", "industry": "ZZ"})
    lead = leads.create_lead(actor=org.users["rep1"], values={"company": "X", "province": "440000"})
    assert lead.province == "440000"
