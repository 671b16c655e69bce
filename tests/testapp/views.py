"""A widget's page: the record read through the scope rule, with the attachments panel."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from guanxi.core import attachments
from guanxi.core.services import records
from guanxi.core.views.generic import as_http_errors
from tests.testapp.models import Widget


@login_required
@as_http_errors
def widget_detail(request, pk):
    widget = records.get_visible(Widget, pk, request.user)
    panel = attachments.panel_context(widget, request)
    return render(request, "testapp/widget_detail.html", {"widget": widget, "panel": panel})
