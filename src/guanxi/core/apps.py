from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "guanxi.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from guanxi.core import checks, jobs, navigation  # noqa: F401  (registers checks)
        from guanxi.core.services.org import can_manage_organisation
        from guanxi.core.services.role_permissions import sync_all_role_permissions

        jobs.autodiscover()
        navigation.register(
            "admin",
            navigation.NavItem(
                _("Module settings"), "core:settings_index", can_manage_organisation
            ),
        )
        post_migrate.connect(sync_all_role_permissions, dispatch_uid="guanxi-role-permissions")
