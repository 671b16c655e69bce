"""Order, payment and receivables pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.core import clock, exports
from guanxi.core.errors import InvalidInput, StaleVersion
from guanxi.core.resources import pages
from guanxi.core.scopes import CHANGE, VIEW
from guanxi.core.services.audit import history
from guanxi.core.services.records import get_visible
from guanxi.core.views import generic
from guanxi.sales import forms
from guanxi.sales.models import (
    InstalmentStatus,
    Opportunity,
    Order,
    OrderStatus,
    Payment,
)
from guanxi.sales.services import (
    orders,
    payments,
    receivables,
)
from guanxi.sales.services.common import currency
from guanxi.sales.views.bins import OrderBin, OrderRestore
from guanxi.sales.views.common import (
    SalesEdit,
    _error_messages,
)


class OrderList(generic.ObjectListView):
    model = Order
    url_prefix = "sales:order"
    resource = "orders"
    list_name = "orders"
    template_name = "sales/order_list.html"
    table_template = "sales/_order_table.html"
    export_filename = "orders"

    def extra_context(self) -> dict[str, Any]:
        return {"statuses": OrderStatus.choices, "currency": currency()}


class OrderDetail(generic.ObjectDetailView):
    model = Order
    url_prefix = "sales:order"
    template_name = "sales/order_detail.html"

    def extra_context(self, obj: Any) -> dict[str, Any]:
        today = clock.today()
        instalments = list(obj.instalments.all())
        paid = orders.paid_total(obj)
        return {
            "lines": obj.lines.select_related("product"),
            "instalments": [(i, InstalmentStatus(i.status_on(today)).label) for i in instalments],
            "payments": Payment.objects.visible_to(self.request.user)
            .filter(order=obj)
            .select_related("owner"),
            "paid": paid,
            "outstanding": obj.total - paid,
            "currency": currency(),
            "history": history(obj)[:50],
            "products": forms.product_choices(),
            "line_rows": range(forms.LINE_ROWS),
            "instalment_form": forms.InstalmentForm(
                initial={"due_date": today + dt.timedelta(days=30)}
            ),
            "payment_form": forms.PaymentForm(order=obj, initial={"received_on": today}),
            "deal_date": orders.deal_date(obj.customer),
        }


class OrderEdit(SalesEdit):
    model = Order
    url_prefix = "sales:order"
    form_class = forms.OrderForm
    template_name = "sales/lines_form.html"

    def get_form(self, obj: Any, data: Any = None) -> Any:
        initial: dict[str, Any] = {"order_date": clock.today()} if obj is None else {}
        if obj is None and self.request.GET.get("customer", "").isdigit():
            initial["customer"] = int(self.request.GET["customer"])
        return self.form_class(data, instance=obj, user=self.request.user, initial=initial)

    def render_form(self, form: Any, obj: Any, status: int = 200, **extra: Any) -> HttpResponse:
        if obj is None:
            extra.setdefault("products", forms.product_choices())
            extra.setdefault("line_rows", range(forms.LINE_ROWS))
            opportunity_id = self.request.GET.get("opportunity", "") or self.request.POST.get(
                "opportunity", ""
            )
            extra.setdefault("opportunity_id", opportunity_id if opportunity_id.isdigit() else "")
        return super().render_form(form, obj, status, **extra)

    def post(self, request: HttpRequest, pk: Any = None) -> HttpResponse:
        opportunity_id = request.POST.get("opportunity", "")
        if pk is None and opportunity_id.isdigit():
            opportunity = get_visible(Opportunity, opportunity_id, request.user)
            try:
                order = orders.create_order(
                    actor=request.user,
                    opportunity=opportunity,
                    values={"order_date": clock.today()},
                )
            except InvalidInput as exc:
                _error_messages(request, exc)
                return HttpResponseRedirect(
                    reverse("sales:opportunity_detail", args=[opportunity.pk])
                )
            messages.success(request, _("%(name)s created.") % {"name": order})
            return HttpResponseRedirect(reverse("sales:order_detail", args=[order.pk]))
        return super().post(request, pk)

    def create(self, form: Any) -> Order:
        return orders.create_order(
            actor=self.request.user,
            customer=form.cleaned_data["customer"],
            values=form.values(),
            lines=forms.parse_lines(self.request.POST),
        )

    def update(self, obj: Any, form: Any, version: int) -> Order:
        return orders.update_order(
            obj, actor=self.request.user, expected_version=version, changes=form.values()
        )


class OrderDelete(generic.ObjectDeleteView):
    model = Order
    url_prefix = "sales:order"

    def delete(self, obj: Any) -> None:
        orders.delete_order(obj, actor=self.request.user)


ORDER_ACTIONS = {"confirm", "release", "deliver", "cancel", "lines", "instalment", "payment"}


@login_required
@require_POST
@generic.as_http_errors
def order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The order page's buttons: confirm, release from hold, deliver, cancel, lines, add an
    instalment, record a payment. Each runs one service; refusals come back as messages."""
    if action not in ORDER_ACTIONS:
        raise Http404
    order = get_visible(Order, pk, request.user, VIEW if action == "payment" else CHANGE)
    version = int(request.POST.get("version") or 0) or None
    try:
        if action == "confirm":
            confirmed = orders.confirm_order(order, actor=request.user, expected_version=version)
            if confirmed.status == OrderStatus.ON_HOLD:
                messages.warning(
                    request,
                    _("The order is on hold: %(reason)s") % {"reason": confirmed.hold_reason},
                )
            else:
                messages.success(request, _("Order confirmed."))
        elif action == "release":
            orders.release_order(order, actor=request.user, expected_version=version)
            messages.success(request, _("Order released and confirmed."))
        elif action == "deliver":
            orders.deliver_order(order, actor=request.user, expected_version=version)
            messages.success(request, _("Order delivered."))
        elif action == "cancel":
            orders.cancel_order(
                order,
                actor=request.user,
                reason=request.POST.get("reason", ""),
                expected_version=version,
            )
            messages.success(request, _("Order cancelled."))
        elif action == "lines":
            orders.replace_lines(
                order,
                actor=request.user,
                lines=forms.parse_lines(request.POST),
                expected_version=version,
            )
            messages.success(request, _("Lines saved."))
        elif action == "instalment":
            instalment_form = forms.InstalmentForm(request.POST)
            if not instalment_form.is_valid():
                raise InvalidInput(
                    {k: [str(e) for e in v] for k, v in instalment_form.errors.items()}
                )
            orders.add_instalment(order, actor=request.user, values=instalment_form.cleaned_data)
            messages.success(request, _("Instalment added."))
        else:
            payment_form = forms.PaymentForm(request.POST, order=order)
            if not payment_form.is_valid():
                raise InvalidInput({k: [str(e) for e in v] for k, v in payment_form.errors.items()})
            payments.record_payment(
                actor=request.user, order=order, values=payment_form.cleaned_data
            )
            messages.success(request, _("Payment recorded."))
    except (InvalidInput, StaleVersion) as exc:
        _error_messages(request, exc)
    return HttpResponseRedirect(reverse("sales:order_detail", args=[pk]))


