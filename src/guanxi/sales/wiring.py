"""How the sales module plugs into the platform and the customers module (called from
``SalesConfig.ready()``): the API router, merge links, 360° panels, the home dashboard, the
module declaration (navigation, roles, demo generator) and the CLI commands. Core and customers
never import sales."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from guanxi.core.models.org import User


def connect() -> None:
    _register_order_resources()
    _register_pipeline_resources()
    _mount_api()
    _register_links()
    _register_panels()
    _register_module()
    _register_dashboard()
    _register_commands()


def _register_order_resources() -> None:
    from guanxi.sales import resources_orders

    resources_orders.register_all()


def _register_pipeline_resources() -> None:
    from guanxi.sales import resources_pipeline

    resources_pipeline.register_all()


def _mount_api() -> None:
    from guanxi.core.resources.api_routes import add_router
    from guanxi.sales import resources
    from guanxi.sales.api import router

    resources.register_all()
    add_router(router)


def _register_links() -> None:
    """Records a customer merge moves to the kept customer; records with a team."""
    from guanxi.core import team
    from guanxi.customers import links
    from guanxi.sales.models import Lead, Opportunity, Order, Payment, Task

    links.register(Opportunity, "customer")
    links.register(Order, "customer")
    links.register(Payment, "customer")
    links.register(Task, "customer")
    links.register(Lead, "converted_customer")
    team.register(Opportunity, "sales:opportunity_detail")


def _register_panels() -> None:
    from guanxi.customers import panels
    from guanxi.sales import panels as sales_panels

    panels.register(
        "sales_summary",
        "sales/panels/summary.html",
        sales_panels.summary,
        order=15,
        title=_("Sales (销售)"),
    )
    panels.register(
        "opportunities",
        "sales/panels/opportunities.html",
        sales_panels.opportunities,
        order=16,
        title=_("Open opportunities (商机)"),
    )
    panels.register(
        "orders",
        "sales/panels/orders.html",
        sales_panels.orders,
        order=20,
        title=_("Orders (订单)"),
    )
    panels.register(
        "payments",
        "sales/panels/payments.html",
        sales_panels.payments,
        order=21,
        title=_("Payments (回款)"),
    )
    panels.register(
        "receivables",
        "sales/panels/receivables.html",
        sales_panels.receivables,
        order=22,
        title=_("Receivables (应收)"),
    )


def _may_edit_catalogue(user: User) -> bool:
    from guanxi.sales.models import may_edit_catalogue

    return may_edit_catalogue(user)


def _in_sales(user: User) -> bool:
    from guanxi.core.scopes import may_act

    return may_act(user, "sales", "view")


def _register_module() -> None:
    """The sales module: its navigation, the sales roles, the demo generator.

    Sales managers see and change their department subtree, representatives their own records,
    in customers and in sales alike; the customer-reading roles (service agents, marketing)
    see every sales record and change none.
    """
    from guanxi.core import modules
    from guanxi.core.modules import ModuleSpec, NavItem, RoleSpec
    from guanxi.sales.demo import generate

    tree, own = ("department_tree", "department_tree"), ("own", "own")
    modules.register(
        ModuleSpec(
            code="sales",
            label=_("Sales"),
            order=20,
            nav_items=(
                NavItem(_("Leads (线索)"), "sales:lead_list", _in_sales),
                NavItem(_("Opportunities (商机)"), "sales:opportunity_list", _in_sales),
                NavItem(_("Pipeline board"), "sales:board", _in_sales),
                NavItem(_("Schedule (日程)"), "sales:calendar", _in_sales),
                NavItem(_("Tasks"), "sales:task_list", _in_sales),
                NavItem(_("Orders and contracts (订单/合同)"), "sales:order_list", _in_sales),
                NavItem(_("Payments (回款)"), "sales:payment_list", _in_sales),
                NavItem(_("Accounts receivable (应收)"), "sales:receivables", _in_sales),
                NavItem(_("Reports (报表)"), "sales:reports", _in_sales),
                NavItem(_("Products (产品)"), "sales:product_list"),
                NavItem(_("Competitors (竞争对手)"), "sales:competitor_list"),
                NavItem(_("Import orders"), "sales:import", _in_sales),
            ),
            roles=(
                RoleSpec(
                    "sales_manager",
                    _("Sales manager"),
                    intro=_("Your department's customers, pipeline and targets at a glance."),
                    scopes={"customers": tree, "sales": tree},
                ),
                RoleSpec(
                    "sales_rep",
                    _("Sales representative"),
                    intro=_("Whom to contact today, your customers and your open deals."),
                    scopes={"customers": own, "sales": own},
                ),
            ),
            grants={"service_agent": ("all", "none"), "marketing": ("all", "none")},
            demo=generate,
        )
    )


def _register_dashboard() -> None:
    from guanxi.core import dashboard
    from guanxi.sales.panels import dashboard_panel

    dashboard.register(
        dashboard.Panel("sales", "sales/_dashboard_panel.html", dashboard_panel, order=20)
    )


def _register_commands() -> None:
    from guanxi.sales import cli

    cli.register()
