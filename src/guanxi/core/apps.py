from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "guanxi.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from guanxi.core import checks, jobs  # noqa: F401  (registers checks)
        from guanxi.core.services.role_permissions import sync_all_role_permissions

        jobs.autodiscover()
        post_migrate.connect(sync_all_role_permissions, dispatch_uid="guanxi-role-permissions")
