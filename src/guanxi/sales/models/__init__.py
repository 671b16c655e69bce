"""Sales models, one module per concept."""

from guanxi.sales.models.catalogue import (
    Pipeline,
    PriceList,
    PriceListItem,
    Product,
    ProductCategory,
    Stage,
    StageKind,
    may_edit_catalogue,
)
from guanxi.sales.models.competitors import Competitor
from guanxi.sales.models.orders import (
    REVENUE_STATUSES,
    Instalment,
    InstalmentStatus,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from guanxi.sales.models.pipeline import (
    Lead,
    LeadRoundRobin,
    LeadStatus,
    Opportunity,
    OpportunityLine,
    StageHistory,
)
from guanxi.sales.models.schedule import Task, TaskKind, TaskStatus

__all__ = [
    "REVENUE_STATUSES",
    "Competitor",
    "Instalment",
    "InstalmentStatus",
    "Lead",
    "LeadRoundRobin",
    "LeadStatus",
    "Opportunity",
    "OpportunityLine",
    "Order",
    "OrderLine",
    "OrderStatus",
    "Payment",
    "PaymentMethod",
    "PaymentStatus",
    "Pipeline",
    "PriceList",
    "PriceListItem",
    "Product",
    "ProductCategory",
    "Stage",
    "StageHistory",
    "StageKind",
    "Task",
    "TaskKind",
    "TaskStatus",
    "may_edit_catalogue",
]
