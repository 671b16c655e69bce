"""Every URL pattern and API route has an access rule, and anonymous users get none of them.

A new route without an entry in ACCESS_RULES fails ``test_every_route_has_an_access_rule``:
decide who may reach it before it ships. Anonymous visitors are redirected to the login page
(pages) or answered 401 (API) everywhere except the login page, the language switch and static
files.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = "public"  # anyone: the login page and the language switch
SIGNED_IN = "signed_in"  # any signed-in user; the view itself narrows to what they own
ORG_ADMIN = "org_admin"  # administrators only (403 for everyone else)
SCOPED = "scoped"  # records behind visible_to(): 404 outside view scope, 403 read-only
SUPERUSER = "superuser"  # the Django admin, a superuser's repair tool

ACCESS_RULES: dict[str, str] = {
    "core:home": SIGNED_IN,
    "core:login": PUBLIC,
    "core:logout": SIGNED_IN,
    "core:password_change": SIGNED_IN,
    "core:set_language": PUBLIC,
    "core:profile": SIGNED_IN,
    "core:revoke_token": SIGNED_IN,
    "core:user_list": ORG_ADMIN,
    "core:user_create": ORG_ADMIN,
    "core:user_edit": ORG_ADMIN,
    "core:department_list": ORG_ADMIN,
    "core:department_create": ORG_ADMIN,
    "core:department_edit": ORG_ADMIN,
    "core:role_list": ORG_ADMIN,
    "core:role_edit": ORG_ADMIN,
    "core:job_list": SIGNED_IN,  # the user's own runs only
    "core:job_detail": SIGNED_IN,  # its starter or an administrator; 404 for anyone else
    "core:settings_index": ORG_ADMIN,
    "core:settings_module": ORG_ADMIN,
    "core:team_add": SCOPED,
    "core:team_remove": SCOPED,
    "api:put_team_member": SCOPED,
    "api:delete_team_member": SCOPED,
    "api:list_jobs": SIGNED_IN,  # the caller's own runs only
    "api:get_job": SIGNED_IN,  # its starter or an administrator; 404 for anyone else
    "core:attachment_upload": SCOPED,
    "core:attachment_download": SCOPED,
    "core:attachment_delete": SCOPED,
    "core:attachment_restore": SCOPED,
    "core:attachment_bin": SIGNED_IN,  # lists only what the user may restore
    "api:list_attachments": SCOPED,
    "api:upload_attachment": SCOPED,
    "api:download_attachment": SCOPED,
    "api:delete_attachment": SCOPED,
    "api:restore_attachment": SCOPED,
    "api:openapi-json": SIGNED_IN,
    "api:openapi-view": SIGNED_IN,
    "api:api-root": SIGNED_IN,
    "api:me": SIGNED_IN,
    "api:index": SIGNED_IN,
    "api:list_settings_modules": ORG_ADMIN,
    "api:get_module_settings": ORG_ADMIN,
    "api:update_module_settings": ORG_ADMIN,
    "api:module_settings_history": ORG_ADMIN,
    "admin:login": PUBLIC,  # the Django admin's own login page (throttled by axes too)
    "admin:logout": PUBLIC,  # signing out an anonymous visitor just redirects
}

#: Route-name prefixes whose rules are declared by the app that owns them. Business modules
#: declare their routes' rules next to the routes (``guanxi.core.access``); generated resource
#: routes get theirs from core.
PREFIX_RULES: dict[str, str] = {"admin:": SUPERUSER}


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), full_ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield prefix + str(pattern.pattern), name


def sample_url(route: str) -> str:
    """A concrete URL for a route pattern, with every parameter filled by a sample value."""
    url = re.sub(r"<int:\w+>", "1", route)
    url = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000001", url)
    url = re.sub(r"<(?:str|slug|path:)?:?\w+>", "x", url)
    url = re.sub(r"\{\w+\}", "1", url)
    url = url.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    return "/" + url


ROUTES = sorted(set(walk(get_resolver().url_patterns)))


def rule_for(name: str) -> str | None:
    if name in ACCESS_RULES:
        return ACCESS_RULES[name]
    for prefix, rule in PREFIX_RULES.items():
        if name.startswith(prefix):
            return rule
    from guanxi.core import access

    return access.rule_for(name)


def test_every_route_has_an_access_rule():
    missing = [f"{name} ({route})" for route, name in ROUTES if rule_for(name) is None]
    assert not missing, "routes without an access rule: " + ", ".join(missing)


@pytest.mark.parametrize(("route", "name"), ROUTES, ids=[n for _r, n in ROUTES])
def test_anonymous_users_are_refused(db, route, name):
    rule = rule_for(name)
    url = sample_url(route)
    client = Client()
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if rule == PUBLIC:
            assert response.status_code < 500
            continue
        if url.startswith("/api/"):
            assert response.status_code in (401, 302, 405), (method, url, response.status_code)
            if response.status_code == 302:
                assert "/login/" in response["Location"]
        else:
            assert response.status_code in (302, 405), (method, url, response.status_code)
            if response.status_code == 302:
                assert "login" in response["Location"], response["Location"]


@pytest.mark.parametrize("name", [n for n, rule in ACCESS_RULES.items() if rule == ORG_ADMIN])
def test_administration_routes_refuse_other_roles(org, client_for, name):
    route = next(r for r, n in ROUTES if n == name)
    url = sample_url(route)
    for persona in ("rep1", "manager1", "analyst1", "service1"):
        assert client_for(persona).get(url).status_code == 403, (persona, url)


def test_static_files_are_public(client):
    assert client.get("/static/core/guanxi.css").status_code == 200
    assert client.get("/static/django_htmx/htmx-2.min.js").status_code == 200
