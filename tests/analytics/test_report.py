"""The offline HTML report: five inline-SVG charts, no script, no URL, every user string escaped."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import numpy as np
import pyarrow as pa
import pytest

from guanxi.analytics.pipeline import AnalysisResult, analyze
from guanxi.analytics.report import CHART_IDS, charts, render_report, write_report

pytestmark = pytest.mark.dbindependent

HOSTILE_ID = "<script>alert(1)</script>"
FORMULA_ID = "=cmd|' /C calc'!A0"
HOSTILE_COLUMN = 'amount"><img src=x onerror=alert(2)>'


class _Elements(HTMLParser):
    """Collects every start tag with its attributes, and the text, as a browser would parse it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return parser


def hostile_transactions() -> pa.Table:
    """Thirty customers, two of them with ids that are HTML and a spreadsheet formula."""
    rng = np.random.default_rng(3)
    ids, days, amounts = [], [], []
    names = [HOSTILE_ID, FORMULA_ID] + [f"c{k}" for k in range(28)]
    for k, name in enumerate(names):
        n = 6 if k < 2 else 1 + int(rng.integers(0, 4))  # the hostile two are top customers
        start = date(2024, 1, 1) + timedelta(days=int(rng.integers(0, 40)))
        for j in range(n):
            ids.append(name)
            days.append(start + timedelta(days=15 * j + int(rng.integers(0, 5))))
            amounts.append(500.0 if k < 2 else float(rng.integers(5, 100)))
    return pa.table({"customer <b>id</b>": ids, "day": days, HOSTILE_COLUMN: amounts})


@pytest.fixture(scope="module")
def hostile_result() -> AnalysisResult:
    return analyze(
        hostile_transactions(),
        customer="customer <b>id</b>",
        date="day",
        amount=HOSTILE_COLUMN,
        time_unit="D",
    )


@pytest.fixture(scope="module")
def hostile_page(hostile_result: AnalysisResult) -> str:
    return render_report(hostile_result)


def test_the_report_has_the_five_charts_as_inline_svg(hostile_page: str) -> None:
    figures = [
        attrs.get("data-chart") for tag, attrs in parse(hostile_page).tags if tag == "figure"
    ]
    assert figures == list(CHART_IDS)
    assert hostile_page.count("<svg ") == 5
    assert hostile_page.count("</svg>") == 5


def test_the_report_is_self_contained(hostile_page: str) -> None:
    elements = parse(hostile_page)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*https?://""", hostile_page, re.I)
    assert "http://" not in hostile_page and "https://" not in hostile_page
    for tag, attrs in elements.tags:
        assert tag not in {"script", "link", "iframe", "object", "embed", "img"}, tag
        assert "src" not in attrs and "href" not in attrs, (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    csp = next(
        attrs["content"]
        for tag, attrs in elements.tags
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp is not None and "default-src 'none'" in csp and "script-src" not in csp


def test_user_strings_are_escaped_everywhere(hostile_page: str) -> None:
    assert HOSTILE_ID not in hostile_page
    assert "<b>id</b>" not in hostile_page
    assert "<img" not in hostile_page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_page
    # As text, the browser shows the id and the column names exactly as they are in the data.
    shown = "".join(parse(hostile_page).text)
    assert HOSTILE_ID in shown
    assert FORMULA_ID in shown
    assert "customer <b>id</b>" in shown
    assert HOSTILE_COLUMN in shown


def test_labels_are_bilingual(hostile_page: str) -> None:
    for label in ("Value pyramid 客户金字塔", "ABC classification ABC分类法", "RFM 分析"):
        assert label in hostile_page


def test_write_report_writes_utf8(tmp_path, hostile_result: AnalysisResult) -> None:
    path = write_report(hostile_result, tmp_path / "r.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page


def test_a_base_without_a_fitted_model_still_has_five_figures() -> None:
    table = pa.table({"c": ["x", "y", "z"], "d": ["2024-01-01"] * 3, "a": [1.0, 2.0, 3.0]})
    page = render_report(analyze(table, customer="c", date="d", amount="a"))
    figures = [a.get("data-chart") for t, a in parse(page).tags if t == "figure"]
    assert figures == list(CHART_IDS)
    assert "not fitted" in page


@pytest.mark.parametrize(
    "svg",
    [
        charts.pareto_curve(np.array([])),
        charts.pareto_curve(np.zeros(5)),
        charts.clv_histogram(np.array([np.nan, np.nan])),
        charts.clv_histogram(np.array([3.0, 3.0, 3.0])),
        charts.rfm_heatmap(np.array([]), np.array([]), np.array([])),
        charts.value_pyramid([]),
        charts.palive_map(np.full((2, 2), np.nan), [0, 1], [0, 5], T=5, time_unit="W"),
    ],
)
def test_charts_survive_empty_and_degenerate_input(svg: str) -> None:
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    assert "nan" not in svg.lower().replace("nanos", "")


def test_chart_labels_are_escaped() -> None:
    svg = charts.value_pyramid([(HOSTILE_ID, 1, 0.5)], title="<b>t</b>")
    assert HOSTILE_ID not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg
