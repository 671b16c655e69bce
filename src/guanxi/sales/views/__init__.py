"""Sales pages, one module per concept: declarations on the generic views, plus the board,
calendar, conversion, order actions, receivables, reports and import. Thin: parse, call a
service, render."""

from guanxi.sales.views.bins import (
    LeadBin,
    LeadRestore,
    OpportunityBin,
    OpportunityRestore,
    OrderBin,
    OrderRestore,
    TaskBin,
    TaskRestore,
)
from guanxi.sales.views.competitors import (
    CompetitorBin,
    CompetitorDelete,
    CompetitorEdit,
    CompetitorList,
    CompetitorRestore,
)
from guanxi.sales.views.importing import (
    import_errors,
    import_page,
    import_template,
)
from guanxi.sales.views.leads import (
    LeadAssign,
    LeadDelete,
    LeadDetail,
    LeadEdit,
    LeadList,
    lead_convert,
)
from guanxi.sales.views.opportunities import (
    OpportunityDelete,
    OpportunityDetail,
    OpportunityEdit,
    OpportunityList,
    board,
    opportunity_lines,
    opportunity_move,
)
from guanxi.sales.views.orders import (
    OrderDelete,
    OrderDetail,
    OrderEdit,
    OrderList,
    PaymentList,
    order_action,
    payment_reverse,
    receivables_page,
)
from guanxi.sales.views.products import (
    ProductDelete,
    ProductEdit,
    ProductList,
)
from guanxi.sales.views.reports import (
    report_index,
    report_page,
)
from guanxi.sales.views.schedule import (
    TaskDelete,
    TaskDetail,
    TaskEdit,
    TaskList,
    calendar,
    task_complete,
    task_log,
)

__all__ = [
    "CompetitorBin",
    "CompetitorDelete",
    "CompetitorEdit",
    "CompetitorList",
    "CompetitorRestore",
    "LeadAssign",
    "LeadBin",
    "LeadDelete",
    "LeadDetail",
    "LeadEdit",
    "LeadList",
    "LeadRestore",
    "OpportunityBin",
    "OpportunityDelete",
    "OpportunityDetail",
    "OpportunityEdit",
    "OpportunityList",
    "OpportunityRestore",
    "OrderBin",
    "OrderDelete",
    "OrderDetail",
    "OrderEdit",
    "OrderList",
    "OrderRestore",
    "PaymentList",
    "ProductDelete",
    "ProductEdit",
    "ProductList",
    "TaskBin",
    "TaskDelete",
    "TaskDetail",
    "TaskEdit",
    "TaskList",
    "TaskRestore",
    "board",
    "calendar",
    "import_errors",
    "import_page",
    "import_template",
    "lead_convert",
    "opportunity_lines",
    "opportunity_move",
    "order_action",
    "payment_reverse",
    "receivables_page",
    "report_index",
    "report_page",
    "task_complete",
    "task_log",
]
