"""Customer list page and API at 100,000 customers: wall time and query count per persona.

    .venv/bin/python bench/bench_customer_list.py --database sqlite --src /work/wt-base/src
    .venv/bin/python bench/bench_customer_list.py --database postgres \\
        --compare /work/wt-base/src /work/main/src [--rounds 4] [--reps 7]

One run times, in-process with Django's test client and signed in as the administrator
(``admin``), a sales manager (``manager1``: the East department) and a sales rep (``rep1``: own
customers), four requests each:

- the list page ``GET /customers/``, first page;
- the list page filtered, searched and sorted (``FILTERED`` below);
- the API list ``GET /api/v1/customers?page_size=50``;
- the API list with the same filter, search and sort.

Per request it prints the median wall time of ``--reps`` runs (after a warm-up run, and one
run that counts the SQL queries with ``CaptureQueriesContext``: the timed runs are not
captured), the median CPU time of this process (on SQLite that includes the database's own
work; on PostgreSQL the server's is not in it), the query count, and the rows the API found
(``count``) or the page's size in bytes.

``--src DIR`` puts that checkout's ``src`` first on ``sys.path``, so the same script times old
and new code on the same database. ``--compare OLD_SRC NEW_SRC`` runs the two alternately in
subprocesses (``--rounds`` rounds, the order swapped every round) and prints old, new, the ratio
new/old, the ratio of the CPU medians, and both query counts side by side; timings are pooled
over the rounds. The last line is the geometric mean of each ratio over the twelve requests: on
a shared machine the per-request wall ratios of the same code against itself spread by ±25 % at
a load average of 7–10, their mean and the CPU ratios far less (bench/RESULTS.md).

The database is built once, by the code of ``--src`` (for ``--compare``: OLD_SRC), and cached
(a marker file beside it says what it holds): the demo organisation (``guanxi.core.demo``) and
``--customers`` customers from the demo's own bulk generator (``guanxi.customers.demo``, with
its contacts and activities; owners spread over the reps and managers, 3 % without owner).
The sales generator is left out: the customer list reads no sales rows, and orders for 100,000
customers would take far longer than the customers themselves. On PostgreSQL the build ends
with VACUUM ANALYZE, as autovacuum would soon do. SQLite: ``<data-dir>/sqlite/guanxi.sqlite3``;
PostgreSQL: database ``guanxi_benchlist`` on ``--postgres`` (created here).

When the code under test has migrations the database lacks, it is timed on a migrated copy of
the same data (``guanxi-m<hash>.sqlite3``, or the database ``guanxi_benchlist_m<hash>`` made from
the original as a template), so the older code keeps its own schema. The copy is cached too.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PERSONAS = [
    ("admin", "administrator"),
    ("manager1", "sales manager"),
    ("rep1", "sales rep"),
]
#: Two filters (one of them many-valued), a search (a LIKE on search_text) and a sort.
FILTERED = "status=current&importance=vip&importance=important&q=%E5%8D%8E%E5%85%B4&sort=name"
REQUESTS = [
    ("page", "first", "/customers/"),
    ("page", "filtered", f"/customers/?{FILTERED}"),
    ("api", "first", "/api/v1/customers?page_size=50"),
    ("api", "filtered", f"/api/v1/customers?page_size=50&{FILTERED}"),
]
PG_NAME = "guanxi_benchlist"


# ------------------------------------------------------------------ environment


def configure(args: argparse.Namespace) -> None:
    """Environment for Django, before it is imported: the code under test first on the path,
    demo settings with DEBUG off, the bench's own data directory and database."""
    src = Path(args.src).resolve()
    sys.path.insert(0, str(src))
    data = args.data_dir / args.database
    data.mkdir(parents=True, exist_ok=True)
    os.environ["GUANXI_DATA_DIR"] = str(data)
    os.environ["GUANXI_MODE"] = "demo"  # the demo generator's profile; DEBUG forced off below
    os.environ["DEBUG"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "guanxi.settings"
    os.environ.pop("REDIS_URL", None)
    if args.database == "postgres":
        os.environ["DATABASE_URL"] = args.postgres.rstrip("/") + "/" + PG_NAME
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    import guanxi

    where = Path(guanxi.__file__).resolve()
    if src not in where.parents:
        raise SystemExit(f"guanxi was imported from {where}, not from {src}")
    django.setup()


def marker_path(args: argparse.Namespace, name: str) -> Path:
    return args.data_dir / args.database / f"{name}.ready.json"


def git_head(src: Path) -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(src), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def postgres_admin(args: argparse.Namespace, *statements: str) -> None:
    """Run statements on the server's maintenance database (CREATE/DROP DATABASE)."""
    import psycopg

    with psycopg.connect(args.postgres.rstrip("/") + "/postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


# ------------------------------------------------------------------ the database


def build(args: argparse.Namespace) -> None:
    """Migrate an empty database and fill it with the demo organisation and customers."""
    import random

    from django.core.management import call_command
    from django.db import connection

    from guanxi.core import demo
    from guanxi.customers.models import Activity, Contact, Customer

    marker = marker_path(args, "base")
    marker.unlink(missing_ok=True)
    connection.close()
    if args.database == "postgres":
        postgres_admin(args, f'DROP DATABASE IF EXISTS "{PG_NAME}"', f'CREATE DATABASE "{PG_NAME}"')
    else:
        database = Path(connection.settings_dict["NAME"])
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            path.unlink(missing_ok=True)
    started = time.perf_counter()
    print(f"building {args.customers:,} customers ({args.database}), load {load()}", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    ctx = demo.DemoContext(
        rng=random.Random(args.seed), seed=args.seed, options={"customers": args.customers}
    )
    ctx.progress = progress
    with transaction_atomic():
        demo.build_organisation(ctx)
    demo.GENERATORS["customers"].func(ctx)
    vacuum(args)
    seconds = time.perf_counter() - started
    counts = {
        "customers": Customer.all_objects.count(),
        "contacts": Contact.all_objects.count(),
        "activities": Activity.all_objects.count(),
    }
    connection.close()
    marker.write_text(
        json.dumps(
            {
                "customers": args.customers,
                "seed": args.seed,
                "built_with": f"{args.src} ({git_head(Path(args.src))})",
                "built_at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
                "seconds": round(seconds, 1),
                "counts": counts,
            },
            indent=1,
        )
    )
    print(f"\nbuilt in {seconds:.0f} s: {counts}", flush=True)


def transaction_atomic() -> Any:
    from django.db import transaction

    return transaction.atomic()


def progress(label: str, done: int, total: int) -> None:
    if done == total or done % 20000 == 0:
        print(f"  {label} {done:,}/{total:,}", end="\r", flush=True)


def vacuum(args: argparse.Namespace) -> None:
    """Fresh planner statistics on PostgreSQL after a bulk load (autovacuum would do it
    minutes later, in the middle of a run)."""
    from django.db import connection

    if args.database == "postgres":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def ensure_built(args: argparse.Namespace) -> dict[str, Any]:
    marker = marker_path(args, "base")
    if args.rebuild or not marker.exists():
        build(args)
    info = json.loads(marker.read_text())
    if info["customers"] != args.customers or info["seed"] != args.seed:
        raise SystemExit(
            f"{marker} holds {info['customers']} customers (seed {info['seed']}); "
            "pass those, or --rebuild"
        )
    return info


def use_migrated_copy(args: argparse.Namespace) -> str:
    """When this code has migrations the database lacks, point Django at a migrated copy of
    it (made once per set of migrations) and return the copy's name; else return ''."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return ""
    names = sorted(f"{m.app_label}.{m.name}" for m, _backwards in plan)
    tag = "m" + hashlib.sha256("\n".join(names).encode()).hexdigest()[:8]
    marker = marker_path(args, tag)
    connection.close()
    if args.database == "postgres":
        name = f"{PG_NAME}_{tag}"
        if not marker.exists():
            postgres_admin(
                args,
                f'DROP DATABASE IF EXISTS "{name}"',
                f'CREATE DATABASE "{name}" TEMPLATE "{PG_NAME}"',
            )
    else:
        original = Path(connection.settings_dict["NAME"])
        name = str(original.with_name(f"guanxi-{tag}.sqlite3"))
        if not marker.exists():
            copy_sqlite(original, Path(name))
    connection.settings_dict["NAME"] = name
    if not marker.exists():
        print(f"migrating a copy of the data for {len(names)} new migrations: {name}", flush=True)
        call_command("migrate", verbosity=0, interactive=False)
        # No new ANALYZE: a PostgreSQL template copy carries the original's statistics, and a
        # fresh sample can pick another plan for the same SQL (seen: a filtered list 40 % slower
        # on identical queries), which would be timed as a difference in the code.
        if args.database != "postgres":
            vacuum(args)
        connection.close()
        marker.write_text(json.dumps({"copy": name, "migrations": names}, indent=1))
    return name


def copy_sqlite(original: Path, copy: Path) -> None:
    """A consistent copy of a WAL database (the backup API, not a file copy)."""
    import sqlite3

    for path in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
        path.unlink(missing_ok=True)
    source, target = sqlite3.connect(original), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


# ------------------------------------------------------------------ measuring


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Every persona × request: median wall and CPU ms of ``reps`` runs, queries, rows."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from guanxi.core.models import User

    results: dict[str, Any] = {}
    for username, _label in PERSONAS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for kind, variant, url in REQUESTS:
            client.get(url)  # warm-up: templates, per-process caches (content types)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)  # the query count of a warm request
            # Counted now: the log is cleared when the next request starts.
            queries = len(captured)
            if response.status_code != 200:
                raise SystemExit(f"{username} GET {url}: HTTP {response.status_code}")
            if kind == "api":
                rows = response.json()["count"]
            else:
                rows = len(response.content)
            walls, cpus = [], []
            for _ in range(args.reps):
                gc.collect()
                wall, cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                walls.append((time.perf_counter() - wall) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
                assert response.status_code == 200
            results[f"{username} {kind} {variant}"] = {
                "wall": walls,
                "cpu": cpus,
                "queries": queries,
                "rows": rows,
            }
        client.logout()
    return results


def run_once(args: argparse.Namespace) -> None:
    configure(args)
    from django.db import connection

    info = ensure_built(args)
    if args.build_only:
        return
    copy = use_migrated_copy(args)
    started = load()
    results = measure(args)
    meta = {
        "src": args.src,
        "head": git_head(Path(args.src)),
        "database": f"{connection.vendor} {connection.settings_dict['NAME']}",
        "migrated_copy": copy,
        "customers": info["counts"]["customers"],
        "load": [started, load()],
    }
    connection.close()
    if args.json:
        print(json.dumps({"meta": meta, "results": results}))
        return
    print(
        f"{meta['customers']:,} customers, {meta['database']}, code {meta['src']} "
        f"({meta['head']}), median of {args.reps}, load {started} → {load()}"
    )
    print(f"{'persona / request':30} {'wall ms':>9} {'cpu ms':>9} {'queries':>8} {'rows':>9}")
    for key, row in results.items():
        print(
            f"{key:30} {statistics.median(row['wall']):9.1f} {statistics.median(row['cpu']):9.1f}"
            f" {row['queries']:8d} {row['rows']:9}"
        )


def load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


# ------------------------------------------------------------------ comparing


def child(args: argparse.Namespace, src: str, *extra: str) -> dict[str, Any]:
    """Run this script on ``src`` in a fresh interpreter; return its JSON result, if any."""
    command = [sys.executable, str(Path(__file__).resolve()), "--src", src, *common(args), *extra]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"{src}: exit code {done.returncode}")
    sys.stdout.write("".join(f"  {line}\n" for line in done.stdout.splitlines() if line[:1] != "{"))
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def common(args: argparse.Namespace) -> list[str]:
    """The options a child run shares with its parent."""
    return [
        "--database", args.database,
        "--data-dir", str(args.data_dir),
        "--customers", str(args.customers),
        "--seed", str(args.seed),
        "--reps", str(args.reps),
        "--postgres", args.postgres,
    ]  # fmt: skip


def compare(args: argparse.Namespace) -> None:
    old_src, new_src = args.compare
    if args.rebuild or not marker_path(args, "base").exists():
        print(f"building the database with {old_src} ...", flush=True)
        child(args, old_src, "--build-only", *(["--rebuild"] if args.rebuild else []))
    started, start_load = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), load()
    runs: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
    for round_no in range(args.rounds):
        order = ("old", "new") if round_no % 2 == 0 else ("new", "old")
        for side in order:
            run = child(args, old_src if side == "old" else new_src, "--json")
            runs[side].append(run)
            print(f"round {round_no + 1} {side}: load {run['meta']['load']}", flush=True)
    old_meta, new_meta = runs["old"][0]["meta"], runs["new"][0]["meta"]
    print(
        f"\n{old_meta['customers']:,} customers, {old_meta['database']}; {started}, load "
        f"{start_load} → {load()}; {args.rounds} rounds × {args.reps} runs, medians, ms"
    )
    print(f"old: {old_src} ({old_meta['head']}) {old_meta['migrated_copy']}")
    print(f"new: {new_src} ({new_meta['head']}) {new_meta['migrated_copy']}")
    print(
        f"{'persona / request':26} {'old':>7} {'new':>7} {'new/old':>7} {'cpu n/o':>7}"
        f" {'q old':>5} {'q new':>5} {'rows old / new':>16}"
    )
    ratios: dict[str, list[float]] = {"wall": [], "cpu": []}
    for key in runs["old"][0]["results"]:
        old, new = pooled(runs["old"], key), pooled(runs["new"], key)
        for measure_name in ratios:
            ratios[measure_name].append(new[measure_name] / old[measure_name])
        flag = "" if old["rows"] == new["rows"] else "  rows differ"
        if new["queries"] > old["queries"]:
            flag += "  more queries"
        rows = f"{old['rows']} / {new['rows']}"
        print(
            f"{key:26} {old['wall']:7.1f} {new['wall']:7.1f} {ratios['wall'][-1]:7.3f}"
            f" {ratios['cpu'][-1]:7.3f} {old['queries']:5}"
            f" {new['queries']:5} {rows:>16}{flag}"
        )
    means = {name: statistics.geometric_mean(values) for name, values in ratios.items()}
    print(
        f"geometric mean new/old over {len(ratios['wall'])} requests: wall {means['wall']:.3f}, "
        f"cpu {means['cpu']:.3f}; wall ratios "
        f"{min(ratios['wall']):.3f}–{max(ratios['wall']):.3f}"
    )


def pooled(runs: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """Medians over every timed run of every round; the query count
    (the largest, should it change between rounds) and the rows."""
    rows = [run["results"][key] for run in runs]
    return {
        "wall": statistics.median(w for row in rows for w in row["wall"]),
        "cpu": statistics.median(c for row in rows for c in row["cpu"]),
        "queries": max(row["queries"] for row in rows),
        "rows": rows[0]["rows"] if all(r["rows"] == rows[0]["rows"] for r in rows) else "varies",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--src", default=str(ROOT / "src"), help="the checkout's src to time")
    parser.add_argument("--compare", nargs=2, metavar=("OLD_SRC", "NEW_SRC"))
    parser.add_argument("--rounds", type=int, default=4, help="--compare: subprocess pairs")
    parser.add_argument("--reps", type=int, default=7, help="timed runs per request")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--data-dir", type=Path, default=ROOT / "data" / "bench-customer-list", help="databases"
    )
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.data_dir = args.data_dir.resolve()
    if args.compare:
        compare(args)
    else:
        run_once(args)


if __name__ == "__main__":
    main()
