"""Schedules (日程安排): tasks and appointments linked to a customer, contact, lead or
opportunity."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OwnedRecord


class TaskKind(models.TextChoices):
    TASK = "task", _("Task (任务)")
    APPOINTMENT = "appointment", _("Appointment (约会)")
    REMINDER = "reminder", _("Reminder (提醒)")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Task(OwnedRecord):
    """A task (due at ``starts_at``) or an appointment (``starts_at`` → ``ends_at``)."""

    class Scope:
        module: ClassVar[str] = "sales"
        parent: ClassVar[str | None] = None

    kind = models.CharField(
        _("type"), max_length=12, choices=TaskKind.choices, default=TaskKind.TASK
    )
    subject = models.CharField(_("subject"), max_length=200)
    starts_at = models.DateTimeField(_("due / starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True, default="")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TaskStatus.choices,
        default=TaskStatus.OPEN,
        db_index=True,
    )
    done_at = models.DateTimeField(_("completed"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True, default="")
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sales_tasks",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sales_tasks",
    )
    lead = models.ForeignKey(
        "sales.Lead",
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    opportunity = models.ForeignKey(
        "sales.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    activity = models.ForeignKey(
        "customers.Activity",
        verbose_name=_("logged activity"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: What a reminder task is about ("instalment:12", "contract:7"): one reminder per subject.
    reminder_key = models.CharField(max_length=60, blank=True, default="", editable=False)

    class Meta(OwnedRecord.Meta):
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="sales_task_ends_after_start",
                violation_error_message=_("An appointment ends after it starts."),
            ),
            models.UniqueConstraint(
                fields=["reminder_key"],
                condition=~Q(reminder_key="") & Q(deleted_at__isnull=True),
                name="sales_task_one_reminder",
                violation_error_message=_("This reminder exists already."),
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "status", "starts_at"], name="sales_task_owner_idx")
        ]

    def __str__(self) -> str:
        return self.subject
