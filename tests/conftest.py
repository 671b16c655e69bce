"""Shared fixtures: the demo organisation (three personas in every scope test), API clients."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def org(db: Any) -> Any:
    """The demo organisation: admin, manager1 (east) with rep1 and rep2 in one team, manager2
    (south) with rep3 and rep4, service1, marketing1, analyst1; departments by key."""
    from guanxi.core.demo import DemoContext, build_organisation

    ctx = DemoContext(rng=random.Random(7), seed=7, options={})
    build_organisation(ctx)
    return ctx


@pytest.fixture
def client_for(org: Any) -> Any:
    """``client_for("rep1")`` → a test client signed in as that demo user."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(org.users[username])
        return client

    return make


@pytest.fixture
def api_for(org: Any) -> Any:
    """``api_for("rep1")`` → a client sending that user's bearer token on every call."""
    from guanxi.core.services.tokens import create_token

    def make(username: str) -> Client:
        _token, raw = create_token(org.users[username], "tests")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make
