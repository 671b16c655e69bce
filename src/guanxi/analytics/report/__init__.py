"""The offline HTML report of ``guanxi analyze``: inline SVG charts, no script, no URL."""

from .html import CHART_IDS, render_report, write_report

__all__ = ["CHART_IDS", "render_report", "write_report"]
