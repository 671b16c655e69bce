from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_pages_render(
    make_customer: Any, make_contact: Any, make_activity: Any, client_for: Any
) -> None:
    c = make_customer("rep1", name="张三", phone="13800138000")
    contact = make_contact(c, mobile="13900139000")
    activity = make_activity(c, contact=contact)
    client = client_for("rep1")
    for url in [
        "/customers/",
        f"/customers/{c.pk}/",
        f"/customers/{c.pk}/edit/",
        "/customers/new/",
        "/customers/contacts/",
        "/customers/activities/",
        f"/customers/contacts/{contact.pk}/",
        f"/customers/activities/{activity.pk}/",
        "/customers/bin/",
        "/customers/duplicates/",
        "/customers/check/?name=张三",
        "/customers/import/",
        f"/customers/{c.pk}/reassign/",
        f"/customers/{c.pk}/contacts/new/",
        f"/customers/{c.pk}/activities/new/",
        f"/customers/contacts/{contact.pk}/edit/",
        f"/customers/activities/{activity.pk}/edit/",
        "/customers/regions/?level=city&province=440000",
        "/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)


def test_panel_registry_fills_the_360_page(org: Any, make_customer: Any, client_for: Any) -> None:
    from guanxi.customers import panels

    customer = make_customer("rep1")
    installed = panels.PANELS.pop("orders", None)  # the sales module's, if installed
    body = client_for("rep1").get(f"/customers/{customer.pk}/").content.decode()
    assert "panel-orders" in body and "panel-scores" in body  # placeholders
    # A later module's panel: its template reads ``panel.*`` from its context function.
    panels.register(
        "orders", "customers/_dashboard_panel.html", lambda c, request: {"count": 4242, "due": []}
    )
    try:
        body = client_for("rep1").get(f"/customers/{customer.pk}/").content.decode()
        assert "panel-orders" in body and "4242" in body
    finally:
        panels.PANELS.pop("orders")
        if installed is not None:
            panels.PANELS["orders"] = installed


def test_dashboard_panel_and_navigation(org: Any, make_customer: Any, client_for: Any) -> None:
    make_customer("rep1")
    body = client_for("rep1").get("/").content.decode()
    assert "/customers/" in body
    assert "/customers/import/" not in client_for("analyst1").get("/").content.decode()
