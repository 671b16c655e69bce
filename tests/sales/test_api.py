"""The sales API: CRUD, 409 on a stale version, and the scope rule on every record route with
three personas (owner, teammate, outsider) plus a read-only user; list endpoints' query counts."""

from __future__ import annotations

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.sales.conftest import make_order


def send(client, method, url, body=None, **headers):
    return getattr(client, method)(
        url, data=json.dumps(body or {}), content_type="application/json", **headers
    )


def record_routes(world):
    """(method, url, body) of every route that reads or writes one record."""
    lead, opp, task = world["lead"].pk, world["opportunity"].pk, world["task"].pk
    order, payment, inst = world["order"].pk, world["payment"].pk, world["instalment"].pk
    won = world["opportunity"].pipeline.stages.get(kind="won").pk
    return {
        "read": [
            f"/api/v1/leads/{lead}",
            f"/api/v1/leads/{lead}/duplicates",
            f"/api/v1/opportunities/{opp}",
            f"/api/v1/opportunities/{opp}/history",
            f"/api/v1/tasks/{task}",
            f"/api/v1/orders/{order}",
            f"/api/v1/instalments/{inst}",
            f"/api/v1/payments/{payment}",
        ],
        "write": [
            ("patch", f"/api/v1/leads/{lead}", {"notes": "x", "version": 1}),
            ("post", f"/api/v1/leads/{lead}/disqualify", {"reason": "x"}),
            ("post", f"/api/v1/leads/{lead}/convert", {}),
            ("delete", f"/api/v1/leads/{lead}", None),
            ("patch", f"/api/v1/opportunities/{opp}", {"next_step": "x", "version": 1}),
            ("post", f"/api/v1/opportunities/{opp}/stage", {"stage": won}),
            ("put", f"/api/v1/opportunities/{opp}/lines", {"lines": []}),
            ("delete", f"/api/v1/opportunities/{opp}", None),
            ("patch", f"/api/v1/tasks/{task}", {"subject": "x", "version": 1}),
            ("post", f"/api/v1/tasks/{task}/complete", {}),
            ("post", f"/api/v1/tasks/{task}/log-activity", {}),
            ("delete", f"/api/v1/tasks/{task}", None),
            ("patch", f"/api/v1/orders/{order}", {"notes": "x", "version": 1}),
            ("put", f"/api/v1/orders/{order}/lines", {"lines": []}),
            ("post", f"/api/v1/orders/{order}/confirm", {}),
            ("post", f"/api/v1/orders/{order}/release", {}),
            ("post", f"/api/v1/orders/{order}/deliver", {}),
            ("post", f"/api/v1/orders/{order}/cancel", {"reason": "x"}),
            (
                "post",
                "/api/v1/instalments",
                {"order": order, "due_date": "2026-05-01", "amount": "1"},
            ),
            ("delete", f"/api/v1/orders/{order}", None),
            ("patch", f"/api/v1/instalments/{inst}", {"amount": "1", "version": 1}),
            ("delete", f"/api/v1/instalments/{inst}", None),
            ("patch", f"/api/v1/payments/{payment}", {"notes": "x", "version": 1}),
            ("post", f"/api/v1/payments/{payment}/reverse", {"reason": "x"}),
            ("post", "/api/v1/payments", {"order": order, "amount": "1"}),
        ],
    }


def snapshot(world):
    from guanxi.core.models import AuditEvent

    return AuditEvent.objects.count()


def test_every_record_route_answers_404_outside_scope_and_403_read_only(world, api_for):
    routes = record_routes(world)
    owner, manager, teammate, outsider, readonly = (
        api_for(u) for u in ("rep1", "manager1", "rep2", "rep3", "service1")
    )
    for url in routes["read"]:
        assert owner.get(url).status_code == 200, url
        assert manager.get(url).status_code == 200, url
        assert teammate.get(url).status_code == 404, url
        assert outsider.get(url).status_code == 404, url
        assert readonly.get(url).status_code == 200, url
    before = snapshot(world)
    for method, url, body in routes["write"]:
        if url == "/api/v1/payments":  # recording a payment reads the order: a body reference
            refused = send(teammate, method, url, body)
            assert refused.status_code == 400 and "order" in refused.json()["fields"]
            continue
        assert send(teammate, method, url, body).status_code == 404, (method, url)
        assert send(outsider, method, url, body).status_code == 404, (method, url)
        assert send(readonly, method, url, body).status_code == 403, (method, url)
    assert snapshot(world) == before  # refusals change nothing


