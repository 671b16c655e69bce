from django.apps import AppConfig


class TestAppConfig(AppConfig):
    name = "tests.testapp"
    label = "testapp"

    def ready(self) -> None:
        from guanxi.core import attachments
        from tests.testapp.models import Widget

        attachments.enable(Widget, "testapp:widget_detail")
