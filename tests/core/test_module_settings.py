"""Module settings: declared by a second app (tests/testapp), served by core's page and API."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from guanxi.core.models import ModuleSettingValues, SettingChange
from guanxi.core.module_settings import current_values, get_setting

PAGE = reverse("core:settings_module", args=["testapp"])
API = "/api/v1/settings/testapp"


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def form_data(**changes):
    """The page's form as the browser posts it, with the current defaults and ``changes``."""
    data = {
        "batch_size": "100",
        "tax_rate": "0.13",
        "notify": "on",
        "greeting": "hello",
        "colour": "red",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_defaults_are_read_typed_and_not_stored(db):
    assert get_setting("testapp", "batch_size") == 100
    assert get_setting("testapp", "tax_rate") == Decimal("0.13")
    assert get_setting("testapp", "notify") is True
    assert get_setting("testapp", "colour") == "red"
    assert not ModuleSettingValues.objects.exists()


def test_unknown_module_or_key_is_a_programming_error(db):
    with pytest.raises(LookupError):
        get_setting("nosuchmodule", "x")
    with pytest.raises(LookupError):
        get_setting("testapp", "nosuchkey")


def test_administrator_changes_settings_through_the_page(org, client_for):
    client = client_for("admin")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Rows written per batch" in page.content.decode()  # the declared help text

    response = client.post(
        PAGE, form_data(batch_size="250", tax_rate="0.06", notify=None, colour="blue")
    )
    assert response.status_code == 302
    assert get_setting("testapp", "batch_size") == 250
    assert get_setting("testapp", "tax_rate") == Decimal("0.06")
    assert get_setting("testapp", "notify") is False  # an unchecked box is False
    assert get_setting("testapp", "colour") == "blue"
    assert get_setting("testapp", "greeting") == "hello"
    # only the changed values are stored
    assert ModuleSettingValues.objects.get(module="testapp").values == {
        "batch_size": 250,
        "tax_rate": "0.06",
        "notify": False,
        "colour": "blue",
    }
    # the history is shown below the form, with the actor and both values
    html = client.get(PAGE).content.decode()
    assert "100 → 250" in html
    assert "Red → Blue" in html


def test_invalid_page_input_names_the_field_and_writes_nothing(org, client_for):
    response = client_for("admin").post(
        PAGE, form_data(batch_size="5000", greeting="hello42", colour="blue")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"batch_size", "greeting"}
    assert "No digits in a greeting." in form.errors["greeting"]
    assert get_setting("testapp", "colour") == "red"  # the valid change was not written either
    assert not SettingChange.objects.exists()


def test_api_changes_settings_and_returns_typed_values(org, api_for):
    client = api_for("admin")
    response = patch(client, API, {"batch_size": 500, "tax_rate": "0.2", "notify": False})
    assert response.status_code == 200, response.content
    settings = {s["key"]: s for s in response.json()["settings"]}
    assert settings["batch_size"]["value"] == 500
    assert settings["batch_size"]["default"] == 100
    assert settings["batch_size"]["is_default"] is False
    assert settings["tax_rate"]["value"] == "0.20"
    assert settings["notify"]["value"] is False
    assert settings["colour"]["choices"] == [
        {"value": "red", "label": "Red"},
        {"value": "blue", "label": "Blue"},
    ]
    assert current_values("testapp") == {
        "batch_size": 500,
        "tax_rate": Decimal("0.20"),
        "notify": False,
        "greeting": "hello",
        "colour": "red",
    }
    assert client.get(API).json() == response.json()


def test_a_change_is_seen_at_once_without_a_cached_copy(org, api_for):
    """No worker keeps settings in memory: a value written elsewhere is read at the next call."""
    assert get_setting("testapp", "batch_size") == 100
    ModuleSettingValues.objects.create(module="testapp", values={"batch_size": 7})
    assert get_setting("testapp", "batch_size") == 7


def test_setting_back_to_the_default_removes_the_stored_value(org, api_for):
    client = api_for("admin")
    patch(client, API, {"batch_size": 500, "greeting": "hi"})
    patch(client, API, {"batch_size": None, "greeting": "hello"})  # null and the default alike
    assert ModuleSettingValues.objects.get(module="testapp").values == {}
    assert get_setting("testapp", "batch_size") == 100
    assert SettingChange.objects.filter(key="batch_size").count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": "50"}, "batch_size"),  # strings are not ints
        ({"batch_size": True}, "batch_size"),  # nor are booleans
        ({"tax_rate": "1.5"}, "tax_rate"),
        ({"tax_rate": "0.125"}, "tax_rate"),  # three decimal places
        ({"tax_rate": "abc"}, "tax_rate"),
        ({"notify": "yes"}, "notify"),
        ({"greeting": "x" * 21}, "greeting"),
        ({"greeting": "hi 2"}, "greeting"),  # the module's own validator
        ({"greeting": ""}, "greeting"),
        ({"colour": "green"}, "colour"),
    ],
)
def test_api_refuses_a_bad_value_naming_the_field_and_writes_nothing(org, api_for, body, field):
    response = patch(api_for("admin"), API, {"colour": "blue", **body})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert get_setting("testapp", "colour") == "red"
    assert not SettingChange.objects.exists()