def test_lists_are_scoped(world, api_for):
    for url in (
        "/api/v1/leads",
        "/api/v1/opportunities",
        "/api/v1/tasks",
        "/api/v1/orders",
        "/api/v1/payments",
    ):
        assert api_for("rep1").get(url).json()["count"] == 1, url
        assert api_for("rep2").get(url).json()["count"] == 0, url
        assert api_for("rep3").get(url).json()["count"] == 0, url
        assert api_for("manager1").get(url).json()["count"] == 1, url
    assert api_for("rep1").get("/api/v1/receivables").json()["total"] == "2500.00"
    assert api_for("rep3").get("/api/v1/receivables").json()["total"] == "0.00"
    assert api_for("rep1").get("/api/v1/leads?nonsense=1").status_code == 400
    assert api_for("rep1").get("/api/v1/orders?sort=password").status_code == 400


def test_lead_crud_and_stale_version(org, api_for):
    api = api_for("rep1")
    created = send(
        api,
        "post",
        "/api/v1/leads",
        {"company": "API Co", "phone": "13900001111", "status": "qualified"},
    )
    assert created.status_code == 201, created.content
    lead = created.json()
    assert lead["owner"] == org.users["rep1"].pk
    assert (
        send(api, "post", "/api/v1/leads", {"company": "X", "owner_name": "x"}).status_code == 400
    )
    assert send(api, "post", "/api/v1/leads", {"company": "X", "department": 1}).status_code == 400
    url = f"/api/v1/leads/{lead['id']}"
    assert send(api, "patch", url, {"notes": "hello"}).status_code == 400  # version required
    ok = send(api, "patch", url, {"notes": "hello", "version": 1})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = send(api, "patch", url, {"notes": "mine", "version": 1})
    assert stale.status_code == 409 and "notes" in stale.json()["fields"]
    via_header = send(api, "patch", url, {"notes": "again"}, HTTP_IF_MATCH='"2"')
    assert via_header.status_code == 200
    converted = send(api, "post", f"{url}/convert", {"opportunity_amount": "1200"})
    assert converted.status_code == 200 and converted.json()["status"] == "converted"
    assert api.get("/api/v1/opportunities").json()["items"][0]["amount"] == "1200.00"


def test_conversion_answers_409_with_the_duplicates(org, api_for):
    from tests.sales.conftest import make_customer

    make_customer(org.users["rep3"], "Dup Co", phone="13900002222")
    api = api_for("rep1")
    lead = send(api, "post", "/api/v1/leads", {"company": "Dup Co", "status": "qualified"}).json()
    answer = send(api, "post", f"/api/v1/leads/{lead['id']}/convert", {})
    assert answer.status_code == 409 and answer.json()["matches"][0]["id"] is None
    assert (
        send(
            api, "post", f"/api/v1/leads/{lead['id']}/convert", {"create_new_customer": True}
        ).status_code
        == 200
    )


