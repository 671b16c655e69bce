"""Guanxi's own administration pages and the organisation rules they enforce."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from guanxi.core.demo import DEMO_PASSWORD
from guanxi.core.models import ApiToken, Department, User
from guanxi.core.services.tokens import create_token


def test_only_administrators_reach_the_admin_pages(org, client_for):
    for name in ("core:user_list", "core:department_list", "core:role_list"):
        assert client_for("admin").get(reverse(name)).status_code == 200
        for persona in ("rep1", "manager1", "analyst1"):
            assert client_for(persona).get(reverse(name)).status_code == 403


def test_administrator_creates_a_user_with_roles(org, client_for):
    response = client_for("admin").post(
        reverse("core:user_create"),
        {
            "username": "newrep",
            "password": "correct horse battery staple",
            "department": org.departments["east_team"].pk,
            "superior": org.users["manager1"].pk,
            "roles": ["sales_rep"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    user = User.objects.get(username="newrep")
    assert user.check_password("correct horse battery staple")
    assert not user.password.startswith("correct")
    assert list(user.groups.values_list("role__code", flat=True)) == ["sales_rep"]


def test_short_password_is_refused_naming_the_field(org, client_for):
    response = client_for("admin").post(
        reverse("core:user_create"),
        {"username": "x", "password": "short", "department": org.departments["east"].pk},
    )
    assert response.status_code == 200
    assert "12" in response.content.decode()
    assert not User.objects.filter(username="x").exists()


def test_nobody_edits_their_own_roles_active_flag_or_department(org, client_for):
    admin = org.users["admin"]
    response = client_for("admin").post(
        reverse("core:user_edit", args=[admin.pk]),
        {"department": org.departments["east"].pk, "roles": [], "is_active": ""},
    )
    # disabled fields keep their values: nothing changes
    admin.refresh_from_db()
    assert admin.is_active
    assert admin.department == org.departments["company"]
    assert response.status_code in (200, 302)
    assert list(admin.groups.values_list("role__code", flat=True)) == ["administrator"]


def test_deactivating_a_user_ends_sessions_and_tokens_at_once(org, client_for):
    rep = org.users["rep1"]
    browser = Client()
    browser.post(reverse("core:login"), {"username": "rep1", "password": DEMO_PASSWORD})
    _token, raw = create_token(rep, "script")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/me").status_code == 200

    response = client_for("admin").post(
        reverse("core:user_edit", args=[rep.pk]),
        {
            "department": rep.department.pk,
            "superior": org.users["manager1"].pk,
            "roles": ["sales_rep"],
            "is_active": "",
        },
    )
    assert response.status_code == 302
    assert browser.get(reverse("core:home")).status_code == 302
    assert api.get("/api/v1/me").status_code == 401
    assert not ApiToken.objects.filter(user=rep, revoked_at__isnull=True).exists()
    assert all(
        str(s.get_decoded().get("_auth_user_id")) != str(rep.pk) for s in Session.objects.all()
    )


def test_department_tree_moves_keep_paths(org, client_for):
    team = org.departments["east_team"]
    south = org.departments["south"]
    response = client_for("admin").post(
        reverse("core:department_edit", args=[team.pk]),
        {"name": team.name, "kind": "team", "parent": south.pk},
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.path.startswith(south.path)
    # a department cannot move below itself
    response = client_for("admin").post(
        reverse("core:department_edit", args=[south.pk]),
        {"name": south.name, "kind": "department", "parent": team.pk},
    )
    assert response.status_code == 200
    south.refresh_from_db()
    assert south.parent == org.departments["company"]
    assert Department.objects.filter(path__startswith=south.path).count() == 3


def test_role_scopes_are_edited_in_guanxi(org, client_for):
    from guanxi.core.models import Role

    role = Role.objects.get(code="sales_rep")
    data = {}
    for module in ("customers", "sales", "service", "marketing"):
        data[f"{module}_view"] = "department"
        data[f"{module}_change"] = "own"
    assert (
        client_for("admin").post(reverse("core:role_edit", args=[role.pk]), data).status_code == 302
    )
    assert role.scopes.get(module="customers").view == "department"
