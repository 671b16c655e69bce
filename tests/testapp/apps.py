from decimal import Decimal
from typing import Any

from django.apps import AppConfig
from django.core.exceptions import ValidationError


def no_digits(value: str) -> None:
    """A custom validator, as a module would declare one."""
    if any(ch.isdigit() for ch in value):
        raise ValidationError("No digits in a greeting.")


def _in_widgets(user: Any) -> bool:
    from guanxi.core.scopes import may_act

    return may_act(user, "widgets", "view")


class TestAppConfig(AppConfig):
    name = "tests.testapp"
    label = "testapp"

    def ready(self) -> None:
        """A second app registering a module of its own, as a later business module would:
        core and the other apps import nothing of it."""
        from guanxi.core import modules

        modules.register(
            modules.ModuleSpec(
                code="widgets",
                label="Widgets",
                order=90,
                nav_label="Widget workshop",
                # The test app has no pages of its own; its one item links to the home page.
                nav_items=(modules.NavItem("Widget shelf", "core:home", _in_widgets),),
                roles=(
                    modules.RoleSpec(
                        "widget_keeper",
                        "Widget keeper",
                        intro="Keep the widget shelf in order.",
                        scopes={"widgets": ("all", "all")},
                    ),
                ),
                grants={"sales_rep": ("own", "none")},
            )
        )

        # Core's settings registry used from a second app that core never imports.
        from guanxi.core.module_settings import Setting, SettingType, register_settings

        register_settings(
            "testapp",
            [
                Setting(
                    "batch_size",
                    SettingType.INT,
                    100,
                    "Batch size",
                    "Rows written per batch",
                    min_value=1,
                    max_value=1000,
                ),
                Setting(
                    "tax_rate",
                    SettingType.DECIMAL,
                    Decimal("0.13"),
                    "Tax rate",
                    min_value=Decimal("0"),
                    max_value=Decimal("1"),
                    decimal_places=2,
                ),
                Setting("notify", SettingType.BOOL, True, "Send notifications"),
                Setting(
                    "greeting",
                    SettingType.STR,
                    "hello",
                    "Greeting",
                    max_length=20,
                    validators=(no_digits,),
                ),
                Setting(
                    "colour",
                    SettingType.CHOICE,
                    "red",
                    "Colour",
                    choices=(("red", "Red"), ("blue", "Blue")),
                ),
            ],
            label="Test app",
        )

        from guanxi.core import attachments
        from tests.testapp.models import Widget

        attachments.enable(Widget, "testapp:widget_detail")

        from tests.testapp import hooks

        hooks.subscribe()

        from tests.testapp import resources

        resources.register_all()
