from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "guanxi.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from guanxi.core import checks, jobs, navigation, platform_roles  # noqa: F401
        from guanxi.core.services.org import (
            can_manage_organisation,
            install_default_roles_after_migrate,
        )
        from guanxi.core.services.role_permissions import sync_all_role_permissions

        platform_roles.register()
        from guanxi.core import team_resource

        team_resource.register_all()
        jobs.autodiscover()
        # Roles and default scopes of every registered module (a new module's roles appear
        # without a core migration); once, when core's turn comes, before the permissions.
        post_migrate.connect(
            install_default_roles_after_migrate, sender=self, dispatch_uid="guanxi-default-roles"
        )
        navigation.register(
            "admin",
            navigation.NavItem(
                _("Module settings"), "core:settings_index", can_manage_organisation
            ),
        )
        post_migrate.connect(sync_all_role_permissions, dispatch_uid="guanxi-role-permissions")
