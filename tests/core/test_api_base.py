"""The API base: bearer tokens, session + CSRF, JSON errors that name the field."""

from __future__ import annotations

import pytest
from django.test import Client

from guanxi.core.errors import InvalidInput
from guanxi.core.filters import Filter, FilterSet
from guanxi.core.models import ApiToken
from guanxi.core.services.tokens import create_token, revoke_token


def test_bearer_token_authenticates_and_is_stored_hashed(org):
    token, raw = create_token(org.users["rep1"], "script")
    assert raw not in token.key_hash and token.key_hash != raw
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "rep1"
    assert {"module": "customers", "view": "own", "change": "own"} in body["scopes"]


def test_token_in_the_query_string_is_not_accepted(org):
    _token, raw = create_token(org.users["rep1"], "script")
    response = Client().get(f"/api/v1/me?token={raw}&access_token={raw}")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_revocation_takes_effect_on_the_next_request(org):
    token, raw = create_token(org.users["rep1"], "script")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/me").status_code == 200
    revoke_token(org.users["rep1"], token.pk)
    assert api.get("/api/v1/me").status_code == 401


def test_anonymous_and_garbage_tokens_get_401(org):
    assert Client().get("/api/v1/me").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer gx_nonsense").get("/api/v1/me").status_code == 401


def test_session_writes_need_csrf(org):
    """A write authenticated by the browser session needs the CSRF token; a bearer call not."""
    from guanxi.customers.models import Customer

    client = Client(enforce_csrf_checks=True)
    client.force_login(org.users["rep1"])
    assert client.get("/api/v1/me").status_code == 200
    body = {"name": "CSRF probe", "kind": "company"}
    refused = client.post("/api/v1/customers", body, content_type="application/json")
    assert refused.status_code == 403
    assert not Customer.objects.filter(name="CSRF probe").exists()

    client.get("/profile/")  # a page with a form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/v1/customers", body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201, accepted.content
    assert Customer.objects.filter(name="CSRF probe").count() == 1


def test_profile_page_creates_a_token_shown_once(org, client_for):
    client = client_for("rep1")
    page = client.post("/profile/", {"name": "laptop"})
    html = page.content.decode()
    token = ApiToken.objects.get(user=org.users["rep1"], name="laptop")
    assert token.prefix in html
    # the raw token is in the page once, and never again
    assert "gx_" in html
    again = client.get("/profile/").content.decode()
    assert "new-token" not in again


def test_token_cli_prints_a_working_token(org):
    import contextlib
    import io

    from guanxi.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["token", "create", "rep2", "--name", "ci"]) == 0
    raw = out.getvalue().strip().splitlines()[0]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").json()["username"] == "rep2"


FILTERS = FilterSet(
    filters={"name": Filter("name__icontains"), "size": Filter("size", int)},
    sorts={"name": "name", "created": "created_at"},
    default_sort="name",
)


def test_unknown_filter_or_sort_key_is_an_error_naming_it():
    from tests.testapp.models import Widget

    with pytest.raises(InvalidInput) as caught:
        FILTERS.apply(Widget.objects.none(), {"owner__password": "x"})
    assert "owner__password" in caught.value.errors
    with pytest.raises(InvalidInput) as caught:
        FILTERS.apply(Widget.objects.none(), {"sort": "owner__password"})
    assert "sort" in caught.value.errors
    with pytest.raises(InvalidInput) as caught:
        FILTERS.apply(Widget.objects.none(), {"size": "many"})
    assert "size" in caught.value.errors


def test_openapi_and_docs_are_served_from_the_app(org, client_for):
    client = client_for("rep1")
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    assert spec.json()["info"]["title"] == "Guanxi API"
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in docs.lower() and "https://" not in docs
