"""Customer import throughput: a file of new customers, its re-import, and the bulk-insert ceiling.

    .venv/bin/python bench/bench_customer_import.py [--rows 5000] [--rounds 3] [--as rep1]
    .venv/bin/python bench/bench_customer_import.py --rows 2000 --rounds 1 --profile /tmp/imp.prof

Builds a seeded CSV of N new customers (Chinese and English company and person names, mobile
numbers, e-mails, province / city / district names from the app's reference data, an industry,
tags, and a contact person per row in the template's contact columns) and times, in one run:

(a) ``import_customers`` of the file into a database holding only the demo organisation;
(b) a re-import of the same file right after (every row matched and unchanged);
(c) the ceiling: a plain ``bulk_create`` of the same customers and contacts (values already
    converted, keys computed) with no validation, no audit rows and no scope check.

Each round starts from a copy of a freshly migrated throwaway SQLite file (``--data-dir``, by
default a new temporary directory; ``GUANXI_DATA_DIR`` is set before Django starts, so the
real data directory is never touched). Prints rows/s per round, the medians and the ratios.
``--profile FILE`` runs (a) once under cProfile instead and writes the stats to FILE.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建国志海燕雪梅晓东丹文博子豪浩然思远雨欣"
WORDS = "华兴 鑫达 恒通 盛世 宏图 金源 永泰 瑞丰 东方 中联 天成 博远 嘉禾 锦绣 安泰 鼎盛".split()
WORDS += "南山 海纳 聚力 合众 百川 星河 云帆 卓越 德信 万和 启明 华夏 正泰 九州 润达 晨光".split()
TRADES = {"51": "贸易", "39": "电子", "34": "机械", "13": "食品", "65": "软件", "54": "物流"}
SUFFIXES = ["有限公司", "股份有限公司", "商行", "经销部", "集团有限公司"]
EN_FIRST = "James Emily Michael Sarah David Laura Daniel Anna Thomas Grace Kevin Olivia".split()
EN_LAST = "Smith Brown Miller Wilson Taylor Clark Walker Young King Wright Scott Green".split()
EN_WORDS = "Pacific Summit Harbor Evergreen Northwind Bluewater Crescent Atlas Meridian".split()
EN_TRADES = "Trading Logistics Foods Electronics Machinery Textiles Software Medical".split()
TITLES = ["总经理", "采购经理", "财务总监", "销售总监", "老板", "店长", "Purchasing Manager"]
TAGS = ["华东", "华南", "经销商", "重点跟进", "展会", "老客户转介绍", "价格敏感", "大单"]
HEADER = [
    "name", "name_en", "kind", "status", "importance", "industry", "province", "city",
    "district", "address", "phone", "email", "tags", "source", "occupation", "company_size",
    "annual_turnover", "notes",
    "contact_name", "contact_title", "contact_mobile", "contact_email", "contact_wechat",
]  # fmt: skip


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


def build_csv(rows: int, seed: int) -> bytes:
    """N customers, none matching another (distinct phone, e-mail and name + province)."""
    from guanxi.customers import reference
    from guanxi.customers.services import normalise

    rng = random.Random(seed)
    regions = reference.regions()
    # Districts whose name, and whose city's name, find them again (a name shared by two
    # districts, or a municipality's "市辖区" after the first, would not).
    districts = [
        r
        for r in regions.values()
        if r.level == "district"
        and reference.find_region(r.name) == r
        and reference.find_region(regions[r.parent].name) == regions[r.parent]
    ]
    seen: set[tuple[str, str]] = set()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    n = 0
    while n < rows:
        district = rng.choice(districts)
        parent = regions[district.parent]
        city = parent if parent.level == "city" else None
        province = regions[city.parent] if city else parent
        company = rng.random() < 0.7
        english = rng.random() < 0.12
        if company:
            industry = rng.choice(list(TRADES))
            if english:
                name = f"{rng.choice(EN_WORDS)} {rng.choice(EN_TRADES)} {n} Co., Ltd."
            else:
                prefix = city.name.rstrip("市") if city and rng.random() < 0.5 else ""
                name = f"{prefix}{rng.choice(WORDS)}{rng.choice(WORDS)}{TRADES[industry]}"
                name += rng.choice(SUFFIXES)
        else:
            industry = ""
            name = f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}" if english else _person(rng)
        key = (normalise.name_key(name), province.code)
        if key in seen:
            continue
        seen.add(key)
        n += 1
        contact = _person(rng)
        writer.writerow(
            [
                name,
                name if english else "",
                "company" if company else "个人",
                rng.choice(["potential", "intention", "current"]),
                rng.choice(["ordinary", "ordinary", "important", "VIP"]),
                industry,
                province.name,
                city.name if city else "",
                district.name,
                f"{district.name}人民路{rng.randint(1, 999)}号",
                f"1{rng.choice('3456789')}{n:09d}",
                f"c{n}@example.{'com' if english else 'cn'}" if rng.random() < 0.6 else "",
                ",".join(rng.sample(TAGS, rng.randint(0, 2))),
                rng.choice(["", "referral", "exhibition", "website"]),
                "" if company else rng.choice(["教师", "医生", "工程师", "个体经营"]),
                rng.choice(["small", "medium", "large"]) if company else "",
                str(rng.randrange(10, 50000) * 1000) if company else "",
                "",
                contact,
                rng.choice(TITLES),
                f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
                f"p{n}@example.cn" if rng.random() < 0.4 else "",
                f"wx_{rng.randrange(10**8):08d}" if rng.random() < 0.5 else "",
            ]
        )
    return out.getvalue().encode("utf-8")


def prepare_template(data_dir: Path) -> Path:
    """Migrate a fresh SQLite file and build the demo organisation in it; return its path."""
    from django.core.management import call_command
    from django.db import connection

    from guanxi.core.demo import DemoContext, build_organisation

    database = Path(connection.settings_dict["NAME"])
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        path.unlink(missing_ok=True)  # a data directory used before starts empty again
    call_command("migrate", verbosity=0, interactive=False)
    build_organisation(DemoContext(rng=random.Random(7), seed=7, options={}))
    connection.close()
    template = data_dir / "template.sqlite3"
    shutil.copyfile(database, template)
    return template


def fresh_database(template: Path) -> None:
    """Start from the organisation-only copy (the connection reopens on the next query)."""
    from django.db import connection

    connection.close()
    database = Path(connection.settings_dict["NAME"])
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, database)


class Clock:
    """Wall time (what a user waits) and this process's CPU time (what the code costs; on a
    shared machine it moves less with the other work than the wall clock does)."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def run_import(data: bytes, actor):
    from guanxi.customers.services.importing import import_customers

    return import_customers(data, filename="bench.csv", actor=actor)


