from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "guanxi.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from guanxi.core import dashboard, demo, navigation, team
        from guanxi.core.api import api
        from guanxi.customers import cli, links, panels
        from guanxi.customers.api import router
        from guanxi.customers.dashboard import customers_panel
        from guanxi.customers.demo import generate
        from guanxi.customers.models import Activity, Contact, Customer

        def may_change(user: object) -> bool:
            from guanxi.core.scopes import effective_scope

            return effective_scope(user, "customers", "change") != "none"

        for item in [
            navigation.NavItem(_("Customers (客户)"), "customers:customer_list"),
            navigation.NavItem(_("Contacts (联系人)"), "customers:contact_list"),
            navigation.NavItem(_("Communication records (沟通记录)"), "customers:activity_list"),
            navigation.NavItem(_("Duplicate check (查重)"), "customers:duplicate_check"),
            navigation.NavItem(_("Duplicates and merge"), "customers:duplicate_list", may_change),
            navigation.NavItem(_("Import"), "customers:import", may_change),
            navigation.NavItem(_("Recycle bin"), "customers:customer_bin", may_change),
        ]:
            navigation.register("customers", item)
        dashboard.register(
            dashboard.Panel(
                "customers", "customers/_dashboard_panel.html", customers_panel, order=10
            )
        )
        demo.register("customers", generate, order=10)
        cli.register()
        team.register(Customer, "customers:customer_detail")
        panels.register(
            "team", "core/_team_panel.html", team.panel_context, order=5, title=_("Team members")
        )
        links.register(Contact, "customer")
        links.register(Activity, "customer")
        # The project's API mounts each app's router; URLs are resolved after ready(), so
        # mounting here reaches /api/v1/ without core importing this app.
        if not any(prefix == "/" and r is router for prefix, r in api._routers):
            api.add_router("/", router)
