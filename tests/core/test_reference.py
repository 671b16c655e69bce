"""Core's reference-data base: read by every signed-in user, changed by its module's editors.

The test model ``Colour`` is reference data of the customers module, so the base is exercised
by a module other than sales, whose catalogue derives from it too."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.test.utils import isolate_apps

from guanxi.core.checks import reference_module_errors
from guanxi.core.errors import NotAllowed
from guanxi.core.models import ReferenceRecord
from guanxi.core.services import records
from guanxi.sales.models import Product
from tests.testapp.models import Colour

pytestmark = pytest.mark.django_db


@pytest.fixture
def colour(org: Any) -> Colour:
    return records.create_record(Colour, actor=org.users["admin"], values={"name": "red"})


@pytest.mark.parametrize("username", ["rep1", "manager1", "service1", "analyst1", "admin"])
def test_every_signed_in_user_reads_reference_data(org: Any, colour: Colour, username: str) -> None:
    assert list(Colour.objects.visible_to(org.users[username])) == [colour]


@pytest.mark.parametrize(
    ("username", "may_change"),
    [("admin", True), ("manager1", True), ("rep1", False), ("service1", False)],
)
def test_only_the_modules_managers_change_it(
    org: Any, colour: Colour, username: str, may_change: bool
) -> None:
    """Subtree or all change scope in the model's own module (customers here) edits it."""
    user = org.users[username]
    assert Colour.objects.visible_to(user, "change").exists() is may_change
    if may_change:
        records.update_record(colour, actor=user, changes={"name": "blue"}, expected_version=1)
        colour.refresh_from_db()
        assert colour.name == "blue" and colour.version == 2
    else:
        with pytest.raises(NotAllowed):
            records.update_record(colour, actor=user, changes={"name": "x"}, expected_version=1)


def test_inactive_and_anonymous_users_see_none(org: Any, colour: Colour) -> None:
    assert not Colour.objects.visible_to(AnonymousUser()).exists()
    assert not Colour.objects.visible_to(None).exists()
    rep = org.users["rep1"]
    rep.is_active = False
    assert not Colour.objects.visible_to(rep).exists()


def test_deleted_rows_leave_the_live_manager(org: Any, colour: Colour) -> None:
    records.soft_delete(colour, actor=org.users["admin"])
    assert not Colour.objects.exists()
    assert Colour.all_objects.get().is_deleted


def test_the_sales_catalogue_is_reference_data_of_sales(org: Any) -> None:
    product = records.create_record(
        Product, actor=org.users["admin"], values={"code": "P-1", "name": "router"}
    )
    assert issubclass(Product, ReferenceRecord) and Product.Scope.module == "sales"
    assert list(Product.objects.visible_to(org.users["rep1"])) == [product]
    assert list(Product.objects.visible_to(org.users["manager1"], "change")) == [product]
    # service agents see all sales data and change none of it
    assert not Product.objects.visible_to(org.users["service1"], "change").exists()


def test_a_reference_model_must_name_its_module() -> None:
    assert reference_module_errors([Colour, Product]) == []
    with isolate_apps("tests.testapp") as isolated:

        class Nameless(ReferenceRecord):
            name = models.CharField(max_length=10)

            class Meta:
                app_label = "testapp"

        class Named(ReferenceRecord):
            class Scope(ReferenceRecord.Scope):
                module: ClassVar[str] = "customers"

            class Meta:
                app_label = "testapp"

        errors = reference_module_errors(isolated.get_models())
    assert [(e.id, e.msg) for e in errors] == [("guanxi.E004", "Nameless has no Scope.module")]
