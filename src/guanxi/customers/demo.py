"""Demo customers: realistic Chinese and English names, regions, industries, every axis,
contacts and a year of communication records. Seeded by the demo's random source.

Written as plain rows through core's bulk insert (``bulk_insert.Inserter``, inside
``audited_writes``) with a create audit row per customer, all in one import batch named
"demo", so ``guanxi demo --customers 100000`` takes well under two minutes instead
of a transaction per row.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import random
import re
from collections.abc import Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from guanxi.core import audit_guard, clock
from guanxi.core.demo import DemoContext
from guanxi.core.models import AuditEvent, ImportBatch
from guanxi.core.services.bulk_insert import Inserter
from guanxi.customers import reference
from guanxi.customers.models import (
    AXES,
    Activity,
    AgeBand,
    CompanySize,
    Contact,
    Customer,
    Kind,
    LifecycleStatus,
    Status,
)
from guanxi.customers.services import normalise
from guanxi.customers.services.customers import derived_keys

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强海燕雪梅晓东丹丹"
    "文博子豪浩然思远雨欣梓涵一鸣嘉怡欣怡宇轩俊杰晨曦佳琪天佑若曦"
)
COMPANY_WORDS = [
    "华兴",
    "鑫达",
    "恒通",
    "盛世",
    "宏图",
    "金源",
    "永泰",
    "瑞丰",
    "东方",
    "中联",
    "新时代",
    "天成",
    "博远",
    "嘉禾",
    "锦绣",
    "安泰",
    "汇丰",
    "鼎盛",
    "长城",
    "南山",
    "海纳",
    "聚力",
    "合众",
    "百川",
    "星河",
    "云帆",
    "卓越",
    "德信",
    "万和",
    "启明",
    "华夏",
    "正泰",
    "九州",
    "润达",
    "晨光",
    "富源",
]
COMPANY_TRADES = {
    "13": "食品",
    "14": "食品",
    "15": "酒业",
    "17": "纺织",
    "18": "服饰",
    "21": "家具",
    "26": "化工",
    "27": "医药",
    "29": "塑胶",
    "33": "五金",
    "34": "机械",
    "35": "设备",
    "36": "汽车",
    "38": "电器",
    "39": "电子",
    "47": "建设",
    "51": "贸易",
    "52": "商贸",
    "54": "物流",
    "59": "仓储",
    "61": "酒店",
    "62": "餐饮",
    "64": "网络",
    "65": "软件",
    "66": "银行",
    "70": "置业",
    "72": "咨询",
    "74": "检测",
    "83": "教育",
    "84": "医疗",
    "88": "文化",
    "89": "体育",
}
STREETS = ["人民路", "中山路", "解放路", "建设路", "长江路"]
COMPANY_SUFFIXES = ["有限公司", "股份有限公司", "集团有限公司", "有限责任公司", "商行", "经销部"]
EN_FIRST = [
    "James",
    "Emily",
    "Michael",
    "Sarah",
    "David",
    "Laura",
    "Daniel",
    "Anna",
    "Thomas",
    "Grace",
    "Kevin",
    "Olivia",
]
EN_LAST = [
    "Smith",
    "Brown",
    "Miller",
    "Wilson",
    "Taylor",
    "Clark",
    "Walker",
    "Young",
    "King",
    "Wright",
    "Scott",
    "Green",
]
EN_COMPANY = [
    "Pacific",
    "Summit",
    "Harbor",
    "Evergreen",
    "Northwind",
    "Bluewater",
    "Crescent",
    "Atlas",
    "Meridian",
    "Silverline",
]
EN_TRADE = [
    "Trading",
    "Logistics",
    "Foods",
    "Electronics",
    "Machinery",
    "Textiles",
    "Software",
    "Medical",
]
EN_SUFFIX = ["Co., Ltd.", "Ltd.", "Inc.", "Group"]
TITLES = [
    "总经理",
    "采购经理",
    "财务总监",
    "销售总监",
    "老板",
    "店长",
    "IT主管",
    "行政经理",
    "Purchasing Manager",
    "CEO",
]
OCCUPATIONS = [
    "教师",
    "医生",
    "工程师",
    "个体经营",
    "公务员",
    "律师",
    "设计师",
    "会计",
    "退休",
    "学生",
]
TAGS = [
    "华东",
    "华南",
    "经销商",
    "重点跟进",
    "展会",
    "老客户转介绍",
    "价格敏感",
    "大单",
    "年度框架",
    "KA",
]
SUBJECTS = {
    "call": ["电话回访", "确认报价", "催款提醒", "Follow-up call"],
    "visit": ["上门拜访", "门店巡查", "季度拜访", "Site visit"],
    "email": ["发送报价单", "合同草稿", "产品资料", "Quotation sent"],
    "meeting": ["年度合作洽谈", "新品推介会", "项目启动会", "Kick-off meeting"],
    "note": ["客户反馈", "竞品信息", "内部备注", "Note"],
}
OUTCOMES = [
    "客户有意向，等待报价",
    "需要再次跟进",
    "已下单",
    "价格未谈妥",
    "客户满意",
    "Asked for a discount",
]
NEXT_STEPS = ["一周后回访", "发送合同", "安排演示", "等待客户答复", "Send revised quote"]

#: Correlated status / lifecycle status, so the demo looks like a pipeline, not noise.
STATUS_LIFECYCLE = [
    (Status.POTENTIAL, LifecycleStatus.POTENTIAL, 30),
    (Status.POTENTIAL, LifecycleStatus.NON_CUSTOMER, 5),
    (Status.INTENTION, LifecycleStatus.TARGET, 20),
    (Status.CURRENT, LifecycleStatus.CURRENT, 38),
    (Status.TERMINATED, LifecycleStatus.CHURNED, 7),
]
CHUNK = 2000
#: Splits a generated company name into the words it was built from (for cached pinyin).
_WORD_SPLIT = re.compile(
    "|".join(
        sorted(
            {*COMPANY_WORDS, *COMPANY_TRADES.values(), *COMPANY_SUFFIXES, "实业"},
            key=len,
            reverse=True,
        )
    )
    + r"|[^\s]"
)


def _person_name(rng: random.Random) -> str:
    given_len = rng.choice([1, 2, 2])
    given = "".join(rng.choice(GIVEN) for _ in range(given_len))
    return rng.choice(SURNAMES) + given


def generate(ctx: DemoContext) -> None:
    """The demo's customers generator (``core.demo.register("customers", generate, order=10)``)."""
    total = int(ctx.options.get("customers", 2000) or 0)
    if total <= 0 or Customer.all_objects.exists():
        return  # an already-built database is left as it is
    rng = ctx.rng
    owners = [*ctx.sales_reps] * 4 + [u for k, u in ctx.users.items() if k.startswith("manager")]
    districts = [r for r in reference.regions().values() if r.level == "district"]
    divisions = [i.code for i in reference.industries().values() if i.parent]
    statuses = [(s, lc) for s, lc, w in STATUS_LIFECYCLE for _ in range(w)]
    axes = {name: list(choices.values) for name, choices in AXES.items()}
    now = clock.now()
    batch = ImportBatch.objects.create(kind="demo", status="running", file_name="demo")
    customer_type = ContentType.objects.get_for_model(Customer)
    counts = {"customers": 0, "contacts": 0, "activities": 0}
    inserters = {model: Inserter(model) for model in (Customer, Contact, Activity, AuditEvent)}
    done = 0
    while done < total:
        size = min(CHUNK, total - done)
        customers = [
            _customer(rng, i, owners, districts, divisions, statuses, axes)
            for i in range(done, done + size)
        ]
        with transaction.atomic(), audit_guard.audited_writes():
            ids = inserters[Customer].insert(customers, returning=True, now=now)
            for row, pk in zip(customers, ids, strict=True):
                row["id"] = pk
            contacts = [c for row in customers for c in _contacts(rng, row)]
            activities = [a for row in customers for a in _activities(rng, row, now)]
            events = [
                {
                    "at": now,
                    "action": AuditEvent.Action.CREATE,
                    "content_type_id": customer_type.pk,
                    "object_id": row["id"],
                    "object_repr": f"{row['name']} ({row['code']})"[:200],
                    "version": 1,
                    "changes": {"code": [None, row["code"]], "name": [None, row["name"]]},
                    "batch_id": batch.pk,
                }
                for row in customers
            ]
            inserters[AuditEvent].insert(events, returning=False)
            inserters[Contact].insert(contacts, returning=False, now=now)
            inserters[Activity].insert(activities, returning=False, now=now)
        counts["customers"] += len(customers)
        counts["contacts"] += len(contacts)
        counts["activities"] += len(activities)
        done += size
        ctx.progress("customers", done, total)
    batch.status = "done"
    batch.finished_at = timezone.now()
    batch.counts = counts
    batch.save(update_fields=["status", "finished_at", "counts"])


