from django.urls import path

from guanxi.customers import views

app_name = "customers"

urlpatterns = [
    path("", views.CustomerList.as_view(), name="customer_list"),
    path("new/", views.CustomerEdit.as_view(), name="customer_create"),
    path("<int:pk>/", views.CustomerDetail.as_view(), name="customer_detail"),
    path("<int:pk>/edit/", views.CustomerEdit.as_view(), name="customer_edit"),
    path("<int:pk>/delete/", views.CustomerDelete.as_view(), name="customer_delete"),
    path("<int:pk>/restore/", views.CustomerRestore.as_view(), name="customer_restore"),
    path("<int:pk>/reassign/", views.customer_reassign, name="customer_reassign"),
    path("bin/", views.CustomerBin.as_view(), name="customer_bin"),
    path("reassign/", views.CustomerBulkReassign.as_view(), name="customer_bulk_reassign"),
    path("filters/", views.SavedFilters.as_view(), name="saved_filter"),
    path("regions/", views.region_options, name="region_options"),
    path("check/", views.duplicate_check, name="duplicate_check"),
    path("duplicates/", views.duplicate_list, name="duplicate_list"),
    path("merge/<int:keep>/<int:remove>/", views.merge, name="merge"),
    path("import/", views.import_page, name="import"),
    path("import/template.<str:fmt>", views.import_template, name="import_template"),
    path("import/<int:pk>/errors.<str:fmt>", views.import_errors, name="import_errors"),
    path("<int:customer>/contacts/new/", views.ContactEdit.as_view(), name="contact_create"),
    path("contacts/", views.ContactList.as_view(), name="contact_list"),
    path("contacts/bin/", views.ContactBin.as_view(), name="contact_bin"),
    path("contacts/<int:pk>/", views.ContactDetail.as_view(), name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.ContactEdit.as_view(), name="contact_edit"),
    path("contacts/<int:pk>/delete/", views.ContactDelete.as_view(), name="contact_delete"),
    path("contacts/<int:pk>/restore/", views.ContactRestore.as_view(), name="contact_restore"),
    path("<int:customer>/activities/new/", views.ActivityEdit.as_view(), name="activity_create"),
    path("activities/", views.ActivityList.as_view(), name="activity_list"),
    path("activities/bin/", views.ActivityBin.as_view(), name="activity_bin"),
    path("activities/<int:pk>/", views.ActivityDetail.as_view(), name="activity_detail"),
    path("activities/<int:pk>/edit/", views.ActivityEdit.as_view(), name="activity_edit"),
    path("activities/<int:pk>/delete/", views.ActivityDelete.as_view(), name="activity_delete"),
    path("activities/<int:pk>/restore/", views.ActivityRestore.as_view(), name="activity_restore"),
]
