"""The roles core itself owns: they span every registered module, whatever modules exist.

The administrator sees and changes everything and manages the organisation; the analyst sees
everything and changes nothing (customer value analytics read across modules). Business
roles (sales representatives, service agents, ...) are declared by their modules.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from guanxi.core.modules import RoleSpec, register_platform_role

ADMINISTRATOR = "administrator"
ANALYST = "analyst"

PLATFORM_ROLES = (
    RoleSpec(
        ADMINISTRATOR,
        _("Administrator"),
        intro=_("Manage users, departments and roles, and keep the data clean."),
        every_module=("all", "all"),
        manages_organisation=True,
    ),
    RoleSpec(
        ANALYST,
        _("Analyst"),
        intro=_("Customer value analytics: ABC classes, the value pyramid, RFM and CLV."),
        every_module=("all", "none"),
    ),
)


def register() -> None:
    for role in PLATFORM_ROLES:
        register_platform_role(role)
