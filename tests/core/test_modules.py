"""The module registry: a module registered by a second app (tests/testapp, module ``widgets``)
reaches the navigation, the role defaults, the role-scope validation, the home intros and
/api/v1/me without core naming it; record models must declare their scope."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.test.utils import isolate_apps
from django.urls import reverse

from guanxi.core import modules
from guanxi.core.checks import module_declarations_agree, record_scope_errors
from guanxi.core.errors import InvalidInput
from guanxi.core.models import OwnedRecord, Role, RoleScope, SoftDeleteRecord
from guanxi.core.scopes import may_act
from guanxi.core.services import org as org_services


def _sections(client) -> list[str]:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    return [part.split('"', 1)[0] for part in html.split('data-section="')[1:]]


def test_a_second_apps_module_gets_a_navigation_section_for_those_it_reaches(org, client_for):
    # sales representatives are granted a view scope in widgets by the test app
    assert _sections(client_for("rep1")) == ["customers", "sales", "widgets"]
    page = client_for("rep1").get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Widget workshop" in page and "Widget shelf" in page
    # service agents have no scope there: the section is hidden, not shown empty
    assert _sections(client_for("service1")) == ["customers", "sales"]
    # modules in their order, core's Admin section last and only for administrators
    assert _sections(client_for("admin")) == ["customers", "sales", "widgets", "admin"]
    admin_page = client_for("admin").get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for name in ("core:user_list", "core:department_list", "core:role_list"):
        assert f'href="{reverse(name)}"' in admin_page


def test_a_section_with_nothing_visible_is_left_out(org, client_for):
    role = Role.objects.get(code="service_agent")
    RoleScope.objects.filter(role=role, module="customers").update(view="none")
    assert _sections(client_for("service1")) == ["sales"]


def test_roles_and_default_scopes_come_from_the_registry_without_a_migration(db):
    # installed after migrate from the registry; no core migration names the test app's module
    keeper = Role.objects.get(code="widget_keeper")
    assert keeper.name == "Widget keeper"
    assert keeper.scopes.get(module="widgets").view == "all"
    scopes = {
        s.role.code: (s.view, s.change)
        for s in RoleScope.objects.filter(module="widgets").select_related("role")
    }
    assert scopes["sales_rep"] == ("own", "none")  # granted by the test app to another's role
    assert scopes["administrator"] == ("all", "all")  # platform roles reach every module
    assert scopes["analyst"] == ("all", "none")
    assert "service_agent" not in scopes
    # the six roles the demo, tests and migration 0002 rely on are all declared
    declared = {r.code for r in modules.roles()}
    assert {
        "administrator",
        "analyst",
        "sales_manager",
        "sales_rep",
        "service_agent",
        "marketing",
    } <= declared


def test_installing_defaults_adds_what_is_missing_and_keeps_edits(org):
    rep = Role.objects.get(code="sales_rep")
    RoleScope.objects.filter(role=rep, module="widgets").delete()
    RoleScope.objects.filter(role=rep, module="customers").update(view="department")
    org_services.install_default_roles()
    assert (rep.scopes.get(module="widgets").view, rep.scopes.get(module="widgets").change) == (
        "own",
        "none",
    )
    assert rep.scopes.get(module="customers").view == "department"


def test_role_scope_validation_accepts_registered_modules_only(org):
    role = Role.objects.get(code="service_agent")
    RoleScope(role=role, module="widgets", view="all", change="none").full_clean()
    with pytest.raises(ValidationError) as raised:
        RoleScope(role=role, module="service", view="all", change="none").full_clean()
    assert "module" in raised.value.message_dict
    with pytest.raises(InvalidInput) as refused:
        org_services.save_role_scopes(role, {"widgets": ("all", "none"), "nope": ("all", "all")})
    assert set(refused.value.errors) == {"nope"}
    assert not RoleScope.objects.filter(role=role, module__in=["widgets", "nope"]).exists()
    with pytest.raises(InvalidInput):
        org_services.save_role_scopes(role, {"widgets": ("all", "everything")})


def test_role_edit_form_lists_every_registered_module(org, client_for):
    role = Role.objects.get(code="service_agent")
    url = reverse("core:role_edit", args=[role.pk])
    page = client_for("admin").get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="widgets_view"' in page and 'name="customers_change"' in page
    assert 'name="service_view"' not in page  # no such module is registered
    # a pair left out keeps its value; a pair for an unknown module is ignored
    response = client_for("admin").post(
        url, {"widgets_view": "own", "widgets_change": "own", "nope_view": "all"}
    )
    assert response.status_code == 302
    assert (role.scopes.get(module="widgets").view, role.scopes.get(module="widgets").change) == (
        "own",
        "own",
    )
    assert role.scopes.get(module="customers").view == "all"
    assert not role.scopes.filter(module="nope").exists()
    listing = client_for("admin").get(reverse("core:role_list"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Widgets" in listing.content.decode()


def test_me_lists_the_scopes_of_registered_modules(org, api_for):
    body = api_for("rep1").get("/api/v1/me").json()
    assert body["scopes"] == [
        {"module": "customers", "view": "own", "change": "own"},
        {"module": "sales", "view": "own", "change": "own"},
        {"module": "widgets", "view": "own", "change": "none"},
    ]


def test_home_intro_of_a_role_a_module_declares(org, client_for):
    keeper = org_services.create_user(
        actor=None,
        username="keeper",
        password="a long enough passphrase 42",
        department=org.departments["company"],
        roles=["widget_keeper"],
        check_actor=False,
    )
    org.users["keeper"] = keeper
    page = client_for("keeper").get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Keep the widget shelf in order." in page.content.decode()


def test_may_act_answers_per_module_and_action(org):
    rep1, service1 = org.users["rep1"], org.users["service1"]
    assert may_act(rep1, "customers", "change")
    assert may_act(service1, "customers", "view")
    assert not may_act(service1, "customers", "change")
    assert may_act(rep1, "widgets", "view") and not may_act(rep1, "widgets", "change")
    assert not may_act(AnonymousUser(), "customers", "view")
    # migration 0002 left rows for the service module, which is not installed: they grant nothing
    assert RoleScope.objects.filter(role__code="sales_rep", module="service").exists()
    assert not may_act(rep1, "service", "view")


def test_registration_refuses_malformed_declarations(monkeypatch):
    monkeypatch.setattr(modules, "_MODULES", dict(modules._MODULES))
    with pytest.raises(ImproperlyConfigured):
        modules.register(modules.ModuleSpec("Bad Code", "Bad"))
    with pytest.raises(ImproperlyConfigured):
        modules.register(modules.ModuleSpec("a" * 21, "Too long for RoleScope.module"))
    with pytest.raises(ImproperlyConfigured):
        modules.register(modules.ModuleSpec("ghosts", "Ghosts", grants={"x": ("all", "most")}))
    with pytest.raises(ImproperlyConfigured):
        modules.register(
            modules.ModuleSpec(
                "ghosts",
                "Ghosts",
                roles=(modules.RoleSpec("ghost", "Ghost", scopes={"g": ("a",)}),),
            )
        )
    assert modules.get_module("ghosts") is None


def test_system_check_refuses_grants_to_unknown_roles_and_duplicate_roles(monkeypatch):
    assert module_declarations_agree(None) == []
    monkeypatch.setattr(modules, "_MODULES", dict(modules._MODULES))
    modules.register(
        modules.ModuleSpec(
            "ghosts",
            "Ghosts",
            grants={"poltergeist": ("all", "none")},
            roles=(modules.RoleSpec("sales_rep", "Another sales rep"),),
        )
    )
    errors = module_declarations_agree(None)
    assert {e.id for e in errors} == {"guanxi.E005"}
    messages = " ".join(e.msg for e in errors)
    assert "poltergeist" in messages and "sales_rep is declared twice" in messages


@isolate_apps("tests.testapp")
def test_system_check_refuses_a_record_model_without_a_module_or_parent():
    class Unscoped(OwnedRecord):
        class Meta:
            app_label = "testapp"

    class UnknownModule(OwnedRecord):
        class Scope:
            module = "nonexistent"
            parent = None

        class Meta:
            app_label = "testapp"

    class Declared(OwnedRecord):
        class Scope:
            module = "widgets"
            parent = None

        class Meta:
            app_label = "testapp"

    class Child(SoftDeleteRecord):
        owner_record = models.ForeignKey(Declared, on_delete=models.CASCADE)

        class Scope:
            parent = "owner_record"

        class Meta:
            app_label = "testapp"

    errors = record_scope_errors([Unscoped, UnknownModule, Declared, Child])
    assert [(e.id, e.msg.split(".")[0].split(" ")[0]) for e in errors] == [
        ("guanxi.E004", "Unscoped"),
        ("guanxi.E004", "UnknownModule"),
    ]
    assert "neither a module nor a parent" in errors[0].msg


def test_every_installed_record_model_declares_its_scope():
    assert [e for e in run_checks() if e.id.startswith("guanxi.")] == []