class PaymentList(generic.ObjectListView):
    model = Payment
    url_prefix = "sales:payment"
    resource = "payments"
    list_name = "payments"
    template_name = "sales/payment_list.html"
    table_template = "sales/_payment_table.html"
    export_filename = "payments"

    def extra_context(self) -> dict[str, Any]:
        return {"currency": currency()}


@login_required
@require_POST
@generic.as_http_errors
def payment_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_visible(Payment, pk, request.user, CHANGE)
    try:
        payments.reverse_payment(payment, actor=request.user, reason=request.POST.get("reason", ""))
    except (InvalidInput, StaleVersion) as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Payment reversed."))
    return HttpResponseRedirect(reverse("sales:order_detail", args=[payment.order_id]))


@login_required
def receivables_page(request: HttpRequest) -> HttpResponse:
    """Accounts receivable with ageing buckets, over the orders the user may see."""
    ageing = receivables.receivables(Order.objects.visible_to(request.user))
    fmt = request.GET.get("format", "")
    if fmt:
        if fmt not in exports.CONTENT_TYPES:
            raise Http404
        headers = [
            _("order"),
            _("customer"),
            _("instalment"),
            _("due date"),
            _("days overdue"),
            _("ageing"),
            _("open amount"),
        ]
        labels = dict(receivables.BUCKETS)
        rows = (
            [
                r.order.number,
                r.order.customer.name,
                r.instalment.number if r.instalment else "",
                r.due_date,
                r.days_overdue,
                str(labels[r.bucket]),
                r.amount,
            ]
            for r in ageing.rows
        )
        return exports.file_response(
            exports.write(fmt, headers, rows, "receivables"), f"receivables.{fmt}", fmt
        )
    return render(
        request,
        "sales/receivables.html",
        {"ageing": ageing, "buckets": ageing.buckets(), "currency": currency()},
    )


# ---------------------------------------------------------------- URLs of the generic pages

pages.PageSet(
    "sales", "orders", root="orders/", list=OrderList, detail=OrderDetail, edit=OrderEdit,
    delete=OrderDelete, restore=OrderRestore, bin=OrderBin,
)  # fmt: skip
pages.PageSet("sales", "payments", root="payments/", list=PaymentList)
