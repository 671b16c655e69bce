"""The UI shell: layout, language switch, error pages, htmx wiring."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse


def test_base_layout_has_navigation_and_htmx(org, client_for):
    html = client_for("rep1").get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for section in ("customers", "sales"):
        assert f'data-section="{section}"' in html
    # no placeholders: modules that are not installed and sections with nothing to show are left
    # out (a representative manages no users)
    for section in ("service", "marketing", "analytics", "admin"):
        assert f'data-section="{section}"' not in html
    assert "Coming soon" not in html
    assert "/static/django_htmx/htmx-2.min.js" in html
    assert "/static/core/guanxi.js" in html
    assert "<script>" not in html  # no inline script (CSP)
    assert 'name="viewport"' in html


def test_language_switch_persists_on_the_account(org, client_for):
    client = client_for("rep1")
    response = client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    org.users["rep1"].refresh_from_db()
    assert org.users["rep1"].language == "en"
    # another browser of the same user gets English although it asks for Chinese
    other = client_for("rep1")
    page = other.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page["Content-Language"] == "en"
    assert "Log out" in page.content.decode()
    other.post(reverse("core:set_language"), {"language": "zh-hans", "next": "/"})
    assert "退出" in client.get("/").content.decode()


def test_language_switch_refuses_foreign_redirects_and_unknown_languages(org, client_for):
    client = client_for("rep1")
    response = client.post(
        reverse("core:set_language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    org.users["rep1"].refresh_from_db()
    assert org.users["rep1"].language == ""


def test_anonymous_language_switch_uses_a_cookie(db):
    client = Client()
    client.post(reverse("core:set_language"), {"language": "en", "next": "/login/"})
    assert "Log in" in client.get("/login/").content.decode()


def test_friendly_not_found_page(org, client_for):
    response = client_for("rep1").get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Back to the home page" in response.content.decode() or "返回首页" in (
        response.content.decode()
    )


@override_settings(DEBUG=False)
def test_friendly_server_error_page(org, client_for):
    from guanxi.core.views.errors import server_error

    response = server_error(None)
    html = response.content.decode()
    assert response.status_code == 500
    assert "服务器出错了" in html and "Something went wrong" in html


@pytest.mark.parametrize("username", ["rep1", "service1"])
def test_forbidden_page_is_friendly(org, client_for, username):
    response = client_for(username).get(reverse("core:user_list"))
    assert response.status_code == 403
    assert "403" in response.content.decode()
