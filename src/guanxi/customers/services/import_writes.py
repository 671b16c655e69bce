"""The write phase of a customer import, inside the import's transaction.

New customers and their contacts are queued and written 500 at a time through the audited bulk
service (:func:`guanxi.core.services.records.create_records`); a chunk that fails is rolled back
to its savepoint and written again row by row, which names the failing row exactly as the
row-by-row import did. Rows matching a customer that exists go through the customer and contact
services one by one, but only when they change something: the matched customers and their
contacts are fetched once, so a re-run of the same file costs no query per row.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guanxi.core.errors import GuanxiError, InvalidInput, NotAllowed
from guanxi.core.imports import RowError
from guanxi.core.models import AuditEvent, ImportBatch
from guanxi.core.models.org import User
from guanxi.core.scopes import CHANGE
from guanxi.core.services import records
from guanxi.core.services.audit import json_value
from guanxi.customers.models import Contact, Customer
from guanxi.customers.services import contacts as contact_services
from guanxi.customers.services import customers as customer_services
from guanxi.customers.services.import_rows import Checks, CustomerIndex, ImportResult, Row

Progress = Callable[[str, int, int], None]

#: New customers per bulk write: one savepoint, a few INSERTs and scope queries each.
CHUNK = 500


class Abort(Exception):
    """Rolls the import's transaction back when a row fails at write time (atomic mode)."""


@dataclass
class _Queued:
    row: Row
    position: int  # of its checked customer in Checks.new
    taken: list[tuple[dict[Any, int], Any]]  # the index keys held for it until it is written


