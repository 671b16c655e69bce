"""Fit times of the lifetime-value models against lifetimes 0.11.3, on the seeded anchor inputs.

Prints, for each case, the median of three fits (wall-clock and CPU seconds) for
guanxi.analytics.models and for lifetimes (run in its own venv, in the same run, on the same
files), the ratio, the goal and whether each parameter agrees with lifetimes to 4 significant
digits. A script that prints figures, not a timed test.

Inputs (seeded, gitignored):  python bench/make_anchor_data.py bench/data --skip-10m
lifetimes venv (idempotent):  bash bench/lifetimes_venv.sh
Run:                          .venv/bin/python bench/bench_models.py [--skip-lifetimes]

Cases: the bench files store recency and T as continuous floats (weeks, few ties), measured as
given; the "days" variants round recency and T to whole days (``round(t * 7) / 7``), where many
customers share a summary and the fit sums over distinct rows.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
sys.path.insert(0, str(ROOT / "src"))

from guanxi.analytics.models import BetaGeo, GammaGamma, ParetoNBD  # noqa: E402
from guanxi.analytics.models._betageo_likelihood import (  # noqa: E402
    BetaGeoData,
    betageo_negloglik,
)
from guanxi.analytics.models._transaction import Summary  # noqa: E402
from guanxi.analytics.models.gammagamma import _negloglik as gammagamma_negloglik  # noqa: E402
from guanxi.analytics.models.gammagamma import _SpendData  # noqa: E402
from guanxi.analytics.models.paretonbd import ParetoData, paretonbd_negloglik  # noqa: E402

REPEATS = 3

# name, file, guanxi model, lifetimes fitter, columns, goal in seconds, round to days
CASES: list[tuple[str, str, type, str, tuple[str, ...], float, bool]] = [
    ("BG/NBD 1M", "bg_1m", BetaGeo, "BetaGeoFitter", ("frequency", "recency", "T"), 0.5, False),
    ("BG/NBD 1M days", "bg_1m", BetaGeo, "BetaGeoFitter", ("frequency", "recency", "T"), 0.5, True),
    (
        "Pareto/NBD 100k",
        "pnbd_100k",
        ParetoNBD,
        "ParetoNBDFitter",
        ("frequency", "recency", "T"),
        1.0,
        False,
    ),
    (
        "Pareto/NBD 100k days",
        "pnbd_100k",
        ParetoNBD,
        "ParetoNBDFitter",
        ("frequency", "recency", "T"),
        1.0,
        True,
    ),
    (
        "Gamma-Gamma 100k",
        "gg_100k",
        GammaGamma,
        "GammaGammaFitter",
        ("frequency", "monetary_value"),
        0.05,
        False,
    ),
]

# lifetimes names its parameters differently.
LIFETIMES_NAMES = {"GammaGammaFitter": {"gamma": "v"}}

LIFETIMES_SCRIPT = r"""
import json, sys, time, warnings
import numpy as np, pyarrow.parquet as pq
import lifetimes
warnings.simplefilter("ignore")  # this child process only: lifetimes warns on every fit
path, fitter_name, columns = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
days, repeats = sys.argv[4] == "1", int(sys.argv[5])
table = pq.read_table(path).to_pydict()
cols = [np.asarray(table[c], dtype=float) for c in columns]
if days:
    cols[1] = np.round(cols[1] * 7) / 7
    cols[2] = np.round(cols[2] * 7) / 7
walls, cpus, params = [], [], None
for _ in range(repeats):
    fitter = getattr(lifetimes, fitter_name)()
    w0, c0 = time.perf_counter(), time.process_time()
    fitter.fit(*cols)
    walls.append(time.perf_counter() - w0); cpus.append(time.process_time() - c0)
    params = {k: float(v) for k, v in fitter.params_.items()}
