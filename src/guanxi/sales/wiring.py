"""How the sales module plugs into the platform and the customers module (called from
``SalesConfig.ready()``): the API router, merge links, 360° panels, navigation, the home
dashboard, the demo generator and the CLI commands. Core and customers never import sales."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


def connect() -> None:
    _mount_api()
    _register_links()
    _register_panels()
    _register_navigation()
    _register_dashboard()
    _register_demo()
    _register_commands()


def _mount_api() -> None:
    from guanxi.core.api import api
    from guanxi.sales.api import router

    # The project's API mounts each app's router; URLs are resolved after ready(), so mounting
    # here reaches /api/v1/ without core importing this app (as the customers module does).
    if not any(prefix == "/" and r is router for prefix, r in api._routers):
        api.add_router("/", router)


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


def _may_edit_catalogue(user: Any) -> bool:
    from guanxi.sales.models import may_edit_catalogue

    return may_edit_catalogue(user)


def _in_sales(user: Any) -> bool:
    from guanxi.core.scopes import effective_scope

    return effective_scope(user, "sales", "view") != "none"


def _register_navigation() -> None:
    from guanxi.core import navigation

    for item in [
        navigation.NavItem(_("Leads (线索)"), "sales:lead_list", _in_sales),
        navigation.NavItem(_("Opportunities (商机)"), "sales:opportunity_list", _in_sales),
        navigation.NavItem(_("Pipeline board"), "sales:board", _in_sales),
        navigation.NavItem(_("Schedule (日程)"), "sales:calendar", _in_sales),
        navigation.NavItem(_("Tasks"), "sales:task_list", _in_sales),
        navigation.NavItem(_("Orders and contracts (订单/合同)"), "sales:order_list", _in_sales),
        navigation.NavItem(_("Payments (回款)"), "sales:payment_list", _in_sales),
        navigation.NavItem(_("Accounts receivable (应收)"), "sales:receivables", _in_sales),
        navigation.NavItem(_("Reports (报表)"), "sales:reports", _in_sales),
        navigation.NavItem(_("Products (产品)"), "sales:product_list"),
        navigation.NavItem(_("Import orders"), "sales:import", _in_sales),
    ]:
        navigation.register("sales", item)


def _register_dashboard() -> None:
    from guanxi.core import dashboard
    from guanxi.sales.panels import dashboard_panel

    dashboard.register(
        dashboard.Panel("sales", "sales/_dashboard_panel.html", dashboard_panel, order=20)
    )


def _register_demo() -> None:
    from guanxi.core import demo
    from guanxi.sales.demo import generate

    demo.register("sales", generate, order=20)


def _register_commands() -> None:
    from guanxi.sales import cli

    cli.register()
