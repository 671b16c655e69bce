"""Merging two customer records: the kept one takes the chosen field values and every linked
record (contacts, activities and whatever later modules registered in ``customers.links``);
the merged-away one goes to the recycle bin. Everything is audited, in one transaction."""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.errors import InvalidInput, NotAllowed
from guanxi.core.models.audit import AuditEvent
from guanxi.core.models.org import User
from guanxi.core.scopes import CHANGE, can
from guanxi.core.services import records
from guanxi.core.services.audit import record_event
from guanxi.customers import links
from guanxi.customers.models import Customer
from guanxi.customers.services import customers as customer_services

#: Fields a merge may take from either record.
MERGE_FIELDS = tuple(f for f in customer_services.WRITABLE_FIELDS if f != "code")


def merge_customers(
    keep: Customer,
    remove: Customer,
    *,
    actor: User,
    take_from_removed: Collection[str] = (),
    keep_version: int | None = None,
    remove_version: int | None = None,
) -> Customer:
    """Merge ``remove`` into ``keep``. ``take_from_removed`` names the fields whose value the
    kept record takes from the removed one. The actor must be able to change both."""
    if keep.pk == remove.pk:
        raise InvalidInput({"remove": [_("Choose two different customers.")]})
    for record in (keep, remove):
        if not can(actor, record, CHANGE):
            raise NotAllowed(_("You may not change customer %(id)s.") % {"id": record.pk})
    fields = [f for f in take_from_removed if f in MERGE_FIELDS]
    unknown = sorted(set(take_from_removed) - set(MERGE_FIELDS))
    if unknown:
        raise InvalidInput({k: [_("This field cannot be merged.")] for k in unknown})
    with transaction.atomic():
        remove = Customer.objects.select_for_update().get(pk=remove.pk)
        if remove_version is not None and remove.version != remove_version:
            raise InvalidInput({"remove": [_("The record to merge away changed meanwhile.")]})
        changes = {f: getattr(remove, f) for f in fields}
        if "tags" not in fields and remove.tags:
            # Tags are a union rather than a choice.
            merged = keep.tag_list + [t for t in remove.tag_list if t not in keep.tag_list]
            changes["tags"] = merged
        elif "tags" in changes:
            changes["tags"] = remove.tag_list
        kept = customer_services.update_customer(
            keep, actor=actor, expected_version=keep_version, changes=changes
        )
        moved: dict[str, int] = {}
        for link in links.LINKS:
            rows = link.model.objects.filter(**{f"{link.field}_id": remove.pk})
            count = 0
            for row in rows:
                records.update_record(
                    row,
                    actor=actor,
                    expected_version=None,
                    changes={link.field: kept},
                    action=AuditEvent.Action.MERGE,
                    # the actor may change both customers (checked above); records with their
                    # own owner (orders, opportunities) follow the customer they belong to
                    check_scope=False,
                )
                count += 1
            moved[link.model._meta.label] = count
        records.soft_delete(remove, actor=actor)
        record_event(
            kept,
            actor=actor,
            action=AuditEvent.Action.MERGE,
            changes={"merged_from": [remove.pk, None], "moved": [None, moved]},
        )
        record_event(
            remove,
            actor=actor,
            action=AuditEvent.Action.MERGE,
            changes={"merged_into": [None, kept.pk]},
        )
    return kept