def _customer(
    rng: random.Random,
    index: int,
    owners: list[Any],
    districts: list[reference.Region],
    divisions: list[str],
    statuses: Sequence[tuple[str, str]],
    axes: dict[str, list[str]],
) -> dict[str, Any]:
    kind = Kind.COMPANY if rng.random() < 0.7 else Kind.PERSON
    district = rng.choice(districts)
    city = reference.regions()[district.parent]
    province = city.code if city.level == "province" else city.parent
    city_code = city.code if city.level == "city" else ""
    industry = rng.choice(list(COMPANY_TRADES)) if rng.random() < 0.7 else rng.choice(divisions)
    english = rng.random() < 0.12
    if kind == Kind.COMPANY:
        if english:
            name = f"{rng.choice(EN_COMPANY)} {rng.choice(EN_TRADE)} {rng.choice(EN_SUFFIX)}"
            name_en = name
        else:
            city_name = (
                city.name if city.level == "city" and city.name not in {"市辖区", "县"} else ""
            )
            prefix = city_name.rstrip("市") if rng.random() < 0.5 else ""
            trade = COMPANY_TRADES.get(industry, "实业")
            name = f"{prefix}{rng.choice(COMPANY_WORDS)}{trade}{rng.choice(COMPANY_SUFFIXES)}"
            name_en = ""
    else:
        if english:
            name = f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"
            name_en = name
        else:
            name, name_en = _person_name(rng), ""
    status, lifecycle = rng.choice(statuses)
    owner = rng.choice(owners) if rng.random() > 0.03 else None
    phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
    email = (
        f"c{index + 1}@{'example.com' if english else 'example.cn'}" if rng.random() < 0.6 else ""
    )
    values: dict[str, Any] = {
        "code": f"C{index + 1:08d}",
        "name": name,
        "name_en": name_en,
        "kind": kind,
        "relationship_type": rng.choice(axes["relationship_type"]),
        "status": status,
        "lifecycle_status": lifecycle,
        "loyalty": rng.choice(axes["loyalty"]),
        "importance": rng.choices(["vip", "important", "ordinary"], weights=[8, 25, 67])[0],
        "value_ability": rng.choice(axes["value_ability"]),
        "relationship_depth": rng.choice(axes["relationship_depth"]),
        "visit_frequency": rng.choice(axes["visit_frequency"]),
        "source": rng.choice(axes["source"]),
        "industry": industry if kind == Kind.COMPANY else "",
        "province": province,
        "city": city_code,
        "district": district.code,
        "address": f"{district.name}{rng.choice(STREETS)}{rng.randint(1, 999)}号",
        "phone": phone,
        "email": email,
        "tags": "," + ",".join(rng.sample(TAGS, rng.randint(0, 3))) + ","
        if rng.random() < 0.6
        else "",
        "owner": owner,
        "department_id": owner.department_id if owner else None,
    }
    if values["tags"] == ",,":
        values["tags"] = ""
    if kind == Kind.COMPANY:
        values["company_size"] = rng.choice(CompanySize.values)
        values["annual_turnover"] = decimal.Decimal(rng.randrange(10, 500000)) * 1000
        if values["relationship_type"] == "channel":
            values["own_stores"] = rng.randint(0, 30)
            values["franchise_stores"] = rng.randint(0, 120)
            values["counters"] = rng.randint(0, 60)
            values["logistics_company"] = rng.choice(
                ["顺丰速运", "德邦物流", "中通快递", "京东物流"]
            )
    else:
        values["occupation"] = rng.choice(OCCUPATIONS)
        values["age_band"] = rng.choice(AgeBand.values)
    values.update(_keys(values))
    owner = values.pop("owner")
    values["owner_id"] = owner.pk if owner else None
    return values


