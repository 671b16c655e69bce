"""One audit-history template in core, included by the customers and the sales detail pages."""

from __future__ import annotations

from typing import Any

import pytest

from guanxi.customers.services.customers import create_customer, update_customer
from guanxi.sales.services.leads import create_lead, update_lead

pytestmark = pytest.mark.django_db


def history_section(page: str) -> str:
    start = page.index('<section class="card"><h2>Change history</h2>')
    return page[start : page.index("</section>", start)]


def test_customer_and_lead_pages_show_the_same_history_table(org: Any, client_for: Any) -> None:
    rep = org.users["rep1"]
    customer = create_customer(actor=rep, values={"name": "History Co", "phone": "13900000001"})
    update_customer(customer, actor=rep, expected_version=1, changes={"address": "Old Road 1"})
    lead = create_lead(actor=rep, values={"company": "Lead Co", "status": "new"})
    update_lead(lead, actor=rep, expected_version=1, changes={"company": "Lead Co Ltd"})
    client = client_for("rep1")
    for url, change in (
        (f"/customers/{customer.pk}/", "→ Old Road 1"),
        (f"/sales/leads/{lead.pk}/", "company: Lead Co → Lead Co Ltd"),
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert "core/_history.html" in [t.name for t in response.templates]
        section = history_section(response.content.decode())
        assert change in section and str(rep) in section
