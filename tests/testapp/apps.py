from decimal import Decimal

from django.apps import AppConfig
from django.core.exceptions import ValidationError


def no_digits(value: str) -> None:
    """A custom validator, as a module would declare one."""
    if any(ch.isdigit() for ch in value):
        raise ValidationError("No digits in a greeting.")


class TestAppConfig(AppConfig):
    name = "tests.testapp"
    label = "testapp"

    def ready(self) -> None:
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
