"""Pages of the CRM import (/imports/) and of the live CRM integrations
(/settings/integrations/, /settings/stage-values/)."""

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
    path(
        "imports/<int:pk>/files/<int:index>/remove/",
        views.ImportFileRemoveView.as_view(),
        name="import-file-remove",
    ),
    path("settings/integrations/", views.IntegrationListView.as_view(), name="integration-list"),
    path("settings/stage-values/", views.StageValuesView.as_view(), name="stage-values"),
    path(
        "settings/integrations/purge/",
        views.IntegrationPurgeView.as_view(),
        name="integration-purge",
    ),
    path(
        "settings/integrations/<int:pk>/",
        views.IntegrationDetailView.as_view(),
        name="integration-detail",
    ),
    path(
        "settings/integrations/<int:pk>/test/",
        views.IntegrationTestView.as_view(),
        name="integration-test",
    ),
    path(
        "settings/integrations/<int:pk>/sync/",
        views.IntegrationSyncView.as_view(),
        name="integration-sync",
    ),
    path(
        "settings/integrations/<int:pk>/stages/",
        views.IntegrationStagesView.as_view(),
        name="integration-stages",
    ),
    path(
        "settings/integrations/<int:pk>/delete/",
        views.IntegrationDeleteView.as_view(),
        name="integration-delete",
    ),
    path(
        "settings/integrations/<int:pk>/progress/",
        views.IntegrationProgressView.as_view(),
        name="integration-progress",
    ),
    path(
        "settings/integrations/<int:pk>/runs/<int:run_pk>/",
        views.IntegrationRunView.as_view(),
        name="integration-run",
    ),
]
