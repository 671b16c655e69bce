from django.db import models

from guanxi.core.models import OwnedRecord, ReferenceRecord, SoftDeleteRecord


class Widget(OwnedRecord):
    name = models.CharField(max_length=100)
    code = models.CharField(max_length=20, blank=True, default="")

    class Scope:
        module = "customers"
        parent = None

    def __str__(self) -> str:
        return self.name


class WidgetPart(SoftDeleteRecord):
    widget = models.ForeignKey(Widget, on_delete=models.CASCADE, related_name="parts")
    label = models.CharField(max_length=100)

    class Scope:
        module = "customers"
        parent = "widget"

    def __str__(self) -> str:
        return self.label


class Colour(ReferenceRecord):
    """Reference data of the customers module (core's base used by a module other than sales)."""

    name = models.CharField(max_length=50)

    class Scope(ReferenceRecord.Scope):
        module = "customers"

    def __str__(self) -> str:
        return self.name


class CustomerScore(models.Model):
    """A later module's own table holding a value it contributes to the customers resource."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="testapp_score"
    )
    score = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.score}"


class Ticket(OwnedRecord):
    """A later module's record that the customer's owner may also see, read-only."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=100)

    class Scope:
        module = "widgets"  # the test app's own module (tests/testapp/apps.py)
        parent = None

    def __str__(self) -> str:
        return self.title
