"""The dated reference lists shipped with the source: regions (GB/T 2260) and industries
(GB/T 4754-2017). Loaded once per process from ``customers/data``; read-only."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    parent: str
    level: str  # province | city | district


@dataclass(frozen=True)
class Industry:
    code: str
    name: str
    parent: str  # the section letter of a division; "" for a section


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


@functools.cache
def regions() -> dict[str, Region]:
    return {
        r["code"]: Region(r["code"], r["name"], r["parent"], r["level"])
        for r in _rows("regions.csv")
    }


@functools.cache
def industries() -> dict[str, Industry]:
    return {r["code"]: Industry(r["code"], r["name"], r["parent"]) for r in _rows("industries.csv")}


def region_name(code: str) -> str:
    region = regions().get(code or "")
    return region.name if region else ""


def region_label(province: str, city: str, district: str) -> str:
    """ "广东省 广州市 天河区", skipping the "市辖区" placeholder level of the municipalities."""
    parts = [region_name(c) for c in (province, city, district) if c]
    return " ".join(p for p in parts if p and p not in {"市辖区", "县", "省直辖县级行政区划"})


def industry_name(code: str) -> str:
    industry = industries().get(code or "")
    return industry.name if industry else ""


def provinces() -> list[Region]:
    return [r for r in regions().values() if r.level == "province"]


def children(code: str) -> list[Region]:
    return [r for r in regions().values() if r.parent == code]


def region_choices(level: str) -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in regions().values() if r.level == level]


def industry_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Divisions grouped under their section, for a select box."""
    sections = [i for i in industries().values() if not i.parent]
    return [
        (
            f"{s.code} {s.name}",
            [(d.code, f"{d.code} {d.name}") for d in industries().values() if d.parent == s.code],
        )
        for s in sections
    ]


def find_region(text: str) -> Region | None:
    """A region by code or exact name (import: "广东省", "440000", "天河区")."""
    text = (text or "").strip()
    if not text:
        return None
    if text in regions():
        return regions()[text]
    return _regions_by_name().get(text)


@functools.cache
def _regions_by_name() -> dict[str, Region]:
    """Name → the first region of that name in list order (an import looks up three per row)."""
    by_name: dict[str, Region] = {}
    for region in regions().values():
        by_name.setdefault(region.name, region)
    return by_name


def find_industry(text: str) -> Industry | None:
    text = (text or "").strip()
    if not text:
        return None
    if text in industries():
        return industries()[text]
    head = text.split(" ", 1)[0]
    if head in industries():
        return industries()[head]
    for industry in industries().values():
        if industry.name == text:
            return industry
    return None
