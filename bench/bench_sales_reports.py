"""Sales reports on the demo data: wall time and query count of every report, per persona.

    GUANXI_DATA_DIR=/tmp/demo guanxi demo --no-serve --customers 2000
    GUANXI_DATA_DIR=/tmp/demo GUANXI_MODE=demo .venv/bin/python bench/bench_sales_reports.py

Prints one row per report: the median of five runs for an administrator (all rows) and for a
sales rep (own rows), and the number of SQL queries each run makes.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from guanxi.core.models import User  # noqa: E402
from guanxi.sales.models import Order, OrderLine, Payment  # noqa: E402
from guanxi.sales.services import receivables, reports  # noqa: E402

PARAMS = {"start": "2025-01-01", "end": "2027-12-31"}


def measure(func) -> tuple[float, int]:
    times = []
    queries = 0
    for _ in range(5):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
        queries = len(captured)
    return statistics.median(times) * 1000, queries


def main() -> None:
    admin, rep = User.objects.get(username="admin"), User.objects.get(username="rep1")
    print(
        f"orders {Order.objects.count()}, lines {OrderLine.objects.count()}, "
        f"payments {Payment.objects.count()} ({connection.vendor})"
    )
    print(f"{'report':28} {'admin ms':>9} {'q':>3} {'rep ms':>9} {'q':>3}")
    for name in reports.REPORTS:
        a_ms, a_q = measure(lambda n=name: reports.run(n, admin, PARAMS))
        r_ms, r_q = measure(lambda n=name: reports.run(n, rep, PARAMS))
        print(f"{name:28} {a_ms:9.1f} {a_q:3d} {r_ms:9.1f} {r_q:3d}")
    a_ms, a_q = measure(lambda: receivables.receivables(Order.objects.visible_to(admin)))
    r_ms, r_q = measure(lambda: receivables.receivables(Order.objects.visible_to(rep)))
    print(f"{'receivables (ageing)':28} {a_ms:9.1f} {a_q:3d} {r_ms:9.1f} {r_q:3d}")


if __name__ == "__main__":
    main()
