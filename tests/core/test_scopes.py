"""The one scope rule: three personas (owner, teammate, outsider) and every default role."""

from __future__ import annotations

import pytest

from guanxi.core.models import Collaborator, Role, RoleScope
from guanxi.core.scopes import effective_scope
from guanxi.core.services.records import create_record
from tests.testapp.models import Widget, WidgetPart


def make_widget(owner, name="w"):
    return create_record(Widget, actor=owner, values={"name": name, "owner": owner})


def visible(user, action="view"):
    return set(Widget.objects.visible_to(user, action).values_list("name", flat=True))


@pytest.fixture
def widgets(org):
    u = org.users
    return {
        "rep1": make_widget(u["rep1"], "rep1"),
        "rep2": make_widget(u["rep2"], "rep2"),
        "rep3": make_widget(u["rep3"], "rep3"),
        "manager1": make_widget(u["manager1"], "manager1"),
    }


def test_representative_sees_and_changes_only_their_own(org, widgets):
    assert visible(org.users["rep1"]) == {"rep1"}
    assert visible(org.users["rep1"], "change") == {"rep1"}
    # teammate and outsider alike see nothing of rep1's
    assert "rep1" not in visible(org.users["rep2"])
    assert "rep1" not in visible(org.users["rep3"])


def test_manager_sees_department_subtree_not_other_departments(org, widgets):
    assert visible(org.users["manager1"]) == {"rep1", "rep2", "manager1"}
    assert visible(org.users["manager1"], "change") == {"rep1", "rep2", "manager1"}
    assert visible(org.users["manager2"]) == {"rep3"}


def test_service_and_marketing_see_all_change_none(org, widgets):
    for name in ("service1", "marketing1"):
        assert visible(org.users[name]) == set(widgets)
        assert visible(org.users[name], "change") == set()


def test_admin_all_and_analyst_read_only(org, widgets):
    assert visible(org.users["admin"], "change") == set(widgets)
    assert visible(org.users["analyst1"]) == set(widgets)
    assert visible(org.users["analyst1"], "change") == set()


def test_subordinates_scope_follows_the_reporting_line(org, widgets):
    role = Role.objects.get(code="sales_manager")
    RoleScope.objects.filter(role=role, module="customers").update(
        view="subordinates", change="subordinates"
    )
    manager = type(org.users["manager1"]).objects.get(pk=org.users["manager1"].pk)
    assert visible(manager) == {"rep1", "rep2", "manager1"}
    org.users["rep2"].superior = None
    org.users["rep2"].save()
    manager = type(manager).objects.get(pk=manager.pk)
    assert visible(manager) == {"rep1", "manager1"}


def test_several_roles_get_the_widest_scope_per_module(org, widgets):
    rep = org.users["rep1"]
    rep.groups.add(Role.objects.get(code="analyst").group)
    rep = type(rep).objects.get(pk=rep.pk)
    assert effective_scope(rep, "customers", "view") == "all"
    assert effective_scope(rep, "customers", "change") == "own"
    assert visible(rep, "change") == {"rep1"}


def test_collaborators_read_only_or_read_write(org, widgets):
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Widget)
    Collaborator.objects.create(
        content_type=ct, object_id=widgets["rep3"].pk, user=org.users["rep1"], can_change=False
    )
    assert visible(org.users["rep1"]) == {"rep1", "rep3"}
    assert visible(org.users["rep1"], "change") == {"rep1"}
    Collaborator.objects.filter(user=org.users["rep1"]).update(can_change=True)
    assert visible(org.users["rep1"], "change") == {"rep1", "rep3"}


def test_inactive_and_anonymous_users_see_nothing(org, widgets):
    from django.contrib.auth.models import AnonymousUser

    rep = org.users["rep1"]
    rep.is_active = False
    rep.save()
    assert visible(rep) == set()
    assert visible(AnonymousUser()) == set()


def test_children_follow_their_parents_scope(org, widgets):
    part = create_record(
        WidgetPart,
        actor=org.users["rep3"],
        values={"widget": widgets["rep3"], "label": "p"},
    )
    assert list(WidgetPart.objects.visible_to(org.users["rep3"])) == [part]
    assert list(WidgetPart.objects.visible_to(org.users["rep1"])) == []
    assert list(WidgetPart.objects.visible_to(org.users["manager2"], "change")) == [part]


def test_deleted_records_leave_every_list(org, widgets):
    from guanxi.core.services.records import soft_delete

    soft_delete(widgets["rep1"], actor=org.users["rep1"])
    assert visible(org.users["admin"]) == {"rep2", "rep3", "manager1"}
    assert Widget.all_objects.filter(pk=widgets["rep1"].pk).exists()
