from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from guanxi.core.modules import ModuleSpec, NavItem, RoleSpec

if TYPE_CHECKING:
    from guanxi.core.demo import DemoContext


class CustomersConfig(AppConfig):
    name = "guanxi.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from guanxi.core import dashboard, modules, team
        from guanxi.core.resources.api_routes import add_router
        from guanxi.customers import cli, links, panels, resources
        from guanxi.customers.api import router
        from guanxi.customers.dashboard import customers_panel
        from guanxi.customers.demo import generate
        from guanxi.customers.models import Activity, Contact, Customer

        modules.register(customers_module(generate))
        dashboard.register(
            dashboard.Panel(
                "customers", "customers/_dashboard_panel.html", customers_panel, order=10
            )
        )
        cli.register()
        team.register(Customer, "customers:customer_detail")
        panels.register(
            "team", "core/_team_panel.html", team.panel_context, order=5, title=_("Team members")
        )
        links.register(Contact, "customer")
        links.register(Activity, "customer")
        resources.register_all()
        add_router(router)


def _may_view(user: Any) -> bool:
    from guanxi.core.scopes import may_act

    return may_act(user, "customers", "view")


def _may_change(user: Any) -> bool:
    from guanxi.core.scopes import may_act

    return may_act(user, "customers", "change")


def customers_module(demo: Callable[[DemoContext], None]) -> ModuleSpec:
    """The customers module's declaration: navigation and the roles that only read customers.

    Service agents and marketing specialists are declared here until the service and marketing
    modules exist: they read the whole customer base and change none of it. Their modules
    will take the declarations over (same codes, so no data migration).
    """
    return ModuleSpec(
        code="customers",
        label=_("Customers"),
        order=10,
        nav_items=(
            NavItem(_("Customers (客户)"), "customers:customer_list", _may_view),
            NavItem(_("Contacts (联系人)"), "customers:contact_list", _may_view),
            NavItem(_("Communication records (沟通记录)"), "customers:activity_list", _may_view),
            NavItem(_("Duplicate check (查重)"), "customers:duplicate_check", _may_view),
            NavItem(_("Duplicates and merge"), "customers:duplicate_list", _may_change),
            NavItem(_("Import"), "customers:import", _may_change),
            NavItem(_("Recycle bin"), "customers:customer_bin", _may_change),
        ),
        roles=(
            RoleSpec(
                "service_agent",
                _("Service agent"),
                intro=_("Open tickets and customers waiting for an answer."),
                scopes={"customers": ("all", "none")},
            ),
            RoleSpec(
                "marketing",
                _("Marketing specialist"),
                intro=_("Segments and campaigns, and what they returned."),
                scopes={"customers": ("all", "none")},
            ),
        ),
        demo=demo,
    )
