"""The import's write phase: chunks of new customers, same-file matches, write-time failures,
the owner hand-over, and a cost in queries that does not grow with the rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.core.models import AuditEvent, ImportBatch
from guanxi.customers.models import Contact, Customer
from guanxi.customers.services import import_writes, importing
from tests.customers.test_import import csv_bytes, run

pytestmark = pytest.mark.django_db

HEADER = ["name", "phone", "email", "province", "notes", "contact_name", "contact_mobile"]


def rows(count: int, start: int = 0) -> list[list[str]]:
    return [
        [f"Company {i}", f"1380000{i:04d}", f"c{i}@example.cn", "广东省", "", f"Person {i}", ""]
        for i in range(start, start + count)
    ]


@pytest.fixture
def small_chunks(monkeypatch: Any) -> None:
    monkeypatch.setattr(import_writes, "CHUNK", 3)


def test_new_customers_are_written_in_chunks_with_their_audit_rows(
    org: Any, small_chunks: None
) -> None:
    result = run(org, csv_bytes(rows(8), HEADER))
    assert (result.created, result.updated, result.skipped) == (8, 0, 0) and result.written
    assert Customer.objects.count() == 8 and Contact.objects.count() == 8
    assert set(Contact.objects.values_list("is_primary", flat=True)) == {True}
    customer = Customer.objects.get(name="Company 5")
    assert (
        customer.owner == org.users["rep1"] and customer.department == org.users["rep1"].department
    )
    assert customer.phone_key == "13800000005" and "company5" in customer.search_text
    assert customer.contacts.get().name == "Person 5"
    created = AuditEvent.objects.filter(batch_id=result.batch_id, action="create")
    assert created.count() == 16
    event = created.get(object_id=customer.pk, content_type__model="customer")
    assert event.changes["name"] == [None, "Company 5"] and event.actor == org.users["rep1"]
    assert ImportBatch.objects.get(pk=result.batch_id).counts["created"] == 8


def test_a_row_matching_an_earlier_row_of_the_file_updates_it(org: Any, small_chunks: None) -> None:
    data = rows(2)
    data.append(["Company 0 Ltd.", "13800000000", "", "广东省", "again", "Person 0", "13900000000"])
    data.append(["Company 1", "", "c1@example.cn", "广东省", "", "Second person", ""])
    result = run(org, csv_bytes(data, HEADER))
    assert (result.created, result.updated, result.unchanged) == (2, 2, 0), result.errors
    first = Customer.objects.get(phone_key="13800000000")
    assert first.notes == "again" and first.name == "Company 0 Ltd." and first.version == 2
    assert first.contacts.get().mobile == "13900000000"
    second = Customer.objects.get(email_key="c1@example.cn")
    assert sorted(second.contacts.values_list("name", "is_primary")) == [
        ("Person 1", True),
        ("Second person", False),
    ]
    again = run(org, csv_bytes(data, HEADER))
    # Line 2 renames Company 0 Ltd. back to Company 0, and line 4 renames it again.
    assert (again.created, again.updated, again.unchanged) == (0, 2, 2)


def test_rerun_changes_nothing_and_costs_no_query_per_row(org: Any) -> None:
    run(org, csv_bytes(rows(3), HEADER))
    run(org, csv_bytes(rows(30, start=3), HEADER))
    events = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as few:
        small = run(org, csv_bytes(rows(3), HEADER))
    with CaptureQueriesContext(connection) as many:
        large = run(org, csv_bytes(rows(33), HEADER))
    assert (small.unchanged, large.unchanged, large.created, large.updated) == (3, 33, 0, 0)
    assert len(many) == len(few)
    assert AuditEvent.objects.count() == events


def test_new_customers_cost_no_query_per_row(org: Any) -> None:
    with CaptureQueriesContext(connection) as few:
        run(org, csv_bytes(rows(3), HEADER))
    with CaptureQueriesContext(connection) as many:
        run(org, csv_bytes(rows(40, start=3), HEADER))
    assert Customer.objects.count() == 43
    # Only the INSERTs grow, in batches of the backend's parameter limit (16 customers a
    # statement on SQLite, one statement on PostgreSQL).
    assert len(many) <= len(few) + 3


def test_a_changed_contact_or_owner_is_an_update(org: Any) -> None:
    run(org, csv_bytes(rows(2), HEADER))
    changed = rows(2)
    changed[1][6] = "13911112222"
    result = run(org, csv_bytes(changed, HEADER))
    assert (result.updated, result.unchanged) == (1, 1)
    assert Contact.objects.get(name="Person 1").mobile == "13911112222"
    result = run(org, csv_bytes([["Company 0", "广东省", "rep2"]], ["name", "province", "owner"]))
    assert result.updated == 1
    assert Customer.objects.get(name="Company 0").owner == org.users["rep2"]


def test_owner_column_hands_new_customers_over_with_a_reassign_row(
    org: Any, small_chunks: None
) -> None:
    data = [["A Co", "rep2"], ["B Co", ""], ["C Co", "rep1"], ["D Co", "rep2"]]
    result = run(org, csv_bytes(data, ["name", "owner"]))
    assert result.created == 4, result.errors
    owners = dict(Customer.objects.values_list("name", "owner__username"))
    assert owners == {"A Co": "rep2", "B Co": "rep1", "C Co": "rep1", "D Co": "rep2"}
    handed = AuditEvent.objects.filter(batch_id=result.batch_id, action="reassign")
    assert sorted(handed.values_list("object_repr", flat=True))[0].startswith("A Co")
    assert handed.count() == 2
    a_co = Customer.objects.get(name="A Co")
    assert a_co.department == org.users["rep2"].department and a_co.version == 2


def _code_taken_after_the_checks(org: Any, monkeypatch: Any, code: str) -> None:
    """A concurrent writer takes a code between the import's checks and its write."""
    from guanxi.customers.services.customers import create_customer

    checks = importing.validate

    def validate_then_race(*args: Any, **kwargs: Any) -> Any:
        found = checks(*args, **kwargs)
        create_customer(actor=org.users["rep2"], values={"name": "Racer", "code": code})
        return found

    monkeypatch.setattr(importing, "validate", validate_then_race)


