"""The audited bulk create: audit rows, scope refusal, checks, rollback, the guard, query cost."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guanxi.core import audit_guard
from guanxi.core.audit_guard import UnauditedWriteError
from guanxi.core.errors import NotAllowed
from guanxi.core.models import AuditEvent, Collaborator, ImportBatch
from guanxi.core.services import records
from guanxi.core.services.bulk_insert import Inserter
from guanxi.core.services.records import InvalidRecord
from tests.testapp.models import Widget, WidgetPart

pytestmark = pytest.mark.django_db


def widgets(owner, *names, actor=None, batch=None):
    return records.create_records(
        Widget,
        actor=actor or owner,
        values_list=[{"name": name, "owner": owner} for name in names],
        batch=batch,
    )


def events(*objects):
    return AuditEvent.objects.filter(object_id__in=[o.pk for o in objects]).order_by("id")


def test_each_record_gets_the_audit_row_create_record_writes(org):
    rep = org.users["rep1"]
    batch = ImportBatch.objects.create(kind="test")
    one = records.create_record(
        Widget, actor=rep, values={"name": "a", "code": "X1", "owner": rep}, batch=batch
    )
    many = records.create_records(
        Widget,
        actor=rep,
        values_list=[{"name": "a", "code": "X1", "owner": rep}, {"name": "b", "owner": rep}],
        batch=batch,
    )
    assert [w.pk for w in many] == sorted(w.pk for w in many) and all(w.pk for w in many)
    assert all(not w._state.adding and w.version == 1 for w in many)
    assert all(w.department == rep.department for w in many)
    single = AuditEvent.objects.get(object_id=one.pk, content_type__model="widget")
    bulk = list(AuditEvent.objects.filter(object_id__in=[w.pk for w in many]).order_by("id"))
    assert [e.object_id for e in bulk] == [w.pk for w in many]
    assert bulk[0].changes == single.changes  # the same values give the same audit row
    for event, widget in zip(bulk, many, strict=True):
        assert (event.action, event.actor, event.batch, event.version) == (
            "create",
            rep,
            batch,
            1,
        )
        assert event.object_repr == widget.name and event.content_type == single.content_type
    assert Widget.objects.get(pk=many[1].pk).name == "b"


def test_a_record_outside_the_actors_scope_refuses_all_and_leaves_nothing(org):
    rep1, rep3 = org.users["rep1"], org.users["rep3"]
    with pytest.raises(NotAllowed):
        records.create_records(
            Widget,
            actor=rep1,
            values_list=[{"name": "mine", "owner": rep1}, {"name": "theirs", "owner": rep3}],
        )
    assert not Widget.all_objects.exists()
    assert not AuditEvent.objects.filter(content_type__model="widget").exists()


def test_children_are_scoped_by_their_parents(org):
    rep1, rep3 = org.users["rep1"], org.users["rep3"]
    (mine,) = widgets(rep1, "mine")
    (theirs,) = widgets(rep3, "theirs")
    parts = records.create_records(
        WidgetPart, actor=rep1, values_list=[{"widget": mine, "label": f"p{i}"} for i in range(3)]
    )
    assert WidgetPart.objects.visible_to(rep1, "change").count() == 3
    assert events(*parts).filter(content_type__model="widgetpart").count() == 3
    with pytest.raises(NotAllowed):
        records.create_records(
            WidgetPart,
            actor=rep1,
            values_list=[{"widget": mine, "label": "ok"}, {"widget": theirs, "label": "no"}],
        )
    assert WidgetPart.all_objects.count() == 3
    # A read-write collaborator of the parent may add to it, as create_record allows.
    Collaborator.objects.create(
        content_type=ContentType.objects.get_for_model(Widget),
        object_id=theirs.pk,
        user=rep1,
        can_change=True,
    )
    records.create_records(WidgetPart, actor=rep1, values_list=[{"widget": theirs, "label": "x"}])
    assert WidgetPart.all_objects.count() == 4


def test_checks_name_the_first_invalid_record_with_djangos_messages(org):
    rep = org.users["rep1"]
    values = [
        {"name": "fine", "owner": rep},
        {"name": "", "owner": rep},
        {"name": "x" * 101, "owner_id": 987654},
    ]
    with pytest.raises(InvalidRecord) as caught:
        records.create_records(Widget, actor=rep, values_list=values)
    assert caught.value.index == 1 and set(caught.value.errors) == {"name"}
    checked = records.check_records(Widget, values)
    assert checked.errors[0] == {}
    # The per-row full_clean gives the same messages, the foreign key's included.
    for index in (1, 2):
        record = Widget(**values[index])
        with pytest.raises(ValidationError) as full:
            record.full_clean(validate_unique=False, validate_constraints=False)
        assert checked.errors[index] == full.value.message_dict
    assert not Widget.all_objects.exists() and not AuditEvent.objects.exists()


def test_foreign_keys_are_checked_with_one_query_per_field(org):
    rep = org.users["rep1"]
    with CaptureQueriesContext(connection) as few:
        records.check_records(Widget, [{"name": "a", "owner": rep}])
    with CaptureQueriesContext(connection) as many:
        records.check_records(Widget, [{"name": f"w{i}", "owner": rep} for i in range(40)])
    assert len(many) == len(few) <= 2  # owner and department


def test_writing_costs_a_few_statements_whatever_the_number_of_records(org):
    rep = org.users["rep1"]
    widgets(rep, "warm-up")  # content type and scope caches
    with CaptureQueriesContext(connection) as few:
        widgets(rep, "a", "b")
    with CaptureQueriesContext(connection) as many:
        widgets(rep, *[f"w{i}" for i in range(60)])
    assert len(many) == len(few)
    assert Widget.objects.count() == 63 and AuditEvent.objects.count() == 63


def test_a_failing_audit_write_rolls_the_records_back(org, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(records, "record_created", broken)
    with pytest.raises(RuntimeError):
        widgets(org.users["rep1"], "a", "b")
    assert not Widget.all_objects.exists()


def test_checked_records_are_written_once(org):
    rep = org.users["rep1"]
    checked = records.check_records(
        Widget, [{"name": "a", "owner": rep}, {"name": "", "owner": rep}]
    )
    with pytest.raises(InvalidRecord):
        records.create_checked(checked, actor=rep)
    (made,) = records.create_checked(checked, actor=rep, indexes=[0])
    with pytest.raises(ValueError, match="saved"):
        records.create_checked(checked, actor=rep, indexes=[0])
    assert list(Widget.objects.values_list("pk", flat=True)) == [made.pk]


def test_the_bulk_insert_keeps_the_guard(org):
    rep = org.users["rep1"]
    inserter = Inserter(Widget)
    row = {"name": "sneaky", "owner_id": rep.pk}
    with pytest.raises(UnauditedWriteError):
        inserter.insert([row], returning=True)
    assert not Widget.all_objects.exists()
    with audit_guard.audited_writes():
        (pk,) = inserter.insert([row], returning=True)
    widget = Widget.all_objects.get(pk=pk)
    assert (widget.name, widget.code, widget.version, widget.owner) == ("sneaky", "", 1, rep)
    assert widget.created_at is not None and widget.deleted_at is None


def test_the_bulk_insert_marks_records_saved_and_stamps_rows_with_the_given_time(org):
    """What the demo generators rely on: records (sales) and plain rows (customers)."""
    rep = org.users["rep1"]
    made = [Widget(name=f"w{i}", owner=rep, department=rep.department) for i in range(3)]
    at = timezone.now().replace(year=2020)
    with audit_guard.audited_writes(), CaptureQueriesContext(connection) as queries:
        Inserter(Widget).create(made)
        Inserter(WidgetPart).insert(
            [{"label": "p", "widget_id": made[0].pk}], returning=False, now=at
        )
    assert [w.pk for w in made] == list(Widget.objects.order_by("pk").values_list("pk", flat=True))
    assert not made[0]._state.adding
    part = WidgetPart.objects.get()
    assert part.widget == made[0] and part.created_at == at == part.updated_at
    # logged once each, with placeholders: no second query quoting the values for the log
    assert len(queries) == 2 and all("%s" in q["sql"] for q in queries.captured_queries)


def test_a_parent_written_after_the_check_is_checked_when_written(org):
    rep = org.users["rep1"]
    (widget,) = widgets(rep, "parent")
    checked = records.check_records(WidgetPart, [{"label": "a"}, {"label": "b"}], later={"widget"})
    assert checked.errors == [{}, {}]
    checked.records[0].widget = widget
    with pytest.raises(InvalidRecord) as caught:
        records.create_checked(checked, actor=rep)
    assert caught.value.index == 1 and set(caught.value.errors) == {"widget"}
    (part,) = records.create_checked(checked, actor=rep, indexes=[0])
    assert part.pk and WidgetPart.objects.get().widget == widget
    with pytest.raises(ValueError, match="foreign key"):
        records.check_records(WidgetPart, [{"label": "c"}], later={"label"})
