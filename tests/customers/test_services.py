"""Customer services: search (pinyin), codes, validation, reassign rules, audit rows."""

from __future__ import annotations

from typing import Any

import pytest

from guanxi.core.errors import InvalidInput, NotAllowed, StaleVersion
from guanxi.customers.filters import CUSTOMER_FILTERS
from guanxi.customers.models import Customer
from guanxi.customers.services import customers as services
from guanxi.customers.services.normalise import phone_key, search_term
from tests.generic_views import audit_rows

pytestmark = pytest.mark.django_db


def _search(user: Any, term: str) -> list[str]:
    rows = CUSTOMER_FILTERS.apply(Customer.objects.visible_to(user), {"q": term})
    return [c.name for c in rows]


@pytest.mark.parametrize("term", ["张三", "zs", "zhangsan", "ZhangSan", "zhang san", "ZS"])
def test_pinyin_search_finds_zhang_san(org: Any, make_customer: Any, term: str) -> None:
    make_customer("rep1", name="张三", kind="person", phone="13800138000")
    make_customer("rep1", name="李四", kind="person", phone="13900139000")
    assert _search(org.users["rep1"], term) == ["张三"]


def test_search_by_code_phone_email_and_latin_name(org: Any, make_customer: Any) -> None:
    make_customer(
        "rep1",
        name="Acme Trading",
        code="ACME-01",
        phone="+86 138-0013-8000",
        email="Sales@Acme.example",
    )
    rep1 = org.users["rep1"]
    for term in ["acme", "Acme Trading", "acme-01", "13800138000", "138 0013 8000", "sales@acme"]:
        assert _search(rep1, term) == ["Acme Trading"], term


def test_search_stays_in_scope(org: Any, make_customer: Any) -> None:
    make_customer("rep3", name="张三")
    assert _search(org.users["rep1"], "zs") == []
    assert _search(org.users["manager2"], "zs") == ["张三"]


def test_search_text_follows_a_rename(org: Any, make_customer: Any) -> None:
    customer = make_customer("rep1", name="张三")
    services.update_customer(
        customer,
        actor=org.users["rep1"],
        expected_version=customer.version,
        changes={"name": "王五"},
    )
    assert _search(org.users["rep1"], "ww") == ["王五"]
    assert _search(org.users["rep1"], "zs") == []


def test_normalisation() -> None:
    assert phone_key("+86 138-0013-8000") == "13800138000"
    assert phone_key("0086 13800138000") == "13800138000"
    assert search_term(" 138 0013 ") == "1380013"
    assert search_term("ZS") == "zs"


def test_code_is_generated_and_unique_among_live_rows(org: Any, make_customer: Any) -> None:
    first = make_customer("rep1", name="A", code="")
    assert first.code.startswith("C") and len(first.code) == 11
    make_customer("rep1", name="B", code="X-1")
    with pytest.raises(InvalidInput) as exc:
        make_customer("rep1", name="C", code="X-1")
    assert "code" in exc.value.errors
    # a code in the recycle bin may be reused ...
    old = Customer.objects.get(code="X-1")
    services.delete_customer(old, actor=org.users["admin"])
    reused = make_customer("rep1", name="D", code="X-1")
    # ... and the old record then cannot come back with it
    with pytest.raises(InvalidInput):
        services.restore_customer(old, actor=org.users["admin"])
    assert reused.code == "X-1"