def ceiling(data: bytes, actor) -> Clock:
    """The time of a plain bulk insert of the file's customers and contacts, nothing else."""
    from django.db import transaction

    from guanxi.core import audit_guard
    from guanxi.customers.models import Contact, Customer
    from guanxi.customers.services import customers as customer_services
    from guanxi.customers.services import importing

    try:
        from guanxi.customers.services.import_rows import parse_rows
    except ImportError:  # the import before it was split, for the baseline figure
        parse_rows = importing._parse_rows

    # Reading, converting and the derived keys are outside the timed part.
    table, colmap = importing.read(data, "bench.csv")
    prepared = []
    for row in parse_rows(table, colmap, actor):
        values = {**row.values, "code": customer_services.new_code()}
        values.update(customer_services.derived_keys(values))
        prepared.append((values, row.contact))
    with Clock() as clock, transaction.atomic(), audit_guard.audited_writes():
        for first in range(0, len(prepared), 1000):
            chunk = prepared[first : first + 1000]
            made = Customer.objects.bulk_create(
                [
                    Customer(**values, owner=actor, department_id=actor.department_id)
                    for values, _contact in chunk
                ]
            )
            Contact.objects.bulk_create(
                [
                    Contact(customer=customer, is_primary=True, **contact)
                    for customer, (_values, contact) in zip(made, chunk, strict=True)
                    if contact
                ]
            )
    return clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--as", dest="username", default="rep1")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--profile", type=Path, default=None)
    parser.add_argument("--csv", type=Path, default=None, help="also write the file here")
    args = parser.parse_args()

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="guanxi-bench-import-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["GUANXI_DATA_DIR"] = str(data_dir)
    os.environ["GUANXI_MODE"] = "test"  # DEBUG off (no query log), quick password hashing
    os.environ.pop("DATABASE_URL", None)  # always the throwaway SQLite file
    os.environ["DJANGO_SETTINGS_MODULE"] = "guanxi.settings"
    import django

    django.setup()
    from django.db import connection

    from guanxi.core.models import AuditEvent, User
    from guanxi.customers.models import Contact, Customer

    template = prepare_template(data_dir)
    data = build_csv(args.rows, args.seed)
    if args.csv:
        args.csv.write_bytes(data)
    print(
        f"{args.rows} rows, {len(data) / 1e6:.1f} MB CSV, SQLite {connection.settings_dict['NAME']}"
        f", as {args.username}, load average {os.getloadavg()[0]:.2f}"
    )

    if args.profile:
        import cProfile

        fresh_database(template)
        actor = User.objects.get(username=args.username)
        profiler = cProfile.Profile()
        profiler.enable()
        result = run_import(data, actor)
        profiler.disable()
        profiler.dump_stats(args.profile)
        print(f"profiled one import: created {result.created}; stats in {args.profile}")
        return

    runs: dict[str, list[Clock]] = {"import": [], "reimport": [], "ceiling": []}
    for round_no in range(1, args.rounds + 1):
        fresh_database(template)
        actor = User.objects.get(username=args.username)
        with Clock() as first:
            result = run_import(data, actor)
        assert result.written and result.created == args.rows, result.counts()
        counts = (Customer.objects.count(), Contact.objects.count(), AuditEvent.objects.count())
        with Clock() as again:
            repeat = run_import(data, actor)
        assert repeat.unchanged == args.rows, repeat.counts()
        fresh_database(template)
        actor = User.objects.get(username=args.username)
        bulk = ceiling(data, actor)
        for key, clock in (("import", first), ("reimport", again), ("ceiling", bulk)):
            runs[key].append(clock)
        print(
            f"round {round_no}: import {first.wall:6.2f} s, re-import {again.wall:6.2f} s, "
            f"bulk insert {bulk.wall:5.2f} s (CPU {first.cpu:.2f} / {again.cpu:.2f} / "
            f"{bulk.cpu:.2f} s); customers/contacts/audit rows {counts}; "
            f"load {os.getloadavg()[0]:.2f}"
        )
    wall = {k: statistics.median(args.rows / c.wall for c in v) for k, v in runs.items()}
    cpu = {k: statistics.median(args.rows / c.cpu for c in v) for k, v in runs.items()}
    print(f"median of {args.rounds}, rows/s (wall clock; CPU time of this process):")
    for key, label in (
        ("import", "import, new customers + contacts"),
        ("reimport", "re-import, all matched, unchanged"),
        ("ceiling", "bulk insert, no validation/audit"),
    ):
        print(
            f"  {label:36} {wall[key]:7.0f}  {wall[key] / wall['ceiling']:5.3f} of the ceiling;"
            f"  CPU {cpu[key]:7.0f}  {cpu[key] / cpu['ceiling']:5.3f}"
        )
    connection.close()
    if args.data_dir is None:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
