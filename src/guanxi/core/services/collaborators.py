"""Team members (团队成员) of a record: who may name them, and the audited changes.

A team member sees the record (read-only) or also changes it (read-write), whatever their role
scope says; `guanxi.core.scopes.restrict` reads the same rows. Naming team members is part of
owning a record: it takes the record inside the actor's own role change scope (the owner, the
owner's managers, administrators). Being a read-write team member is not enough, so access
cannot be passed on by people who were only lent it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from guanxi.core.errors import InvalidInput, NotAllowed
from guanxi.core.models.audit import AuditEvent
from guanxi.core.models.org import User
from guanxi.core.models.records import Collaborator
from guanxi.core.scopes import CHANGE, within_role_scope
from guanxi.core.services.audit import record_event

__all__ = ["may_manage_team", "remove_team_member", "set_team_member", "team_of"]


def may_manage_team(actor: User, record: Any) -> bool:
    """Whether ``actor`` may add, change or remove the record's team members."""
    return within_role_scope(actor, record, CHANGE)


def team_of(record: Any) -> list[Collaborator]:
    """The record's team members, by user name."""
    return list(_rows(record).select_related("user").order_by("user__first_name", "user__username"))


def set_team_member(
    record: Any, *, actor: User, user: User | None, can_change: bool
) -> Collaborator:
    """Add ``user`` to the record's team, or change their access; audited on the record."""
    _check_manager(actor, record)
    if user is None or not getattr(user, "is_active", False):
        raise InvalidInput({"user": [_("Choose an active user.")]})
    if getattr(record, "owner_id", None) == user.pk:
        raise InvalidInput({"user": [_("The owner already has full access to this record.")]})
    with transaction.atomic():
        member = _rows(record).select_for_update().filter(user=user).first()
        before = _label(member) if member is not None else None
        if member is None:
            member = Collaborator.objects.create(
                content_type=ContentType.objects.get_for_model(type(record)),
                object_id=record.pk,
                user=user,
                can_change=can_change,
            )
        elif member.can_change != can_change:
            member.can_change = can_change
            member.save(update_fields=["can_change"])
        else:
            return member
        _audit(record, actor, before, _label(member))
    return member


def remove_team_member(record: Any, *, actor: User, user: User) -> None:
    """Take ``user`` off the record's team (nothing to do if they are not on it)."""
    _check_manager(actor, record)
    with transaction.atomic():
        member = _rows(record).select_for_update().filter(user=user).first()
        if member is None:
            return
        before = _label(member)
        member.delete()
        _audit(record, actor, before, None)


def _rows(record: Any) -> QuerySet[Collaborator]:
    return Collaborator.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
    )


def _check_manager(actor: User, record: Any) -> None:
    if not may_manage_team(actor, record):
        raise NotAllowed(_("Only the owner and their managers may change the team."))


def _label(member: Collaborator) -> str:
    # the audit trail stores data, not the actor's language (like a choice field's value)
    return f"{member.user} ({'read-write' if member.can_change else 'read-only'})"


def _audit(record: Any, actor: User, before: str | None, after: str | None) -> None:
    record_event(
        record,
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        changes={"collaborators": [before, after]},
    )
