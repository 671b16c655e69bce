from typing import Any

from django.apps import AppConfig


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
