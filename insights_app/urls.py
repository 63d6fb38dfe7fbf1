"""Pages of insights_app: the assumption and feature pages, the PM's landing page and the
dashboard. The conversation log's pages are in conversations_app.urls."""

from django.urls import path

from . import views
from .views import assumptions, features, pm_home

urlpatterns = [
    path("assumptions/", views.AssumptionBoardView.as_view(), name="assumption-board"),
    path("assumptions/new/", assumptions.AssumptionCreateView.as_view(), name="assumption-new"),
    path(
        "assumptions/<int:pk>/",
        assumptions.AssumptionDetailView.as_view(),
        name="assumption-detail",
    ),
    path(
        "assumptions/<int:pk>/edit/",
        assumptions.AssumptionEditView.as_view(),
        name="assumption-edit",
    ),
    path("features/", views.FeatureBoardView.as_view(), name="feature-board"),
    path("features/<int:pk>/", features.FeatureDetailView.as_view(), name="feature-detail"),
    path("pm/", pm_home.PMHomeView.as_view(), name="pm-home"),
    path(
        "pm/action-items/<int:pk>/done/",
        pm_home.ActionItemDoneView.as_view(),
        name="pm-action-item-done",
    ),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/export.csv", views.DashboardExportView.as_view(), name="dashboard-export"),
]
