"""Demo data of the sales module: a product catalogue, leads, opportunities across the stages
with their stage history, a year of orders, payment plans and payments for a good share of the
demo customers (so the analytics have transaction history), and tasks for today and overdue.

Written through core's bulk insert (:class:`~guanxi.core.services.bulk_insert.Inserter`, inside
``audited_writes``) with a create audit row per record, all in one import batch named
"demo-sales", so it takes seconds, not a transaction per row.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from guanxi.core import audit_guard, clock
from guanxi.core.demo import DemoContext
from guanxi.core.models import AuditEvent, ImportBatch, SoftDeleteRecord
from guanxi.core.services.audit import record_created
from guanxi.core.services.bulk_insert import Inserter
from guanxi.customers.models import Customer
from guanxi.sales.models import (
    Instalment,
    Lead,
    Opportunity,
    OpportunityLine,
    Order,
    OrderLine,
    Payment,
    Product,
    Stage,
    StageHistory,
    Task,
)
from guanxi.sales.services import pipelines, products
from guanxi.sales.services.common import line_amount
from guanxi.sales.tasks import refresh_instalment_statuses

CATALOGUE = {
    ("网络设备", "Networking"): [
        ("NET-100", "企业路由器", "Enterprise router", "台", 3200, 2100),
        ("NET-200", "千兆交换机", "Gigabit switch", "台", 1800, 1100),
        ("NET-300", "无线接入点", "Wireless access point", "台", 650, 380),
        ("NET-400", "防火墙", "Firewall", "台", 8800, 5600),
    ],
    ("办公设备", "Office equipment"): [
        ("OFF-100", "激光打印机", "Laser printer", "台", 2300, 1500),
        ("OFF-200", "会议平板", "Meeting display", "台", 12800, 8900),
        ("OFF-300", "碎纸机", "Shredder", "台", 780, 420),
    ],
    ("软件", "Software"): [
        ("SW-100", "CRM 年度订阅", "CRM annual subscription", "用户/年", 1200, 200),
        ("SW-200", "ERP 标准版", "ERP standard edition", "套", 45000, 12000),
        ("SW-300", "安全软件", "Security suite", "用户/年", 180, 40),
    ],
    ("服务", "Services"): [
        ("SRV-100", "安装调试", "Installation", "次", 1500, 600),
        ("SRV-200", "年度维保", "Annual maintenance", "年", 6000, 2500),
        ("SRV-300", "培训", "Training", "天", 3000, 1200),
    ],
}
LEAD_WORDS = [
    "华信",
    "众诚",
    "新锐",
    "远航",
    "同创",
    "金桥",
    "海川",
    "天润",
    "博瑞",
    "佳和",
    "宏达",
    "鼎新",
]
LEAD_TRADES = ["科技", "贸易", "实业", "电子", "物流", "医疗", "教育", "餐饮"]
CITIES = ["上海", "广州", "深圳", "杭州", "南京", "苏州", "佛山", "东莞", "北京", "成都"]
TASK_SUBJECTS = [
    "电话回访",
    "发送报价",
    "上门拜访",
    "合同审核",
    "催收回款",
    "产品演示",
    "Follow-up call",
    "Send proposal",
]
LOST_REASONS = ["价格过高", "选择了竞争对手", "预算取消", "需求变化", "Price", "No decision"]
COMPETITORS = ["华为", "新华三", "锐捷", "Cisco", ""]
DEAL_WORDS = ["年度采购", "新项目", "扩容", "Upgrade", "续约"]
CHUNK = 500


def generate(ctx: DemoContext) -> None:
    """``core.demo.register("sales", generate, order=20)``: runs after the customers."""
    if Product.all_objects.exists() or not Customer.objects.exists():
        return  # an already-built database is left as it is
    rng = ctx.rng
    today = clock.today()
    catalogue = _catalogue(ctx)
    batch = ImportBatch.objects.create(kind="demo-sales", status="running", file_name="demo")
    writer = _Writer(batch)
    customers = list(
        Customer.objects.filter(owner__isnull=False).select_related("owner").order_by("pk")
    )
    buyers = [c for c in customers if rng.random() < 0.45]
    counts: dict[str, int] = defaultdict(int)
    with transaction.atomic(), audit_guard.audited_writes():
        _orders(rng, buyers, catalogue, today, writer, counts, ctx)
        _opportunities(rng, customers, catalogue, today, writer, counts)
        _leads(rng, ctx, today, writer, counts)
        _tasks(rng, ctx, customers, today, writer, counts)
        dealt = {c.pk for c in buyers}
        Customer.objects.filter(pk__in=dealt).exclude(status="current").update(status="current")
        first_order = (
            Order.objects.filter(customer=OuterRef("pk"), confirmed_on__isnull=False)
            .order_by("order_date")
            .values("order_date")[:1]
        )
        Customer.objects.filter(pk__in=dealt).update(dealt_on=Subquery(first_order))
    refresh_instalment_statuses(today)
    _analyze()
    batch.status = "done"
    batch.finished_at = timezone.now()
    batch.counts = dict(counts)
    batch.save(update_fields=["status", "finished_at", "counts"])


def _analyze() -> None:
    """Fresh planner statistics after a bulk load on PostgreSQL: without them the planner
    assumes the new tables are empty and picks nested loops (a 25-row order page took 1.4 s
    on the 2,000-customer demo before, milliseconds after)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    tables = [m._meta.db_table for m in (Order, OrderLine, Instalment, Payment, Opportunity,
              OpportunityLine, StageHistory, Lead, Task, Customer, AuditEvent)]  # fmt: skip
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'ANALYZE "{table}"')