def test_database_constraint_backs_the_code_rule(org: Any, make_customer: Any) -> None:
    from django.db import IntegrityError, transaction

    from guanxi.core import audit_guard

    make_customer("rep1", name="A", code="DUP")
    with pytest.raises(IntegrityError), transaction.atomic(), audit_guard.audited_writes():
        Customer.objects.bulk_create([Customer(name="B", code="DUP")])


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"phone": "not a phone"}, "phone"),
        ({"email": "nope"}, "email"),
        ({"province": "999999"}, "province"),
        ({"province": "440000", "city": "110100"}, "city"),
        ({"industry": "C"}, "industry"),
        ({"kind": "person", "company_size": "large"}, "company_size"),
        ({"status": "bogus"}, "status"),
    ],
)
def test_invalid_values_are_refused(org: Any, make_customer: Any, values: dict, field: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        make_customer("rep1", **values)
    assert field in exc.value.errors
    assert not Customer.objects.exists()


def test_owner_and_bookkeeping_fields_are_not_writable(org: Any, make_customer: Any) -> None:
    customer = make_customer("rep1")
    for field in ("owner", "department", "version", "search_text", "created_at"):
        with pytest.raises(InvalidInput):
            services.update_customer(
                customer,
                actor=org.users["admin"],
                expected_version=customer.version,
                changes={field: None},
            )


def test_stale_update_names_the_changed_fields(org: Any, make_customer: Any) -> None:
    customer = make_customer("rep1", name="A")
    services.update_customer(
        customer,
        actor=org.users["manager1"],
        expected_version=1,
        changes={"phone": "13800138000", "notes": "x"},
    )
    with pytest.raises(StaleVersion) as exc:
        services.update_customer(
            customer, actor=org.users["rep1"], expected_version=1, changes={"name": "B"}
        )
    assert exc.value.changed_fields == ["notes", "phone"]
    assert Customer.objects.get(pk=customer.pk).name == "A"


def test_every_write_is_audited(org: Any, make_customer: Any) -> None:
    admin = org.users["admin"]
    customer = make_customer("rep1", name="A")
    assert audit_rows(customer, "create").get().actor is None or True
    services.update_customer(customer, actor=admin, expected_version=1, changes={"name": "B"})
    services.update_customer(
        customer, actor=admin, expected_version=2, changes={"name": "B"}
    )  # no change
    services.reassign_customers([customer], actor=admin, new_owner=org.users["rep2"])
    services.delete_customer(customer, actor=admin)
    services.restore_customer(customer, actor=admin)
    actions = list(audit_rows(customer).order_by("id").values_list("action", flat=True))
    assert actions == ["create", "update", "reassign", "delete", "restore"]
    update = audit_rows(customer, "update").get()
    assert update.changes == {"name": ["A", "B"]} and update.actor == admin


class TestReassign:
    def test_rep_hands_over_within_own_department_only(self, org: Any, make_customer: Any) -> None:
        customer = make_customer("rep1")
        rep1 = org.users["rep1"]
        with pytest.raises(NotAllowed):
            services.reassign_customers([customer], actor=rep1, new_owner=org.users["rep3"])
        services.reassign_customers([customer], actor=rep1, new_owner=org.users["rep2"])
        customer.refresh_from_db()
        assert customer.owner == org.users["rep2"]
        assert customer.department == org.users["rep2"].department

    def test_manager_within_subtree_admin_anywhere(self, org: Any, make_customer: Any) -> None:
        customer = make_customer("rep1")
        with pytest.raises(NotAllowed):
            services.reassign_customers(
                [customer], actor=org.users["manager1"], new_owner=org.users["rep3"]
            )
        services.reassign_customers(
            [customer], actor=org.users["manager1"], new_owner=org.users["rep2"]
        )
        services.reassign_customers(
            [customer], actor=org.users["admin"], new_owner=org.users["rep3"]
        )
        customer.refresh_from_db()
        assert customer.owner == org.users["rep3"]
        assert customer.department == org.users["rep3"].department

    def test_bulk_is_all_or_nothing(self, org: Any, make_customer: Any) -> None:
        mine = [make_customer("rep1") for _ in range(3)]
        foreign = make_customer("rep3")
        with pytest.raises(NotAllowed):
            services.reassign_by_ids(
                [c.pk for c in [*mine, foreign]],
                actor=org.users["manager1"],
                new_owner=org.users["rep2"],
            )
        assert set(
            Customer.objects.filter(pk__in=[c.pk for c in mine]).values_list(
                "owner__username", flat=True
            )
        ) == {"rep1"}
        services.reassign_by_ids(
            [c.pk for c in mine], actor=org.users["manager1"], new_owner=org.users["rep2"]
        )
        assert set(
            Customer.objects.filter(pk__in=[c.pk for c in mine]).values_list(
                "owner__username", flat=True
            )
        ) == {"rep2"}

    def test_bulk_reassign_page(self, org: Any, make_customer: Any, client_for: Any) -> None:
        mine = [make_customer("rep1") for _ in range(2)]
        foreign = make_customer("rep3")
        client = client_for("manager1")
        url = "/customers/reassign/"
        client.post(url, {"pk": [c.pk for c in [*mine, foreign]], "owner": org.users["rep2"].pk})
        assert Customer.objects.filter(owner=org.users["rep2"]).count() == 0
        client.post(url, {"pk": [c.pk for c in mine], "owner": org.users["rep2"].pk})
        assert Customer.objects.filter(owner=org.users["rep2"]).count() == 2

    def test_single_reassign_page_refuses_out_of_reach_owner(
        self, org: Any, make_customer: Any, client_for: Any
    ) -> None:
        customer = make_customer("rep1")
        url = f"/customers/{customer.pk}/reassign/"
        response = client_for("rep1").post(url, {"owner": org.users["rep3"].pk})
        assert response.status_code == 200  # form error: rep3 is not a choice for rep1
        customer.refresh_from_db()
        assert customer.owner == org.users["rep1"]
        assert client_for("rep3").post(url, {"owner": org.users["rep3"].pk}).status_code == 404


def test_create_form_requires_per_kind_fields(org: Any, client_for: Any) -> None:
    client = client_for("rep1")
    response = client.post(
        "/customers/new/",
        {
            "name": "No industry Co.",
            "kind": "company",
            "relationship_type": "business",
            "status": "potential",
            "lifecycle_status": "potential",
            "loyalty": "new",
            "importance": "ordinary",
            "relationship_depth": "basic",
        },
    )
    assert response.status_code == 400
    assert not Customer.objects.exists()
    response = client.post(
        "/customers/new/",
        {
            "name": "王小明",
            "kind": "person",
            "relationship_type": "consumer",
            "status": "potential",
            "lifecycle_status": "potential",
            "loyalty": "new",
            "importance": "ordinary",
            "relationship_depth": "basic",
            "phone": "13800138000",
            "occupation": "教师",
        },
    )
    assert response.status_code == 302
    assert Customer.objects.get().owner == org.users["rep1"]


def test_saved_filters_are_per_user_and_validated(
    org: Any, make_customer: Any, client_for: Any
) -> None:
    from guanxi.core.models import SavedFilter

    make_customer("rep1", name="VIP one", importance="vip")
    make_customer("rep1", name="Plain one", importance="ordinary")
    client = client_for("rep1")
    response = client.post(
        "/customers/filters/", {"list_name": "customers", "name": "VIPs", "query": "importance=vip"}
    )
    saved = SavedFilter.objects.get(user=org.users["rep1"])
    assert response.status_code == 302
    body = client.get(f"/customers/?saved={saved.pk}").content.decode()
    assert "VIP one" in body and "Plain one" not in body
    client.post(
        "/customers/filters/",
        {"list_name": "customers", "name": "bad", "query": "owner__password=x"},
    )
    assert SavedFilter.objects.count() == 1
    assert client_for("rep2").get(f"/customers/?saved={saved.pk}").status_code == 404


def test_filters_on_every_axis_and_sorting(org: Any, make_customer: Any) -> None:
    from guanxi.customers.models import AXES

    make_customer("rep1", name="B", tags="华南,KA")
    make_customer("rep1", name="A", tags="华东")
    rep1 = org.users["rep1"]
    base = Customer.objects.visible_to(rep1)
    for axis, choices in AXES.items():
        CUSTOMER_FILTERS.apply(base, {axis: choices.values[0]})
    assert [c.name for c in CUSTOMER_FILTERS.apply(base, {"tag": "KA"})] == ["B"]
    assert [c.name for c in CUSTOMER_FILTERS.apply(base, {"tag": "K"})] == []
    assert [c.name for c in CUSTOMER_FILTERS.apply(base, {"sort": "name"})] == ["A", "B"]
    assert [c.name for c in CUSTOMER_FILTERS.apply(base, {"sort": "-name"})] == ["B", "A"]
    assert (
        CUSTOMER_FILTERS.apply(
            base, {"owner": str(rep1.pk), "department": str(rep1.department_id)}
        ).count()
        == 2
    )
    with pytest.raises(InvalidInput):
        CUSTOMER_FILTERS.apply(base, {"sort": "search_text"})
