"""Committed query-count baselines: list pages and list endpoints cost the same number of
queries for 3 rows and for 20 (no query per row), and no more than the baseline."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

#: URL → the most queries it may take (session, user, scope, count, rows, saved filters ...).
BASELINES = {
    "/customers/": 12,
    "/customers/?format=csv": 10,
    "/customers/contacts/": 10,
    "/customers/activities/": 10,
    "/customers/bin/": 10,
    "/api/v1/customers": 8,
    "/api/v1/contacts": 8,
    "/api/v1/activities": 8,
}


def populate(make_customer: Any, make_contact: Any, make_activity: Any, n: int) -> None:
    for i in range(n):
        customer = make_customer(
            "rep1", name=f"Q{i}", industry="51", province="440000", city="440100", tags="a,b"
        )
        contact = make_contact(customer)
        make_activity(customer, contact=contact)


def count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@pytest.mark.parametrize("url", list(BASELINES))
def test_no_query_per_row(
    url: str,
    org: Any,
    make_customer: Any,
    make_contact: Any,
    make_activity: Any,
    client_for: Any,
    api_for: Any,
) -> None:
    client = api_for("manager1") if url.startswith("/api/") else client_for("manager1")
    populate(make_customer, make_contact, make_activity, 3)
    count(client, url)  # warm-up: caches, and a token's first use records its last use
    few = count(client, url)
    populate(make_customer, make_contact, make_activity, 17)
    many = count(client, url)
    assert many == few, f"{url}: {few} queries for 3 rows, {many} for 20"
    assert many <= BASELINES[url], f"{url}: {many} queries, baseline {BASELINES[url]}"


def test_customer_detail_is_bounded(
    org: Any, make_customer: Any, make_contact: Any, make_activity: Any, client_for: Any
) -> None:
    customer = make_customer("rep1")
    for _ in range(5):
        make_activity(customer, contact=make_contact(customer))
    # measured with the sales module's five panels and the team panel (3 queries) installed
    assert count(client_for("rep1"), f"/customers/{customer.pk}/") <= 24
