"""The project's URLs plus a widget page showing the core panels (``pytest.mark.urls``)."""

from django.urls import include, path

from tests.testapp import views

widget_patterns = (
    [path("widgets/<int:pk>/", views.widget_detail, name="widget_detail")],
    "testapp",
)

urlpatterns = [
    path("testapp/", include(widget_patterns)),
    path("", include("guanxi.urls")),
]
