#!/usr/bin/env bash
# Creates bench/.venv-lifetimes: lifetimes 0.11.3 with the pins it needs to run on Python 3.11,
# so the benchmarks can time it beside guanxi.analytics in the same run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/.venv-lifetimes"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import lifetimes" 2>/dev/null; then
    python3.11 -m venv "$venv"
    "$venv/bin/pip" install -q "numpy==1.26.4" "pandas==1.5.3" "scipy==1.17.1" \
        "matplotlib==3.7.5" "setuptools==81.0.0" "pyarrow<18" "autograd" "dill"
    "$venv/bin/pip" install -q --no-deps "lifetimes==0.11.3"
fi
echo "$venv/bin/python"
