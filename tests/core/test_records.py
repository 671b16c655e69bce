"""Audited, versioned writes: create, update, optimistic locking, soft delete, reassign."""

from __future__ import annotations

import threading

import pytest
from django.apps import apps
from django.db import connection

from guanxi.core.audit_guard import UnauditedWriteError
from guanxi.core.errors import NotAllowed, RecordNotFound, StaleVersion
from guanxi.core.models import AuditEvent, SoftDeleteRecord
from guanxi.core.models.records import AuditedQuerySet
from guanxi.core.services import records
from tests.testapp.models import Widget


def widget(owner, name="w"):
    return records.create_record(Widget, actor=owner, values={"name": name, "owner": owner})


def test_create_and_update_write_field_level_audit_rows(org):
    rep = org.users["rep1"]
    w = widget(rep, "alpha")
    created = AuditEvent.objects.get(object_id=w.pk, action="create")
    assert created.actor == rep and created.changes["name"] == [None, "alpha"]
    assert w.department == rep.department

    updated = records.update_record(w, actor=rep, expected_version=1, changes={"name": "beta"})
    assert updated.version == 2
    event = AuditEvent.objects.get(object_id=w.pk, action="update")
    assert event.changes == {"name": ["alpha", "beta"]} and event.version == 2


def test_stale_write_is_refused_naming_the_changed_fields(org):
    rep = org.users["rep1"]
    w = widget(rep)
    records.update_record(w, actor=rep, expected_version=1, changes={"name": "new", "code": "X"})
    with pytest.raises(StaleVersion) as caught:
        records.update_record(w, actor=rep, expected_version=1, changes={"name": "mine"})
    assert caught.value.changed_fields == ["code", "name"]
    assert Widget.objects.get(pk=w.pk).name == "new"


def test_a_write_that_leaves_the_actors_scope_rolls_back(org):
    rep = org.users["rep1"]
    w = widget(rep)
    with pytest.raises(NotAllowed):
        records.update_record(
            w, actor=rep, expected_version=1, changes={"owner": org.users["rep3"]}
        )
    fresh = Widget.objects.get(pk=w.pk)
    assert fresh.owner == rep and fresh.version == 1
    assert not AuditEvent.objects.filter(object_id=w.pk, action="update").exists()


def test_creating_outside_ones_scope_is_refused_and_leaves_nothing(org):
    with pytest.raises(NotAllowed):
        widget_for_other = records.create_record(
            Widget, actor=org.users["rep1"], values={"name": "x", "owner": org.users["rep3"]}
        )
        assert widget_for_other is None
    assert not Widget.all_objects.filter(name="x").exists()
    assert not AuditEvent.objects.filter(object_repr="x").exists()


def test_get_visible_answers_not_found_outside_scope_and_not_allowed_when_read_only(org):
    w = widget(org.users["rep3"])
    with pytest.raises(RecordNotFound):
        records.get_visible(Widget, w.pk, org.users["rep1"])
    with pytest.raises(RecordNotFound):
        records.get_visible(Widget, "not-a-number", org.users["rep1"])
    assert records.get_visible(Widget, w.pk, org.users["service1"]) == w
    with pytest.raises(NotAllowed):
        records.get_visible(Widget, w.pk, org.users["service1"], "change")


def test_soft_delete_and_restore_are_audited(org):
    rep = org.users["rep1"]
    w = widget(rep)
    records.soft_delete(w, actor=rep)
    assert not Widget.objects.filter(pk=w.pk).exists()
    binned = records.get_in_bin(Widget, w.pk, rep)
    records.restore(binned, actor=rep)
    assert Widget.objects.filter(pk=w.pk).exists()
    actions = list(AuditEvent.objects.filter(object_id=w.pk).values_list("action", flat=True))
    assert set(actions) == {"create", "delete", "restore"}


def test_bulk_writes_outside_the_services_are_refused(org):
    widget(org.users["rep1"])
    with pytest.raises(UnauditedWriteError):
        Widget.objects.update(name="sneaky")
    with pytest.raises(UnauditedWriteError):
        Widget.objects.all().delete()
    with pytest.raises(UnauditedWriteError):
        Widget.objects.bulk_create([Widget(name="x")])
    assert not Widget.objects.filter(name="sneaky").exists()


def test_every_record_model_has_the_guarded_querysets():
    """A new business model that skips the audited querysets fails here."""
    models = [m for m in apps.get_models() if issubclass(m, SoftDeleteRecord)]
    assert models
    for model in models:
        assert isinstance(model.objects.all(), AuditedQuerySet), model
        assert isinstance(model.all_objects.all(), AuditedQuerySet), model


@pytest.mark.parametrize(
    ("actor", "new_owner", "allowed"),
    [
        ("rep1", "rep2", True),  # same department (team)
        ("rep1", "rep3", False),  # another department
        ("manager1", "rep2", True),  # own subtree
        ("manager1", "rep3", False),
        ("admin", "rep3", True),
        ("service1", "rep1", False),  # sees all, changes none
    ],
)
def test_reassign_follows_the_department_rule(org, actor, new_owner, allowed):
    owner = "rep1"
    w = widget(org.users[owner])
    users = org.users
    if allowed:
        records.reassign([w], actor=users[actor], new_owner=users[new_owner], module="customers")
        fresh = Widget.objects.get(pk=w.pk)
        assert fresh.owner == users[new_owner]
        assert fresh.department == users[new_owner].department
        assert AuditEvent.objects.filter(object_id=w.pk, action="reassign").exists()
    else:
        with pytest.raises(NotAllowed):
            records.reassign(
                [w], actor=users[actor], new_owner=users[new_owner], module="customers"
            )
        assert Widget.objects.get(pk=w.pk).owner == users[owner]


def test_bulk_reassign_is_all_or_nothing(org):
    mine = widget(org.users["rep1"], "mine")
    other = widget(org.users["rep2"], "not mine")
    with pytest.raises(NotAllowed):
        records.reassign(
            [mine, other],
            actor=org.users["rep1"],
            new_owner=org.users["rep2"],
            module="customers",
        )
    assert Widget.objects.get(pk=mine.pk).owner == org.users["rep1"]


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_same_version_writes_lose_no_update(org):
    """Exactly one of 50 writers holding version 1 wins; the others get StaleVersion."""
    rep = org.users["rep1"]
    w = widget(rep)
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(50)

    def write(i: int) -> None:
        try:
            barrier.wait()
            records.update_record(w, actor=rep, expected_version=1, changes={"name": f"writer {i}"})
            result = "won"
        except StaleVersion:
            result = "stale"
        except Exception as exc:  # surfaced below: any other failure is a bug
            result = f"error {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("won") == 1, outcomes
    assert outcomes.count("stale") == 49, outcomes
    fresh = Widget.objects.get(pk=w.pk)
    assert fresh.version == 2
    assert AuditEvent.objects.filter(object_id=w.pk, action="update").count() == 1