print(json.dumps({"wall": walls, "cpu": cpus, "params": params}))
"""


def load(name: str, columns: tuple[str, ...], days: bool) -> dict[str, np.ndarray]:
    table = pq.read_table(DATA / f"{name}.parquet")
    arrays = {c: np.asarray(table.column(c).to_numpy(), dtype=np.float64) for c in columns}
    if days:
        arrays["recency"] = np.round(arrays["recency"] * 7) / 7
        arrays["T"] = np.round(arrays["T"] * 7) / 7
    return arrays


def time_guanxi(model: type, table: pa.Table) -> tuple[list[float], list[float], Any]:
    walls, cpus, fitted = [], [], None
    for _ in range(REPEATS):
        w0, c0 = time.perf_counter(), time.process_time()
        fitted = model().fit(table)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return walls, cpus, fitted


def time_lifetimes(python: str, name: str, fitter: str, columns: tuple[str, ...], days: bool):
    out = subprocess.run(
        [
            python,
            "-c",
            LIFETIMES_SCRIPT,
            str(DATA / f"{name}.parquet"),
            fitter,
            ",".join(columns),
            "1" if days else "0",
            str(REPEATS),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def log_likelihood_at(model: type, arrays: dict[str, np.ndarray], params: list[float]) -> float:
    """Our log-likelihood of the data at someone else's parameters (to see who is higher)."""
    p = np.asarray(params, dtype=np.float64)
    if model is GammaGamma:
        return -gammagamma_negloglik(p, _SpendData(arrays["frequency"], arrays["monetary_value"]))[
            0
        ]
    x, tx, big_t = arrays["frequency"], arrays["recency"], arrays["T"]
    summary = Summary(x, tx, big_t, np.ones(len(x)))
    if model is BetaGeo:
        return -betageo_negloglik(p, BetaGeoData(summary, 0))[0]
    return -paretonbd_negloglik(p, ParetoData(summary))[0]


def same_to_4_digits(a: float, b: float) -> bool:
    return float(f"{a:.4g}") == float(f"{b:.4g}")


def main() -> None:
    skip_lifetimes = "--skip-lifetimes" in sys.argv
    missing = [c[1] for c in CASES if not (DATA / f"{c[1]}.parquet").exists()]
    if missing:
        sys.exit(f"missing {missing}: run  python bench/make_anchor_data.py bench/data --skip-10m")
    python = None
    if not skip_lifetimes:
        python = (
            subprocess.run(
                ["bash", str(ROOT / "bench" / "lifetimes_venv.sh")],
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
    print(
        f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at start; median of {REPEATS}"
    )
    for label, name, model, fitter, columns, goal, days in CASES:
        arrays = load(name, columns, days)
        table = pa.table(arrays)
        distinct = len(np.unique(np.column_stack(list(arrays.values())), axis=0))
        walls, cpus, fitted = time_guanxi(model, table)
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        # the goals are wall-clock times; CPU time adds up every thread of the parallel kernels
        verdict = f"wall {'met' if wall <= goal else 'MISSED'}"
        print(f"\n## {label}: {len(table)} rows, {distinct} distinct")
        print(
            f"guanxi    wall {wall:.3f} s  cpu {cpu:.3f} s  "
            f"(runs {', '.join(f'{w:.3f}' for w in walls)})  goal {goal} s: {verdict}"
        )
        params = fitted.params_
        print(
            "guanxi    params "
            + ", ".join(f"{k}={v:.6g}" for k, v in params.items())
            + f"  log-likelihood {fitted.log_likelihood_:.4f}"
        )
        if python is None:
            continue
        theirs = time_lifetimes(python, name, fitter, columns, days)
        lt_wall, lt_cpu = statistics.median(theirs["wall"]), statistics.median(theirs["cpu"])
        print(
            f"lifetimes wall {lt_wall:.3f} s  cpu {lt_cpu:.3f} s  "
            f"(runs {', '.join(f'{w:.3f}' for w in theirs['wall'])})"
        )
        print(f"ratio     lifetimes / guanxi: wall {lt_wall / wall:.1f}x, cpu {lt_cpu / cpu:.1f}x")
        rename = LIFETIMES_NAMES.get(fitter, {})
        agree = []
        for key, ours in params.items():
            other = theirs["params"][rename.get(key, key)]
            agree.append(
                f"{key}: {ours:.4g} vs {other:.4g} "
                f"({'same' if same_to_4_digits(ours, other) else 'DIFFERENT'} at 4 s.f., "
                f"rel. diff {abs(ours - other) / abs(other):.1e})"
            )
        print("agreement " + "; ".join(agree))
        full = [theirs["params"][rename.get(k, k)] for k in params]
        at_theirs = log_likelihood_at(model, arrays, full)
        print(
            "lifetimes params "
            + ", ".join(f"{k}={v:.7g}" for k, v in zip(params, full, strict=True))
            + f"; log-likelihood there {at_theirs:.6f} "
            f"({fitted.log_likelihood_ - at_theirs:+.6f} at guanxi's maximum)"
        )


if __name__ == "__main__":
    main()
