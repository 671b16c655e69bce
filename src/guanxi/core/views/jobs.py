"""Pages of background-job progress: the user's recent jobs and one job (polled by htmx)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from guanxi.core.errors import RecordNotFound
from guanxi.core.services import job_runs
from guanxi.core.signed_in import signed_in_user

RECENT_PAGE_SIZE = 25


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    runs = job_runs.recent_runs(signed_in_user(request)).order_by("-created_at", "-pk")
    page = Paginator(runs, RECENT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/job_list.html", {"page": page, "runs": page.object_list})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress; on an htmx request just the progress fragment, which keeps polling
    itself until the job has finished."""
    try:
        run = job_runs.get_run(signed_in_user(request), pk)
    except RecordNotFound:
        raise Http404 from None
    htmx = getattr(request, "htmx", False)
    template = "core/_job_progress.html" if htmx else "core/job_detail.html"
    return render(request, template, {"run": run})
