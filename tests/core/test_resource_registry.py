"""Every declared resource has generic API and view test cases, and every generated route has
its access rule and publishes its list parameters in the OpenAPI document."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import tests
from guanxi.core import resources
from guanxi.core.resources import LIST, pages
from tests.generic_api import APITestBase
from tests.generic_views import ViewTestBase


def _all_subclasses(base: type) -> set[type]:
    found: set[type] = set()
    stack = [base]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                stack.append(sub)
    return found


@pytest.fixture(scope="module")
def test_classes() -> tuple[set[type], set[type]]:
    root = Path(tests.__file__).parent
    for module in pkgutil.walk_packages([str(root)], prefix="tests."):
        if ".browser" in module.name or module.name.startswith("tests.testapp.migrations"):
            continue
        importlib.import_module(module.name)
    return _all_subclasses(APITestBase), _all_subclasses(ViewTestBase)


def test_every_resource_has_api_and_view_test_cases(test_classes) -> None:
    api_cases, view_cases = test_classes
    tested_api = {getattr(c, "resource", None) for c in api_cases}
    tested_models = {getattr(c, "model", None) for c in view_cases}
    declared = resources.all_resources()
    assert declared
    missing_api = [r.name for r in declared if r.name not in tested_api]
    with_pages = {page_set.resource for page_set in pages.page_sets()}
    missing_views = [
        r.name for r in declared if r.name in with_pages and r.model not in tested_models
    ]
    assert not missing_api, f"resources without API test cases: {missing_api}"
    assert not missing_views, f"resources without view test cases: {missing_views}"


def test_list_routes_publish_their_parameters(client_for, org) -> None:
    spec = client_for("admin").get("/api/v1/openapi.json").json()
    for resource in resources.all_resources():
        if not resource.offers(LIST):
            continue
        operation = spec["paths"][f"/api/v1/{resource.url_segment}"]["get"]
        names = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
        assert {"page", "page_size", "q", "sort"} <= set(names), resource.name
        assert set(resource.filterset.filters) <= set(names), resource.name
        size = names["page_size"]["schema"]
        bounds = size.get("anyOf", [size])[0]
        assert bounds["minimum"] == 1 and bounds["maximum"] >= 1, (resource.name, size)


def test_api_errors_are_json_everywhere(client_for, org) -> None:
    client = client_for("rep1")
    for url in ("/api/v1/no-such-route", "/api/v1/customers/999999999", "/api/v1/customers/x"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json"), url
        assert response.json()["code"] == "not_found", url