class Writer:
    """Writes the checked rows of one import in file order (see the module docstring)."""

    def __init__(
        self,
        *,
        actor: User,
        batch: ImportBatch,
        result: ImportResult,
        index: CustomerIndex,
        skip_invalid: bool,
        progress: Progress,
        total: int,
    ) -> None:
        self.actor = actor
        self.actor_pk = getattr(actor, "pk", None)
        self.batch = batch
        self.result = result
        self.index = index
        self.skip_invalid = skip_invalid
        self.progress = progress
        self.total = total
        self.done = 0
        self.queue: list[_Queued] = []
        self.checks = Checks(
            {}, records.Checked(Customer, [], []), {}, records.Checked(Contact, [], []), {}
        )
        self.customers: dict[int, Customer] = {}
        #: customer id → contact name → the contact a row with that name updates
        self.contacts: dict[int, dict[str, Contact]] = {}

    def write(self, rows: list[Row], checks: Checks) -> None:
        self.checks = checks
        self._fetch(set(checks.matches.values()))
        for row in rows:
            pk = checks.matches.get(row.line) or self._match(row)
            if pk is None:
                self._enqueue(row)
                continue
            customer = self.customers.get(pk)
            if customer is not None and self._unchanged(row, customer):
                # No write, so no savepoint; as update_customer does, keep the derived keys.
                customer_services.refresh_derived_keys(customer)
                self.result.unchanged += 1
            else:
                self._guarded(row, functools.partial(self._update, row, pk))
            self._advance(1)
        self._flush()

    # -- matched rows -------------------------------------------------------------------------

    def _fetch(self, pks: set[int]) -> None:
        """The matched customers, through the change scope, and their live contacts: once."""
        self.customers = Customer.objects.visible_to(self.actor, CHANGE).in_bulk(pks)
        listed = sorted(self.customers)
        for start in range(0, len(listed), CHUNK):
            rows = Contact.objects.filter(customer_id__in=listed[start : start + CHUNK])
            for contact in rows:  # the model's ordering: a name's primary, then oldest, first
                self.contacts.setdefault(contact.customer_id, {}).setdefault(contact.name, contact)

    def _match(self, row: Row) -> int | None:
        """An earlier row of the file may have created the customer: match it; a queued one is
        written first so the row updates it as the row-by-row import did."""
        pk = self.index.match(row.values)
        if pk is not None and pk < 0:
            self._flush()
            pk = self.index.match(row.values)
        return pk

    def _update(self, row: Row, pk: int) -> None:
        customer = self.customers.get(pk)
        if customer is None:  # left the actor's scope, or went to the bin, since the check
            # The message the row-by-row import's .get() gave in this case.
            raise Customer.DoesNotExist("Customer matching query does not exist.")
        before = customer.version
        customer = customer_services.update_customer(
            customer, actor=self.actor, expected_version=None, changes=row.values, batch=self.batch
        )
        if row.owner is not None and customer.owner_id != row.owner.pk:
            customer = customer_services.reassign_customers(
                [customer], actor=self.actor, new_owner=row.owner
            )[0]
        changed = customer.version != before
        if self._write_contact(row, customer):
            changed = True
        self.customers[pk] = customer
        if changed:
            self.result.updated += 1
        else:
            self.result.unchanged += 1

    def _unchanged(self, row: Row, customer: Customer) -> bool:
        """Whether the services would find nothing to change (compared as the audit compares)."""
        if row.owner is not None and customer.owner_id != row.owner.pk:
            return False
        for name, value in row.values.items():
            if json_value(getattr(customer, name)) != json_value(value):
                return False
        if not row.contact:
            return True
        contact = self.contacts.get(customer.pk, {}).get(row.contact["name"])
        return contact is not None and all(
            json_value(getattr(contact, name)) == json_value(value)
            for name, value in row.contact.items()
        )

    def _write_contact(self, row: Row, customer: Customer) -> bool:
        """Create or update the row's contact of a customer that exists."""
        if not row.contact:
            return False
        known = self.contacts.get(customer.pk, {})
        existing = known.get(row.contact["name"])
        if existing is None:
            contact = contact_services.create_contact(
                actor=self.actor,
                customer=customer,
                values={**row.contact, "is_primary": not known},
                batch=self.batch,
            )
            self.contacts.setdefault(customer.pk, {})[contact.name] = contact
            return True
        updated = contact_services.update_contact(
            existing, actor=self.actor, expected_version=None, changes=row.contact, batch=self.batch
        )
        known[updated.name] = updated
        return updated.version != existing.version

    # -- new customers ------------------------------------------------------------------------

    def _enqueue(self, row: Row) -> None:
        position = self.checks.new_index[row.line]
        customer = self.checks.new.records[position]
        slot = -(len(self.queue) + 1)  # a stand-in id: later rows of the file match it
        taken = self.index.add(
            slot,
            customer.code,
            customer.phone_key,
            customer.email_key,
            customer.name_key,
            customer.province,
        )
        self.queue.append(_Queued(row, position, taken))
        if len(self.queue) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        queued, self.queue = self.queue, []
        if not queued:
            return
        try:
            with transaction.atomic():
                made = self._create(queued)
        except (GuanxiError, IntegrityError):
            # Rolled back to the savepoint: write the chunk again row by row to name the row.
            for item in queued:
                CustomerIndex.settle(item.taken, None)
            for item in queued:
                self._guarded(item.row, functools.partial(self._create_one, item.row))
                self._advance(1)
            return
        for item, customer in zip(queued, made, strict=True):
            CustomerIndex.settle(item.taken, customer.pk)
        self.result.created += len(made)
        self._advance(len(made))

    def _create(self, queued: list[_Queued]) -> list[Customer]:
        """What create_customer and create_contact do for each row, in a few statements."""
        actor_owner = self.actor if self.actor_pk else None
        customers = records.create_checked(
            self.checks.new,
            actor=self.actor,
            batch=self.batch,
            indexes=[item.position for item in queued],
        )
        for position, item in enumerate(queued):
            owner = item.row.owner if item.row.owner is not None else self.actor
            if owner is None or getattr(owner, "pk", None) == getattr(actor_owner, "pk", None):
                continue
            if not records.may_hand_over_to(self.actor, owner, customer_services.MODULE):
                raise NotAllowed(_("You may not make this user the owner."))
            # Created in the actor's scope, then handed over, with its REASSIGN audit row.
            customers[position] = records.update_record(
                customers[position],
                actor=self.actor,
                expected_version=None,
                changes={"owner": owner},
                batch=self.batch,
                action=AuditEvent.Action.REASSIGN,
                check_scope=False,
            )
        with_contact = [
            (item, c) for item, c in zip(queued, customers, strict=True) if item.row.contact
        ]
        # The contacts were checked with the rows, as a new customer's first (primary) one:
        # there is no other contact to demote.
        positions = [self.checks.contact_index[item.row.line] for item, _c in with_contact]
        for (_item, customer), position in zip(with_contact, positions, strict=True):
            self.checks.contacts.records[position].customer = customer
        contacts = records.create_checked(
            self.checks.contacts, actor=self.actor, batch=self.batch, indexes=positions
        )
        for customer in customers:
            self.customers[customer.pk] = customer
        for (_item, customer), contact in zip(with_contact, contacts, strict=True):
            self.contacts[customer.pk] = {contact.name: contact}
        return customers

    def _create_one(self, row: Row) -> None:
        """The row-by-row create, for a chunk that failed. The writer's own records change
        only once both writes stand (a failing contact rolls its customer back)."""
        customer = customer_services.create_customer(
            actor=self.actor, values=row.values, owner=row.owner, batch=self.batch
        )
        contact = None
        if row.contact:
            contact = contact_services.create_contact(
                actor=self.actor,
                customer=customer,
                values={**row.contact, "is_primary": True},
                batch=self.batch,
            )
        self.index.add(
            customer.pk,
            customer.code,
            customer.phone_key,
            customer.email_key,
            customer.name_key,
            customer.province,
        )
        self.customers[customer.pk] = customer
        if contact is not None:
            self.contacts[customer.pk] = {contact.name: contact}
        self.result.created += 1

    # -- both ---------------------------------------------------------------------------------

    def _guarded(self, row: Row, write: Callable[[], None]) -> None:
        """Run one row's write; a failure is the row's error (skip_invalid: in a savepoint, so
        the other rows stay) or aborts the import."""
        try:
            with transaction.atomic() if self.skip_invalid else contextlib.nullcontext():
                write()
        except (GuanxiError, Customer.DoesNotExist, IntegrityError) as exc:
            # IntegrityError: a concurrent writer took the code between the check and the insert.
            reason = exc.errors if isinstance(exc, InvalidInput) else str(exc)
            self.result.errors.append(RowError(row.line, "", "", str(reason)))
            self.result.skipped += 1
            if not self.skip_invalid:
                raise Abort from exc

    def _advance(self, count: int) -> None:
        before, self.done = self.done, self.done + count
        if before // 200 != self.done // 200 or self.done == self.total:
            self.progress(_("Imported"), self.done, self.total)
