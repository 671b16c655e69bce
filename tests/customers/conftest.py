"""Customers fixtures: factories on top of the shared ``org`` fixture (tests/conftest.py)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

_seq = itertools.count(1)


@pytest.fixture
def make_customer(org: Any) -> Any:
    """``make_customer("rep1", name="张三")`` → a customer that demo user created and owns
    (through the service, so it is audited and its search keys are filled)."""
    from guanxi.customers.services.customers import create_customer

    def make(owner: str = "rep1", actor: str | None = None, **values: Any) -> Any:
        n = next(_seq)
        values.setdefault("name", f"Customer {n}")
        values.setdefault("kind", "company")
        # Digits only: a random generated code could contain the letters a search looks for.
        values.setdefault("code", f"T{n:07d}")
        return create_customer(
            actor=org.users[actor or owner], values=values, owner=org.users[owner]
        )

    return make


@pytest.fixture
def make_contact(org: Any) -> Any:
    from guanxi.customers.services.contacts import create_contact

    def make(customer: Any, **values: Any) -> Any:
        values.setdefault("name", f"Contact {next(_seq)}")
        return create_contact(actor=org.users["admin"], customer=customer, values=values)

    return make


@pytest.fixture
def make_activity(org: Any) -> Any:
    from django.utils import timezone

    from guanxi.customers.services.activities import create_activity

    def make(customer: Any, **values: Any) -> Any:
        values.setdefault("subject", f"Call {next(_seq)}")
        values.setdefault("occurred_at", timezone.now())
        return create_activity(actor=org.users["admin"], customer=customer, values=values)

    return make


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Service messages in English, whatever catalogue is compiled (pages follow the request)."""
    from django.utils import translation

    with translation.override("en"):
        yield
