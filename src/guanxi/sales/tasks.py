"""Daily jobs of the sales module (registered through ``core.jobs.daily``; idempotent: each
claims its day, and a reminder exists at most once per instalment or contract)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core import audit_guard, jobs
from guanxi.core.models.org import User
from guanxi.core.services import records


def refresh_instalment_statuses(day: dt.date) -> int:
    """Store each live instalment's status of ``day`` (paid, overdue, partly paid, pending).

    Bookkeeping columns only (the status is derived; the API and pages compute it when asked),
    so one UPDATE per status instead of a write per row.
    """
    from guanxi.sales.models import Instalment, InstalmentStatus

    live = Instalment.objects.all()
    targets = {
        InstalmentStatus.PAID: live.filter(paid_amount__gte=F("amount")),
        InstalmentStatus.OVERDUE: live.filter(paid_amount__lt=F("amount"), due_date__lt=day),
        InstalmentStatus.PARTLY_PAID: live.filter(
            paid_amount__gt=0, paid_amount__lt=F("amount"), due_date__gte=day
        ),
        InstalmentStatus.PENDING: live.filter(paid_amount=0, due_date__gte=day),
    }
    changed = 0
    with transaction.atomic(), audit_guard.audited_writes():
        for status, rows in targets.items():
            changed += rows.exclude(status=status).update(status=status)
    return changed


def _remind(
    key: str, owner: User | None, subject: str, day: dt.date, values: dict[str, Any]
) -> bool:
    from guanxi.sales.models import Task, TaskKind

    if owner is None or Task.all_objects.filter(reminder_key=key).exists():
        return False
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    try:
        with transaction.atomic():
            records.create_record(
                Task,
                actor=None,
                check_scope=False,
                values={
                    "kind": TaskKind.REMINDER,
                    "subject": subject[:200],
                    "starts_at": starts,
                    "owner": owner,
                    "reminder_key": key,
                    **values,
                },
            )
    except IntegrityError:  # the same reminder created by a parallel run
        return False
    return True


def send_reminders(day: dt.date) -> dict[str, int]:
    """Reminder tasks for the owners: instalments due within their reminder days, contracts
    ending within their expiry-reminder days."""
    from guanxi.sales.models import REVENUE_STATUSES, Instalment, Order

    sent = {"instalments": 0, "contracts": 0}
    horizon = day + dt.timedelta(days=90)
    due = Instalment.objects.filter(
        order__status__in=REVENUE_STATUSES,
        order__deleted_at__isnull=True,
        paid_amount__lt=F("amount"),
        due_date__gte=day,
        due_date__lte=horizon,
    ).select_related("order__owner", "order__customer")
    for instalment in due:
        if (instalment.due_date - day).days > instalment.reminder_days:
            continue
        order = instalment.order
        subject = _("Payment due %(date)s: %(order)s #%(n)s, %(amount)s") % {
            "date": instalment.due_date.isoformat(),
            "order": order.number,
            "n": instalment.number,
            "amount": instalment.amount - instalment.paid_amount,
        }
        if _remind(
            f"instalment:{instalment.pk}", order.owner, subject, day, {"customer": order.customer}
        ):
            sent["instalments"] += 1
    contracts = Order.objects.filter(
        status__in=REVENUE_STATUSES,
        contract_end__gte=day,
        contract_end__lte=day + dt.timedelta(days=366),
    ).select_related("owner", "customer")
    for order in contracts:
        if (order.contract_end - day).days > order.expiry_reminder_days:
            continue
        subject = _("Contract %(number)s ends %(date)s") % {
            "number": order.contract_number or order.number,
            "date": order.contract_end.isoformat(),
        }
        if _remind(
            f"contract:{order.pk}:{order.contract_end.isoformat()}",
            order.owner,
            subject,
            day,
            {"customer": order.customer},
        ):
            sent["contracts"] += 1
    return sent


@jobs.daily("sales.receivables", hour=1, minute=30)
def daily_receivables(day: dt.date) -> dict[str, Any]:
    """Keep instalment statuses current (overdue …) and send payment and contract reminders."""
    changed = refresh_instalment_statuses(day)
    sent = send_reminders(day)
    return {"day": day.isoformat(), "statuses_changed": changed, **sent}