def _catalogue(ctx: DemoContext) -> list[Product]:
    actor = ctx.admin
    made = []
    for (name, name_en), items in CATALOGUE.items():
        category = products.create_category(actor=actor, values={"name": name, "name_en": name_en})
        for code, zh, en, unit, price, cost in items:
            made.append(
                products.create_product(
                    actor=actor,
                    values={
                        "code": code,
                        "name": zh,
                        "name_en": en,
                        "category": category,
                        "unit": unit,
                        "list_price": Decimal(price),
                        "cost": Decimal(cost),
                    },
                )
            )
    return made


class _Writer:
    """Unsaved records written with core's bulk insert, each with its create audit row in the
    demo batch (the caller holds ``audited_writes``)."""

    def __init__(self, batch: ImportBatch) -> None:
        self.batch = batch

    def create(self, model: type[SoftDeleteRecord], objects: list[Any]) -> list[Any]:
        inserter = Inserter(model)
        for start in range(0, len(objects), CHUNK):
            chunk = objects[start : start + CHUNK]
            inserter.create(chunk)
            record_created(model, chunk, actor=None, batch=self.batch)
        return objects


def _lines(
    rng: random.Random, catalogue: list[Product], model: type, parent: str, owner_obj: Any
) -> list[Any]:
    lines = []
    for position, product in enumerate(rng.sample(catalogue, rng.choice([1, 1, 2, 2, 3]))):
        quantity = Decimal(rng.choice([1, 1, 2, 3, 5, 10, 20]))
        discount = Decimal(rng.choice([0, 0, 0, 5, 10, 15]))
        price = product.list_price
        lines.append(
            model(
                **{parent: owner_obj},
                product=product,
                quantity=quantity,
                unit_price=price,
                discount=discount,
                amount=line_amount(quantity, price, discount),
                position=position,
            )
        )
    return lines