def test_opportunity_order_payment_flow(org, catalogue, customers, api_for):
    api = api_for("rep1")
    opp = send(
        api,
        "post",
        "/api/v1/opportunities",
        {
            "customer": customers["rep1"].pk,
            "name": "API deal",
            "lines": [{"product": catalogue["router"].pk, "quantity": "2", "discount": "5"}],
        },
    )
    assert opp.status_code == 201 and opp.json()["amount"] == "1900.00"
    opp = opp.json()
    # A customer outside the caller's scope is refused like a missing one, naming the field.
    hidden = send(
        api, "post", "/api/v1/opportunities", {"customer": customers["rep3"].pk, "name": "x"}
    )
    assert hidden.status_code == 400 and "customer" in hidden.json()["fields"]
    won = next(
        s
        for p in api.get("/api/v1/pipelines").json()["items"]
        for s in p["stages"]
        if s["kind"] == "won"
    )
    lost = next(
        s
        for p in api.get("/api/v1/pipelines").json()["items"]
        for s in p["stages"]
        if s["kind"] == "lost"
    )
    assert (
        send(
            api, "post", f"/api/v1/opportunities/{opp['id']}/stage", {"stage": lost["id"]}
        ).status_code
        == 400
    )
    moved = send(
        api,
        "post",
        f"/api/v1/opportunities/{opp['id']}/stage",
        {"stage": won["id"], "version": opp["version"]},
    )
    assert moved.status_code == 200 and moved.json()["outcome"] == "won"
    assert (
        send(
            api,
            "post",
            f"/api/v1/opportunities/{opp['id']}/stage",
            {"stage": lost["id"], "version": opp["version"], "lost_reason": "x"},
        ).status_code
        == 409
    )
    history = api.get(f"/api/v1/opportunities/{opp['id']}/history").json()
    assert len(history) == 2 and history[0]["left_at"] is not None
    order = send(
        api, "post", "/api/v1/orders", {"opportunity": opp["id"], "contract_number": "HT-9"}
    )
    assert order.status_code == 201, order.content
    order = order.json()
    assert order["total"] == "1900.00" and order["status"] == "draft" and order["currency"] == "CNY"
    confirmed = send(
        api, "post", f"/api/v1/orders/{order['id']}/confirm", {"version": order["version"]}
    )
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    inst = send(
        api,
        "post",
        "/api/v1/instalments",
        {"order": order["id"], "due_date": "2026-04-30", "amount": "1000"},
    )
    assert inst.status_code == 201 and inst.json()["number"] == 1
    assert (
        send(
            api,
            "post",
            "/api/v1/instalments",
            {"order": order["id"], "due_date": "2026-05-30", "amount": "900.01"},
        ).status_code
        == 400
    )
    pay = send(
        api,
        "post",
        "/api/v1/payments",
        {
            "order": order["id"],
            "amount": "400",
            "instalment": inst.json()["id"],
            "method": "alipay",
        },
    )
    assert pay.status_code == 201, pay.content
    detail = api.get(f"/api/v1/orders/{order['id']}").json()
    assert detail["paid"] == "400.00" and detail["outstanding"] == "1500.00"
    assert detail["instalments"][0]["status"] == "partly_paid"
    assert (
        send(
            api, "post", "/api/v1/payments", {"order": order["id"], "amount": "1500.01"}
        ).status_code
        == 400
    )
    reversed_ = send(
        api, "post", f"/api/v1/payments/{pay.json()['id']}/reverse", {"reason": "bounced"}
    )
    assert reversed_.status_code == 200 and reversed_.json()["status"] == "reversed"
    assert (
        send(
            api,
            "post",
            "/api/v1/payments",
            {"order": order["id"], "amount": "1", "status": "reversed"},
        ).status_code
        == 400
    )


def test_products_api_and_catalogue_rights(catalogue, api_for):
    assert api_for("rep1").get("/api/v1/products").json()["count"] == 3
    assert (
        send(api_for("rep1"), "post", "/api/v1/products", {"code": "Z", "name": "Z"}).status_code
        == 403
    )
    created = send(
        api_for("manager1"),
        "post",
        "/api/v1/products",
        {"code": "Z", "name": "Z", "list_price": "5"},
    )
    assert created.status_code == 201
    url = f"/api/v1/products/{created.json()['id']}"
    assert send(api_for("rep1"), "patch", url, {"name": "Y", "version": 1}).status_code == 403
    assert send(api_for("admin"), "patch", url, {"name": "Y", "version": 1}).status_code == 200
    assert send(api_for("admin"), "patch", url, {"name": "W", "version": 1}).status_code == 409


