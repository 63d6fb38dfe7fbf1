"""Pages of the CRM import (/imports/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("imports/", views.ImportListView.as_view(), name="import-list"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import-detail"),
    path("imports/<int:pk>/status/", views.ImportStatusView.as_view(), name="import-status"),
    path("imports/<int:pk>/run/", views.ImportRunView.as_view(), name="import-run"),
    path(
        "imports/<int:pk>/files/<int:index>/map/",
        views.ImportMapView.as_view(),
        name="import-map",
    ),
]
