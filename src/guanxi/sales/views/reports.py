"""Sales report pages: table, SVG chart (static/sales/charts.js) and CSV/XLSX export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from guanxi.core import exports
from guanxi.core.errors import InvalidInput
from guanxi.core.signed_in import signed_in_user
from guanxi.sales.services import (
    reports,
)
from guanxi.sales.services.common import currency


@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    return render(request, "sales/reports.html", {"reports": reports.REPORTS.values()})


@login_required
def report_page(request: HttpRequest, name: str) -> HttpResponse:
    """One report: a table, an SVG bar chart drawn by ``static/sales/charts.js`` from data handed
    over with json_script (no inline script), and CSV/XLSX export."""
    actor = signed_in_user(request)
    if name not in reports.REPORTS:
        raise Http404
    try:
        result = reports.run(name, actor, request.GET)
    except InvalidInput as exc:
        return render(
            request,
            "sales/report.html",
            {"errors": exc.errors, "spec": reports.REPORTS[name], "params": request.GET},
            status=400,
        )
    fmt = request.GET.get("format", "")
    if fmt:
        if fmt not in exports.CONTENT_TYPES:
            raise Http404
        content = exports.write(fmt, [str(c) for c in result.columns], result.rows, name)
        return exports.file_response(content, f"{name}-{result.start}-{result.end}.{fmt}", fmt)
    chart = {
        "labels": [str(row[result.chart_label]) for row in result.rows],
        "series": [
            {"name": str(result.columns[i]), "values": [float(row[i] or 0) for row in result.rows]}
            for i in result.chart_values
        ],
    }
    return render(
        request,
        "sales/report.html",
        {
            "report": result,
            "spec": reports.REPORTS[name],
            "chart": chart,
            "params": request.GET,
            "currency": currency(),
        },
    )