def test_tasks_api_log_activity_completes_the_task(world, api_for):
    api = api_for("rep1")
    task = world["task"]
    logged = send(
        api, "post", f"/api/v1/tasks/{task.pk}/log-activity", {"kind": "visit", "outcome": "signed"}
    )
    assert logged.status_code == 200
    body = logged.json()
    assert body["status"] == "done" and body["activity"] is not None
    from guanxi.customers.models import Activity

    activity = Activity.objects.get(pk=body["activity"])
    assert (
        activity.customer == world["customer"]
        and activity.kind == "visit"
        and activity.subject == "Call back"
    )
    assert send(api, "post", f"/api/v1/tasks/{task.pk}/log-activity", {}).status_code == 400
    created = send(
        api,
        "post",
        "/api/v1/tasks",
        {
            "subject": "Meet",
            "kind": "appointment",
            "starts_at": "2026-03-19T10:00:00+08:00",
            "ends_at": "2026-03-19T09:00:00+08:00",
        },
    )
    assert created.status_code == 400  # ends before it starts
    created = send(
        api,
        "post",
        "/api/v1/tasks",
        {
            "subject": "Meet",
            "starts_at": "2026-03-19T10:00:00+08:00",
            "opportunity": world["opportunity"].pk,
        },
    )
    assert created.status_code == 201 and created.json()["overdue"] is True
    assert created.json()["customer"] == world["customer"].pk


LIST_ENDPOINTS = [
    "/api/v1/products",
    "/api/v1/leads",
    "/api/v1/opportunities",
    "/api/v1/tasks",
    "/api/v1/orders",
    "/api/v1/payments",
    "/api/v1/receivables",
    "/api/v1/pipelines",
    "/api/v1/product-categories",
]


def test_list_endpoints_have_bounded_query_counts(world, catalogue, org, api_for):
    api = api_for("rep1")
    few = {}
    for url in LIST_ENDPOINTS:
        api.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert api.get(url).status_code == 200
        few[url] = len(captured)
    rep = org.users["rep1"]
    from guanxi.sales.services import leads, payments, tasks

    for i in range(5):
        order = make_order(rep, world["customer"], [(catalogue["switch"], "1", "10", "0")])
        payments.record_payment(actor=rep, order=order, values={"amount": "1"})
        leads.create_lead(actor=rep, values={"company": f"c{i}"})
        tasks.create_task(
            actor=rep, values={"subject": f"t{i}", "starts_at": "2026-03-21T10:00:00+08:00"}
        )
    for url in LIST_ENDPOINTS:
        with CaptureQueriesContext(connection) as many:
            assert api.get(url).status_code == 200
        assert len(many) == few[url], (url, few[url], len(many))
        assert len(many) <= 12, (url, len(many))


def test_pipelines_are_configured_by_managers_and_administrators(org, api_for):
    body = {
        "name": "Projects",
        "departments": [org.departments["south"].pk],
        "stages": [
            {"name": "Bid", "probability": 30},
            {"name": "Won", "probability": 100, "kind": "won"},
            {"name": "Lost", "kind": "lost"},
            {"name": "Invalid", "kind": "invalid"},
        ],
    }
    assert send(api_for("rep1"), "post", "/api/v1/pipelines", body).status_code == 403
    created = send(api_for("admin"), "post", "/api/v1/pipelines", body)
    assert created.status_code == 201 and len(created.json()["stages"]) == 4
    bid = created.json()["stages"][0]
    url = f"/api/v1/stages/{bid['id']}"
    assert send(api_for("rep3"), "patch", url, {"probability": 40, "version": 1}).status_code == 403
    changed = send(api_for("manager2"), "patch", url, {"probability": 40, "version": 1})
    assert changed.status_code == 200 and changed.json()["probability"] == 40
    assert (
        send(api_for("admin"), "patch", url, {"probability": 50, "version": 1}).status_code == 409
    )
    assert send(api_for("admin"), "patch", url, {"kind": "won", "version": 2}).status_code == 400
