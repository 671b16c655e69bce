"""The sales pages: they render for each persona, answer 404 outside the view scope and 403 when
read-only, and list pages cost a bounded number of queries whatever the number of rows."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.sales.services import tasks
from tests.sales.conftest import make_opportunity, make_order

LIST_PAGES = [
    "/sales/products/",
    "/sales/leads/",
    "/sales/opportunities/",
    "/sales/opportunities/board/",
    "/sales/tasks/",
    "/sales/tasks/calendar/?view=month&date=2026-03-01",
    "/sales/tasks/calendar/?view=week&date=2026-03-01",
    "/sales/tasks/calendar/?view=day&date=2026-03-01",
    "/sales/orders/",
    "/sales/payments/",
    "/sales/receivables/",
    "/sales/reports/",
]

#: Committed query-count ceilings per list page (they must not grow with the rows).
MAX_QUERIES = 25


def detail_urls(world):
    return [
        f"/sales/leads/{world['lead'].pk}/",
        f"/sales/opportunities/{world['opportunity'].pk}/",
        f"/sales/tasks/{world['task'].pk}/",
        f"/sales/orders/{world['order'].pk}/",
    ]


def edit_urls(world):
    return [
        f"/sales/leads/{world['lead'].pk}/edit/",
        f"/sales/opportunities/{world['opportunity'].pk}/edit/",
        f"/sales/tasks/{world['task'].pk}/edit/",
        f"/sales/orders/{world['order'].pk}/edit/",
        f"/sales/leads/{world['lead'].pk}/convert/",
    ]


def test_list_pages_render_for_each_persona(world, client_for):
    for persona in ("rep1", "rep3", "manager1", "service1", "admin"):
        client = client_for(persona)
        for url in LIST_PAGES:
            response = client.get(url)
            assert response.status_code == 200, (persona, url, response.status_code)


def test_lists_show_only_the_viewers_records(world, client_for):
    for url, text in [
        ("/sales/leads/", "Lead Co"),
        ("/sales/opportunities/", "Big deal"),
        ("/sales/orders/", world["order"].number),
        ("/sales/tasks/", "Call back"),
    ]:
        assert text in client_for("rep1").get(url).content.decode(), url
        assert text in client_for("manager1").get(url).content.decode(), url
        assert text not in client_for("rep2").get(url).content.decode(), url
        assert text not in client_for("rep3").get(url).content.decode(), url


def test_detail_pages_owner_teammate_outsider(world, client_for):
    for url in detail_urls(world):
        assert client_for("rep1").get(url).status_code == 200, url
        assert client_for("manager1").get(url).status_code == 200, url
        assert client_for("rep2").get(url).status_code == 404, url  # teammate: own scope only
        assert client_for("rep3").get(url).status_code == 404, url  # outsider
        assert client_for("service1").get(url).status_code == 200, url  # read-only sees


def test_edit_pages_refuse_read_only_and_hide_from_outsiders(world, client_for):
    for url in edit_urls(world):
        assert client_for("rep1").get(url).status_code == 200, url
        assert client_for("service1").get(url).status_code == 403, url
        assert client_for("rep3").get(url).status_code == 404, url


def test_posts_out_of_scope_change_nothing(world, client_for):
    opportunity = world["opportunity"]
    won = opportunity.pipeline.stages.get(kind="won")
    for persona, status in (("rep3", 404), ("service1", 403)):
        response = client_for(persona).post(
            f"/sales/opportunities/{opportunity.pk}/move/", {"stage": won.pk}
        )
        assert response.status_code == status
        response = client_for(persona).post(
            f"/sales/orders/{world['order'].pk}/cancel/", {"reason": "x"}
        )
        assert response.status_code == status
        response = client_for(persona).post(f"/sales/tasks/{world['task'].pk}/complete/")
        assert response.status_code == status
    opportunity.refresh_from_db()
    world["order"].refresh_from_db()
    assert opportunity.outcome == "open" and world["order"].status == "confirmed"


def test_list_pages_have_bounded_query_counts(org, catalogue, customers, client_for):
    rep = org.users["rep1"]
    client = client_for("rep1")
    few = {}
    for url in LIST_PAGES:
        client.get(url)  # warm caches (content types, sessions)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        few[url] = len(captured)
    for i in range(6):
        make_opportunity(rep, customers["rep1"], "100", name=f"o{i}")
        make_order(rep, customers["rep1"], [(catalogue["router"], "1", "10", "0")])
        tasks.create_task(
            actor=rep,
            values={
                "subject": f"t{i}",
                "starts_at": "2026-03-02T10:00:00+08:00",
                "customer": customers["rep1"],
            },
        )
    for url in LIST_PAGES:
        with CaptureQueriesContext(connection) as many:
            assert client.get(url).status_code == 200
        assert len(many) <= MAX_QUERIES, (url, len(many))
        assert len(many) <= few[url] + 3, (url, few[url], len(many))


def test_board_moves_a_card_by_post(world, client_for):
    opportunity = world["opportunity"]
    nxt = opportunity.pipeline.stages.get(position=1)
    response = client_for("rep1").post(
        f"/sales/opportunities/{opportunity.pk}/move/",
        {"stage": nxt.pk, "version": opportunity.version},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200 and response.json()["stage"] == nxt.pk
    stale = client_for("rep1").post(
        f"/sales/opportunities/{opportunity.pk}/move/",
        {"stage": opportunity.stage_id, "version": opportunity.version},
        HTTP_ACCEPT="application/json",
    )
    assert stale.status_code == 409


def test_exports_are_scoped_and_neutralised(world, client_for, org):
    from guanxi.sales.services import leads

    leads.create_lead(actor=org.users["rep1"], values={"company": '=HYPERLINK("http://x")'})
    body = client_for("rep1").get("/sales/leads/?format=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body
    assert "Lead Co" not in client_for("rep3").get("/sales/leads/?format=csv").content.decode(
        "utf-8-sig"
    )
    for url in (
        "/sales/orders/?format=xlsx",
        "/sales/receivables/?format=csv",
        "/sales/payments/?format=csv",
    ):
        assert client_for("rep1").get(url).status_code == 200, url


def test_create_pages_post_through_the_services(org, catalogue, customers, client_for):
    client = client_for("rep1")
    response = client.post("/sales/leads/new/", {"company": "New Co", "status": "new"})
    assert response.status_code == 302
    response = client.post(
        "/sales/orders/new/",
        {
            "customer": customers["rep1"].pk,
            "order_date": "2026-03-01",
            "expiry_reminder_days": 30,
            "lines-0-product": catalogue["switch"].pk,
            "lines-0-quantity": "4",
            "lines-0-discount": "10",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from guanxi.sales.models import Order

    order = Order.objects.get(customer=customers["rep1"])
    assert str(order.total) == "900.00"
    response = client.post(f"/sales/orders/{order.pk}/confirm/", {"version": order.version})
    order.refresh_from_db()
    assert order.status == "confirmed"
    response = client.post(
        f"/sales/orders/{order.pk}/payment/",
        {"received_on": "2026-03-05", "amount": "100", "method": "alipay"},
    )
    assert order.payments.get().amount == 100
    assert client.get(f"/sales/orders/{order.pk}/").status_code == 200
