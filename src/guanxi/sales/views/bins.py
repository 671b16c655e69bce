"""Recycle bins and restore of leads, opportunities, tasks and orders."""

from __future__ import annotations

from typing import Any

from guanxi.core.views import generic
from guanxi.sales.models import (
    Lead,
    Opportunity,
    Order,
    Task,
)
from guanxi.sales.services import (
    leads,
    opportunities,
    orders,
    tasks,
)


class LeadBin(generic.RecycleBinView):
    model = Lead
    url_prefix = "sales:lead"


class LeadRestore(generic.ObjectRestoreView):
    model = Lead
    url_prefix = "sales:lead"

    def restore(self, obj: Any) -> None:
        leads.restore_lead(obj, actor=self.actor)


class OpportunityBin(generic.RecycleBinView):
    model = Opportunity
    url_prefix = "sales:opportunity"


class OpportunityRestore(generic.ObjectRestoreView):
    model = Opportunity
    url_prefix = "sales:opportunity"

    def restore(self, obj: Any) -> None:
        opportunities.restore_opportunity(obj, actor=self.actor)


class TaskBin(generic.RecycleBinView):
    model = Task
    url_prefix = "sales:task"


class TaskRestore(generic.ObjectRestoreView):
    model = Task
    url_prefix = "sales:task"

    def restore(self, obj: Any) -> None:
        tasks.restore_task(obj, actor=self.actor)


class OrderBin(generic.RecycleBinView):
    model = Order
    url_prefix = "sales:order"


class OrderRestore(generic.ObjectRestoreView):
    model = Order
    url_prefix = "sales:order"

    def restore(self, obj: Any) -> None:
        orders.restore_order(obj, actor=self.actor)
