from django.urls import path

from guanxi.core import access
from guanxi.core.resources import pages
from guanxi.sales import views

app_name = "sales"

urlpatterns = [
    *pages.urlpatterns("sales"),
    path("leads/<int:pk>/convert/", views.lead_convert, name="lead_convert"),
    path("opportunities/board/", views.board, name="board"),
    path("opportunities/<int:pk>/move/", views.opportunity_move, name="opportunity_move"),
    path("opportunities/<int:pk>/lines/", views.opportunity_lines, name="opportunity_lines"),
    path("tasks/calendar/", views.calendar, name="calendar"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("tasks/<int:pk>/log/", views.task_log, name="task_log"),
    path("orders/", views.OrderList.as_view(), name="order_list"),
    path("orders/new/", views.OrderEdit.as_view(), name="order_create"),
    path("orders/<int:pk>/", views.OrderDetail.as_view(), name="order_detail"),
    path("orders/<int:pk>/edit/", views.OrderEdit.as_view(), name="order_edit"),
    path("orders/<int:pk>/delete/", views.OrderDelete.as_view(), name="order_delete"),
    path("orders/<int:pk>/restore/", views.OrderRestore.as_view(), name="order_restore"),
    path("orders/bin/", views.OrderBin.as_view(), name="order_bin"),
    path("orders/<int:pk>/<str:action>/", views.order_action, name="order_action"),
    path("payments/", views.PaymentList.as_view(), name="payment_list"),
    path("payments/<int:pk>/reverse/", views.payment_reverse, name="payment_reverse"),
    path("receivables/", views.receivables_page, name="receivables"),
    path("reports/", views.report_index, name="reports"),
    path("reports/<str:name>/", views.report_page, name="report"),
    path("import/", views.import_page, name="import"),
    path("import/template.<str:fmt>", views.import_template, name="import_template"),
    path("import/<int:pk>/errors.<str:fmt>", views.import_errors, name="import_errors"),
]

# Leads, opportunities and tasks: the pages that are not generic.
access.declare_many(
    app_name,
    {
        "lead_convert": access.SCOPED,
        "opportunity_move": access.SCOPED,
        "opportunity_lines": access.SCOPED,
        "task_complete": access.SCOPED,
        "task_log": access.SCOPED,
        # The board and the calendar show only what the viewer's scope holds.
        "board": access.SIGNED_IN,
        "calendar": access.SIGNED_IN,
    },
)