def _orders(
    rng: random.Random,
    buyers: list[Customer],
    catalogue: list[Product],
    today: dt.date,
    writer: _Writer,
    counts: dict[str, int],
    ctx: DemoContext,
) -> None:
    orders: list[Order] = []
    lines_by_order: list[list[OrderLine]] = []
    for index, customer in enumerate(buyers):
        for n in range(rng.choice([1, 1, 2, 2, 3, 4, 6])):
            order_date = today - dt.timedelta(days=rng.randint(0, 364))
            roll = rng.random()
            status = (
                "cancelled"
                if roll < 0.05
                else "draft"
                if roll < 0.08 and (today - order_date).days < 30
                else (
                    "delivered"
                    if (today - order_date).days > 20 and rng.random() < 0.7
                    else "confirmed"
                )
            )
            owner = customer.owner
            assert owner is not None  # every demo customer has an owner
            order = Order(
                number=f"SO{order_date:%Y%m%d}-{index:05d}{n}",
                customer=customer,
                owner=owner,
                department_id=owner.department_id,
                order_date=order_date,
                status=status,
                confirmed_on=order_date if status != "draft" else None,
                delivered_on=order_date + dt.timedelta(days=7) if status == "delivered" else None,
                cancelled_on=order_date + dt.timedelta(days=3) if status == "cancelled" else None,
                cancel_reason="客户取消" if status == "cancelled" else "",
            )
            if rng.random() < 0.25:
                order.contract_number = f"HT{order_date:%Y}{index:05d}{n}"
                order.signed_on = order_date
                order.contract_start = order_date
                order.contract_end = order_date + dt.timedelta(days=365)
                order.customer_signatory = customer.name[:20]
                order.our_signatory = str(customer.owner)[:100]
            lines = _lines(rng, catalogue, OrderLine, "order", order)
            order.total = sum((line.amount for line in lines), Decimal("0"))
            orders.append(order)
            lines_by_order.append(lines)
    writer.create(Order, orders)
    all_lines = []
    for order, lines in zip(orders, lines_by_order, strict=True):
        for line in lines:
            line.order = order
            all_lines.append(line)
    writer.create(OrderLine, all_lines)
    counts["orders"] += len(orders)
    counts["order lines"] += len(all_lines)
    ctx.progress("sales: orders", len(orders), len(orders))

    instalments: list[Instalment] = []
    payments: list[Payment] = []
    for order in orders:
        if order.status not in ("confirmed", "delivered"):
            continue
        age = (today - order.order_date).days
        share = (
            rng.choices([Decimal(1), Decimal("0.5"), Decimal(0)], weights=[70, 20, 10])[0]
            if age > 30
            else (rng.choice([Decimal(0), Decimal(1)]))
        )
        if rng.random() < 0.35 and order.total >= 1000:
            parts = rng.choice([2, 3])
            amount = (order.total / parts).quantize(Decimal("0.01"))
            plan = [amount] * (parts - 1) + [order.total - amount * (parts - 1)]
            for number, part in enumerate(plan, start=1):
                due = order.order_date + dt.timedelta(days=30 * number)
                paid = part if share == 1 or (share > 0 and number == 1) else Decimal(0)
                if due > today and share < 1:
                    paid = Decimal(0)
                instalments.append(
                    Instalment(
                        order=order,
                        number=number,
                        due_date=due,
                        amount=part,
                        paid_amount=paid,
                        reminder_days=5,
                    )
                )
        elif share > 0:
            amount = (order.total * share).quantize(Decimal("0.01"))
            if amount > 0:
                payments.append(
                    _payment(
                        rng,
                        order,
                        amount,
                        order.order_date + dt.timedelta(days=rng.randint(3, 45)),
                        today,
                    )
                )
    writer.create(Instalment, instalments)
    for instalment in instalments:
        if instalment.paid_amount > 0:
            payments.append(
                _payment(
                    rng,
                    instalment.order,
                    instalment.paid_amount,
                    instalment.due_date - dt.timedelta(days=rng.randint(0, 10)),
                    today,
                    instalment,
                )
            )
    writer.create(Payment, payments)
    counts["instalments"] += len(instalments)
    counts["payments"] += len(payments)


def _payment(
    rng: random.Random,
    order: Order,
    amount: Decimal,
    received: dt.date,
    today: dt.date,
    instalment: Instalment | None = None,
) -> Payment:
    return Payment(
        order=order,
        instalment=instalment,
        customer_id=order.customer_id,
        owner=order.owner,
        department_id=order.department_id,
        received_on=min(received, today),
        amount=amount,
        method=rng.choices(
            ["bank", "alipay", "wechat", "cash", "cheque"], weights=[60, 15, 15, 5, 5]
        )[0],
        reference=f"TX{order.pk:07d}{rng.randrange(1000):03d}",
    )