def test_a_write_time_failure_in_skip_mode_names_the_row_and_keeps_the_others(
    org: Any, monkeypatch: Any, small_chunks: None
) -> None:
    _code_taken_after_the_checks(org, monkeypatch, "RACE-1")
    data = [[f"R{i}", f"RACE-{i}"] for i in range(5)]
    result = run(org, csv_bytes(data, ["name", "code"]), skip_invalid=True)
    assert result.written and result.bad_lines == [3]
    assert "code" in result.errors[0].reason
    assert result.created == 4 and result.skipped == 1
    assert sorted(Customer.objects.values_list("name", flat=True)) == [
        "R0",
        "R2",
        "R3",
        "R4",
        "Racer",
    ]
    assert AuditEvent.objects.filter(batch_id=result.batch_id, action="create").count() == 4


def test_a_write_time_failure_in_atomic_mode_writes_nothing(
    org: Any, monkeypatch: Any, small_chunks: None
) -> None:
    _code_taken_after_the_checks(org, monkeypatch, "RACE-4")
    data = [[f"R{i}", f"RACE-{i}"] for i in range(5)]
    result = run(org, csv_bytes(data, ["name", "code"]))
    assert not result.written and result.bad_lines == [6]
    assert (result.created, result.updated) == (0, 0)
    assert list(Customer.objects.values_list("name", flat=True)) == ["Racer"]
    assert ImportBatch.objects.get(pk=result.batch_id).status == "failed"
    assert not AuditEvent.objects.filter(batch_id=result.batch_id).exists()


def test_rows_outside_the_actors_change_scope_are_refused_one_by_one(
    org: Any, small_chunks: None
) -> None:
    """A user who sees customers but changes none (service1) creates none, by any path."""
    result = run(org, csv_bytes(rows(4), HEADER), user="service1", skip_invalid=True)
    assert result.bad_lines == [2, 3, 4, 5] and result.created == 0
    assert all("scope" in error.reason for error in result.errors)
    assert not Customer.objects.exists() and not Contact.objects.exists()
    assert not AuditEvent.objects.filter(batch_id=result.batch_id).exists()
