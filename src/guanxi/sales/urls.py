from django.urls import path

from guanxi.core import access
from guanxi.core.resources import pages
from guanxi.sales import views

app_name = "sales"

urlpatterns = [
    # The generic pages of the declared resources (page sets at the bottom of the view modules).
    *pages.urlpatterns("sales"),
    path("leads/<int:pk>/convert/", views.lead_convert, name="lead_convert"),
    path("opportunities/board/", views.board, name="board"),
    path("opportunities/<int:pk>/move/", views.opportunity_move, name="opportunity_move"),
    path("opportunities/<int:pk>/lines/", views.opportunity_lines, name="opportunity_lines"),
    path("tasks/calendar/", views.calendar, name="calendar"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("tasks/<int:pk>/log/", views.task_log, name="task_log"),
    path("orders/<int:pk>/<str:action>/", views.order_action, name="order_action"),
    path("payments/<int:pk>/reverse/", views.payment_reverse, name="payment_reverse"),
    path("receivables/", views.receivables_page, name="receivables"),
    path("reports/", views.report_index, name="reports"),
    path("reports/<str:name>/", views.report_page, name="report"),
    path("import/", views.import_page, name="import"),
    path("import/template.<str:fmt>", views.import_template, name="import_template"),
    path("import/<int:pk>/errors.<str:fmt>", views.import_errors, name="import_errors"),
]

access.declare_many(
    app_name,
    {
        # The order page's buttons and a payment's reversal: each reads its record by scope.
        "order_action": access.SCOPED,
        "payment_reverse": access.SCOPED,
        "lead_convert": access.SCOPED,
        "opportunity_move": access.SCOPED,
        "opportunity_lines": access.SCOPED,
        "task_complete": access.SCOPED,
        "task_log": access.SCOPED,
        # The board and the calendar show only what the viewer's scope holds.
        "board": access.SIGNED_IN,
        "calendar": access.SIGNED_IN,
        # Reports, receivables and the import narrow to the caller's scope themselves; an
        # import's error file is the importing user's own batch.
        "receivables": access.SIGNED_IN,
        "reports": access.SIGNED_IN,
        "report": access.SIGNED_IN,
        "import": access.SIGNED_IN,
        "import_template": access.SIGNED_IN,
        "import_errors": access.SCOPED,
    },
)