def _opportunities(
    rng: random.Random,
    customers: list[Customer],
    catalogue: list[Product],
    today: dt.date,
    writer: _Writer,
    counts: dict[str, int],
) -> None:
    pipeline = pipelines.default_pipeline()
    stages = list(Stage.objects.filter(pipeline=pipeline).order_by("position"))
    open_stages = [s for s in stages if s.kind == "open"]
    ends = {s.kind: s for s in stages if s.kind != "open"}
    opportunities: list[Opportunity] = []
    paths: list[list[Stage]] = []
    lines_by_opp: list[list[OpportunityLine]] = []
    for customer in rng.sample(customers, min(len(customers), 300)):
        opened = today - dt.timedelta(days=rng.randint(0, 300))
        kind = rng.choices(["open", "won", "lost", "invalid"], weights=[55, 22, 17, 6])[0]
        reached = rng.randint(0, len(open_stages) - 1)
        path = open_stages[: reached + 1]
        closed = None
        if kind != "open":
            path = [*path, ends[kind]]
            closed = min(opened + dt.timedelta(days=rng.randint(10, 90)), today)
        owner = customer.owner
        assert owner is not None  # every demo customer has an owner
        opportunity = Opportunity(
            name=f"{customer.name[:40]} · {rng.choice(DEAL_WORDS)}",
            customer=customer,
            owner=owner,
            department_id=owner.department_id,
            pipeline=pipeline,
            stage=path[-1],
            outcome=kind,
            opened_on=opened,
            closed_on=closed,
            expected_close_date=(closed or today + dt.timedelta(days=rng.randint(0, 120))),
            lost_reason=rng.choice(LOST_REASONS) if kind == "lost" else "",
            competitor=rng.choice(COMPETITORS) if kind == "lost" else "",
            next_step=rng.choice(["安排演示", "发送方案", "商务谈判", ""])
            if kind == "open"
            else "",
        )
        lines = _lines(rng, catalogue, OpportunityLine, "opportunity", opportunity)
        opportunity.amount = sum((line.amount for line in lines), Decimal("0"))
        opportunities.append(opportunity)
        paths.append(path)
        lines_by_opp.append(lines)
    writer.create(Opportunity, opportunities)
    history: list[StageHistory] = []
    all_lines: list[OpportunityLine] = []
    for opportunity, path, lines in zip(opportunities, paths, lines_by_opp, strict=True):
        start = timezone.make_aware(dt.datetime.combine(opportunity.opened_on, dt.time(10)))
        end = timezone.make_aware(dt.datetime.combine(opportunity.closed_on or today, dt.time(16)))
        step = (end - start) / max(len(path), 1)
        for i, stage in enumerate(path):
            entered = start + step * i
            left = start + step * (i + 1) if i < len(path) - 1 else None
            history.append(
                StageHistory(
                    opportunity=opportunity,
                    stage=stage,
                    entered_at=entered,
                    left_at=left,
                    moved_by=opportunity.owner,
                )
            )
        for line in lines:
            line.opportunity = opportunity
            all_lines.append(line)
    writer.create(StageHistory, history)
    writer.create(OpportunityLine, all_lines)
    counts["opportunities"] += len(opportunities)


def _leads(
    rng: random.Random, ctx: DemoContext, today: dt.date, writer: _Writer, counts: dict[str, int]
) -> None:
    owners = ctx.sales_reps
    leads = []
    for _i in range(200):
        owner = rng.choice(owners) if rng.random() < 0.85 else None
        status = rng.choices(
            ["new", "contacted", "qualified", "disqualified"], weights=[35, 30, 20, 15]
        )[0]
        leads.append(
            Lead(
                company=f"{rng.choice(CITIES)}{rng.choice(LEAD_WORDS)}{rng.choice(LEAD_TRADES)}有限公司",
                contact_name=rng.choice("王李张刘陈杨黄赵")
                + rng.choice(["先生", "女士", "经理", "总"]),
                phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                source=rng.choice(["website", "exhibition", "referral", "cold_call", "campaign"]),
                estimated_value=Decimal(rng.randrange(5, 300) * 1000),
                status=status,
                disqualify_reason=rng.choice(["无预算", "联系不上", "非目标客户"])
                if status == "disqualified"
                else "",
                owner=owner,
                department_id=owner.department_id if owner else None,
            )
        )
    writer.create(Lead, leads)
    counts["leads"] += len(leads)


def _tasks(
    rng: random.Random,
    ctx: DemoContext,
    customers: list[Customer],
    today: dt.date,
    writer: _Writer,
    counts: dict[str, int],
) -> None:
    by_owner: dict[int | None, list[Customer]] = defaultdict(list)
    for customer in customers:
        by_owner[customer.owner_id].append(customer)
    tasks = []
    for user in [*ctx.sales_reps, *[u for k, u in ctx.users.items() if k.startswith("manager")]]:
        mine = by_owner.get(user.pk) or customers
        for offset, status in [
            (-5, "open"),
            (-2, "open"),
            (-1, "open"),
            (0, "open"),
            (0, "open"),
            (0, "open"),
            (1, "open"),
            (3, "open"),
            (6, "open"),
            (9, "open"),
            (-10, "done"),
            (-20, "done"),
        ]:
            starts = timezone.make_aware(
                dt.datetime.combine(
                    today + dt.timedelta(days=offset), dt.time(rng.choice([9, 10, 14, 16]))
                )
            )
            appointment = rng.random() < 0.3
            tasks.append(
                Task(
                    kind="appointment" if appointment else "task",
                    subject=rng.choice(TASK_SUBJECTS),
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=1) if appointment else None,
                    status=status,
                    done_at=starts if status == "done" else None,
                    customer=rng.choice(mine),
                    owner=user,
                    department_id=user.department_id,
                )
            )
    writer.create(Task, tasks)
    counts["tasks"] += len(tasks)
