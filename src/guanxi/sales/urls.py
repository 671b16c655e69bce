from django.urls import path

from guanxi.core import access
from guanxi.core.resources import pages
from guanxi.sales import views

app_name = "sales"

urlpatterns = [
    # The generic pages of the declared resources (page sets at the bottom of the view modules).
    *pages.urlpatterns("sales"),
    path("leads/", views.LeadList.as_view(), name="lead_list"),
    path("leads/new/", views.LeadEdit.as_view(), name="lead_create"),
    path("leads/assign/", views.LeadAssign.as_view(), name="lead_assign"),
    path("leads/<int:pk>/", views.LeadDetail.as_view(), name="lead_detail"),
    path("leads/<int:pk>/edit/", views.LeadEdit.as_view(), name="lead_edit"),
    path("leads/<int:pk>/delete/", views.LeadDelete.as_view(), name="lead_delete"),
    path("leads/<int:pk>/convert/", views.lead_convert, name="lead_convert"),
    path("leads/<int:pk>/restore/", views.LeadRestore.as_view(), name="lead_restore"),
    path("leads/bin/", views.LeadBin.as_view(), name="lead_bin"),
    path("opportunities/", views.OpportunityList.as_view(), name="opportunity_list"),
    path("opportunities/new/", views.OpportunityEdit.as_view(), name="opportunity_create"),
    path("opportunities/board/", views.board, name="board"),
    path("opportunities/<int:pk>/", views.OpportunityDetail.as_view(), name="opportunity_detail"),
    path("opportunities/<int:pk>/edit/", views.OpportunityEdit.as_view(), name="opportunity_edit"),
    path(
        "opportunities/<int:pk>/delete/",
        views.OpportunityDelete.as_view(),
        name="opportunity_delete",
    ),
    path("opportunities/<int:pk>/move/", views.opportunity_move, name="opportunity_move"),
    path("opportunities/<int:pk>/lines/", views.opportunity_lines, name="opportunity_lines"),
    path(
        "opportunities/<int:pk>/restore/",
        views.OpportunityRestore.as_view(),
        name="opportunity_restore",
    ),
    path("opportunities/bin/", views.OpportunityBin.as_view(), name="opportunity_bin"),
    path("tasks/", views.TaskList.as_view(), name="task_list"),
    path("tasks/new/", views.TaskEdit.as_view(), name="task_create"),
    path("tasks/calendar/", views.calendar, name="calendar"),
    path("tasks/<int:pk>/", views.TaskDetail.as_view(), name="task_detail"),
    path("tasks/<int:pk>/edit/", views.TaskEdit.as_view(), name="task_edit"),
    path("tasks/<int:pk>/delete/", views.TaskDelete.as_view(), name="task_delete"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("tasks/<int:pk>/log/", views.task_log, name="task_log"),
    path("tasks/<int:pk>/restore/", views.TaskRestore.as_view(), name="task_restore"),
    path("tasks/bin/", views.TaskBin.as_view(), name="task_bin"),
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
    },
)
