"""The role groups carry the Django model permissions their data scopes imply."""

from __future__ import annotations

from django.urls import reverse

from guanxi.core.models import Role
from guanxi.core.models.roles import DataScope


def _codenames(role_code: str) -> set[str]:
    role = Role.objects.get(code=role_code)
    return set(role.group.permissions.values_list("codename", flat=True))


def test_roles_have_the_permissions_of_their_scopes(org):
    rep = _codenames("sales_rep")
    assert {"view_customer", "change_customer", "add_customer", "delete_customer"} <= rep
    assert {"view_contact", "change_contact", "view_order", "change_order"} <= rep
    service = _codenames("service_agent")
    assert "view_customer" in service and "change_customer" not in service
    analyst = _codenames("analyst")
    assert "view_customer" in analyst and "view_order" in analyst
    assert not {p for p in analyst if not p.startswith("view_")}
    # nothing outside the record models: no users, groups or audit trail
    assert not {p for p in rep | analyst if p.endswith(("_user", "_group", "_auditevent"))}


def test_has_perm_agrees_with_the_scope_table(org):
    rep1, service1 = org.users["rep1"], org.users["service1"]
    assert rep1.has_perm("customers.change_customer")
    assert service1.has_perm("customers.view_customer")
    assert not service1.has_perm("customers.change_customer")


def test_editing_a_role_updates_its_permissions(org, client_for):
    role = Role.objects.get(code="service_agent")
    data = {}
    for scope in role.scopes.all():
        data[f"{scope.module}_view"] = scope.view
        data[f"{scope.module}_change"] = scope.change
    data["customers_change"] = DataScope.OWN
    response = client_for("admin").post(reverse("core:role_edit", args=[role.pk]), data)
    assert response.status_code == 302
    assert "change_customer" in _codenames("service_agent")
    data["customers_change"] = DataScope.NONE
    client_for("admin").post(reverse("core:role_edit", args=[role.pk]), data)
    assert "change_customer" not in _codenames("service_agent")