@functools.lru_cache(maxsize=50_000)
def _pinyin(text: str) -> tuple[str, str]:
    return normalise.pinyin_forms(text)


def _keys(values: dict[str, Any]) -> dict[str, str]:
    """``derived_keys`` with the pinyin of the name's parts cached: demo names are built from
    a few hundred words, and pypinyin's per-call cost would dominate a 100k-customer run."""
    name = values["name"]
    parts = [name[:1], name[1:]] if len(name) <= 3 else _WORD_SPLIT.findall(name)
    forms = [_pinyin(p) for p in parts]
    keys = derived_keys({**values, "name": ""})
    full = "".join(f for f, _i in forms)
    initials = "".join(i for _f, i in forms)
    pieces = [normalise.compact(name), normalise.compact(values.get("name_en", "")), full, initials]
    rest = [p for p in keys["search_text"].split("|") if p]
    keys["search_text"] = "|".join(p for p in [*pieces, *rest] if p)[:1000]
    keys["name_key"] = normalise.name_key(name)
    return keys


def _contacts(rng: random.Random, customer: dict[str, Any]) -> list[dict[str, Any]]:
    if customer["kind"] == Kind.PERSON:
        return []
    return [
        {
            "customer_id": customer["id"],
            "name": _person_name(rng),
            "title": rng.choice(TITLES),
            "mobile": f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
            "email": f"contact{customer['id']}.{n}@example.cn" if rng.random() < 0.5 else "",
            "wechat": f"wx_{rng.randrange(10**8):08d}" if rng.random() < 0.5 else "",
            "is_primary": n == 0,
        }
        for n in range(rng.randint(1, 3))
    ]


def _activities(
    rng: random.Random, customer: dict[str, Any], now: dt.datetime
) -> list[dict[str, Any]]:
    rows = []
    for _ in range(rng.choice([0, 1, 2, 2, 3, 4, 6])):
        kind = rng.choice(list(SUBJECTS))
        occurred = now - dt.timedelta(days=rng.uniform(0, 365))
        next_contact = occurred + dt.timedelta(days=rng.randint(3, 30))
        rows.append(
            {
                "customer_id": customer["id"],
                "kind": kind,
                "occurred_at": occurred,
                "subject": rng.choice(SUBJECTS[kind]),
                "participants": rng.choice(["", "销售代表", "销售经理, 技术支持"]),
                "outcome": rng.choice(OUTCOMES),
                "next_step": rng.choice(NEXT_STEPS),
                "next_contact_at": next_contact if rng.random() < 0.4 else None,
                "created_by_id": customer["owner_id"],
            }
        )
    return rows