def test_api_refuses_an_unknown_key_naming_it(org, api_for):
    response = patch(api_for("admin"), API, {"batch_size": 5, "bogus": 1})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["bogus"]
    assert get_setting("testapp", "batch_size") == 100


def test_unknown_module_is_404_in_the_api_error_format(org, api_for, client_for):
    response = api_for("admin").get("/api/v1/settings/nosuchmodule")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client_for("admin").get("/admin/settings/nosuchmodule/").status_code == 404


@pytest.mark.parametrize("persona", ["rep1", "manager1", "analyst1"])
def test_others_are_refused_on_page_and_api(org, client_for, api_for, persona):
    page = client_for(persona)
    assert page.get(reverse("core:settings_index")).status_code == 403
    assert page.get(PAGE).status_code == 403
    assert page.post(PAGE, form_data(batch_size="5")).status_code == 403
    api = api_for(persona)
    assert api.get("/api/v1/settings").status_code == 403
    assert api.get(API).status_code == 403
    assert api.get(f"{API}/history").status_code == 403
    assert patch(api, API, {"batch_size": 5}).status_code == 403
    assert get_setting("testapp", "batch_size") == 100
    assert not SettingChange.objects.exists()


def test_history_records_old_new_and_actor_newest_first(org, api_for):
    client = api_for("admin")
    patch(client, API, {"batch_size": 200})
    patch(client, API, {"batch_size": 300, "notify": False})
    patch(client, API, {"batch_size": 300})  # unchanged: no history row
    rows = list(SettingChange.objects.values_list("key", "old_value", "new_value", "actor"))
    admin = org.users["admin"].pk
    assert sorted(rows) == sorted(
        [
            ("batch_size", 100, 200, admin),
            ("batch_size", 200, 300, admin),
            ("notify", True, False, admin),
        ]
    )

    page = client.get(f"{API}/history", {"page_size": 2}).json()
    assert (page["count"], page["page"], page["page_size"]) == (3, 1, 2)
    assert [(i["key"], i["old_value"], i["new_value"]) for i in page["items"]][1] == (
        "batch_size",
        200,
        300,
    )
    assert page["items"][0]["actor"] == "admin"
    second = client.get(f"{API}/history", {"page": 2, "page_size": 2}).json()
    assert [(i["key"], i["new_value"]) for i in second["items"]] == [("batch_size", 200)]


def test_history_page_params_are_checked(org, api_for):
    client = api_for("admin")
    assert list(client.get(f"{API}/history", {"page": 0}).json()["fields"]) == ["page"]
    assert list(client.get(f"{API}/history", {"page_size": 501}).json()["fields"]) == ["page_size"]
    response = client.get(f"{API}/history", {"sort": "key"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["sort"]


def test_modules_with_settings_are_listed_and_linked_in_the_admin_navigation(
    org, api_for, client_for
):
    page = api_for("admin").get("/api/v1/settings").json()
    assert {"module": "testapp", "label": "Test app"} in page["items"]
    assert page["count"] == len(page["items"])
    settings_index = reverse("core:settings_index")
    assert f'href="{settings_index}"' in client_for("admin").get("/").content.decode()
    assert f'href="{settings_index}"' not in client_for("rep1").get("/").content.decode()
    index = client_for("admin").get(settings_index).content.decode()
    assert f'href="{PAGE}"' in index
