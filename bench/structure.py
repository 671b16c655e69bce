"""How much hand-written code the API and a plain resource cost, at one or more revisions.

    python bench/structure.py f0ca7e5 HEAD

For each revision (read from git, so the working tree does not matter): the lines and route
decorators of the modules' hand-written API (``customers/api.py`` and ``sales/api/``), and the
lines the competitors resource costs end to end (model, service, declaration, filters, views and
templates; tests excluded) where that resource exists.
"""

from __future__ import annotations

import re
import subprocess
import sys

API_FILES = ("src/guanxi/customers/api.py", "src/guanxi/sales/api/")
ROUTE = re.compile(r"^@router\.(get|post|put|patch|delete)\(", re.M)
#: The competitors resource, file by file; (path, first line, last line) for a block of a file.
CRUD_FILES = (
    "src/guanxi/sales/models/competitors.py",
    "src/guanxi/sales/services/competitors.py",
    "src/guanxi/sales/views/competitors.py",
)
CRUD_BLOCKS = (
    ("src/guanxi/sales/resources.py", "COMPETITORS = Resource(", ")\n"),
    ("src/guanxi/sales/filters.py", "COMPETITOR_FILTERS = FilterSet(", ")\n"),
)


def git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


def files(rev: str, prefix: str) -> list[str]:
    return [p for p in git("ls-tree", "-r", "--name-only", rev, "--", prefix).split() if p]


def show(rev: str, path: str) -> str | None:
    try:
        return git("show", f"{rev}:{path}")
    except subprocess.CalledProcessError:
        return None


def api_figures(rev: str) -> tuple[int, int]:
    lines = routes = 0
    for prefix in API_FILES:
        for path in files(rev, prefix):
            if path.endswith(".py"):
                text = show(rev, path) or ""
                lines += text.count("\n")
                routes += len(ROUTE.findall(text))
    return lines, routes


def block(text: str, start: str, end: str) -> int:
    first = text.find(start)
    if first < 0:
        return 0
    last = text.find("\n" + end, first)
    return text[first : last + 1].count("\n") + 1


def crud_figures(rev: str) -> int | None:
    total = 0
    for path in CRUD_FILES:
        text = show(rev, path)
        if text is None:
            return None
        total += text.count("\n")
    for path, start, end in CRUD_BLOCKS:
        total += block(show(rev, path) or "", start, end)
    return total


def main(revisions: list[str]) -> None:
    print(f"{'revision':<12} {'API lines':>10} {'API routes':>11} {'CRUD resource lines':>20}")
    for rev in revisions or ["HEAD"]:
        lines, routes = api_figures(rev)
        crud = crud_figures(rev)
        print(f"{rev:<12} {lines:>10} {routes:>11} {crud if crud is not None else '-':>20}")


if __name__ == "__main__":
    main(sys.argv[1:])
