"""The customers pages: the generic ones from the page sets in views.py, then the rest."""

from django.urls import path

from guanxi.core import access
from guanxi.core.resources import pages
from guanxi.customers import views

app_name = "customers"

urlpatterns = [
    *pages.urlpatterns("customers"),
    path("<int:pk>/reassign/", views.customer_reassign, name="customer_reassign"),
    path("filters/", views.SavedFilters.as_view(), name="saved_filter"),
    path("regions/", views.region_options, name="region_options"),
    path("check/", views.duplicate_check, name="duplicate_check"),
    path("duplicates/", views.duplicate_list, name="duplicate_list"),
    path("merge/<int:keep>/<int:remove>/", views.merge, name="merge"),
    path("import/", views.import_page, name="import"),
    path("import/template.<str:fmt>", views.import_template, name="import_template"),
    path("import/<int:pk>/errors.<str:fmt>", views.import_errors, name="import_errors"),
]

access.declare_many(
    app_name,
    {
        "customer_reassign": access.SCOPED,
        "duplicate_list": access.SCOPED,
        "merge": access.SCOPED,
        "import": access.SCOPED,
        # Signed-in routes that hold no scoped record (reference lists, templates, the user's
        # own saved filters and import batches; the duplicate check reveals only existence).
        "saved_filter": access.SIGNED_IN,
        "region_options": access.SIGNED_IN,
        "import_template": access.SIGNED_IN,
        "import_errors": access.SIGNED_IN,
        "duplicate_check": access.SIGNED_IN,
    },
)
