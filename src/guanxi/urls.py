"""Project URLs: the apps' pages, the API (each app's router mounted here) and error pages."""

from django.contrib import admin
from django.urls import include, path

from guanxi.core.api import api
from guanxi.core.resources.api_routes import mount

# Every app registered its resources and action routers in ready(); build their routes now.
mount(api)

urlpatterns = [
    path("", include("guanxi.core.urls")),
    path("customers/", include("guanxi.customers.urls")),
    path("sales/", include("guanxi.sales.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

handler403 = "guanxi.core.views.errors.forbidden"
handler404 = "guanxi.core.views.errors.not_found"
handler500 = "guanxi.core.views.errors.server_error"
