"""Insight reads, the recompute request and task progress under /api/v1/."""

from django.urls import path

from . import insights

urlpatterns = [
    path("insights/segments/", insights.SegmentInsightsView.as_view(), name="insights-segments"),
    path("insights/features/", insights.FeatureInsightsView.as_view(), name="insights-features"),
    path(
        "insights/assumptions/",
        insights.AssumptionInsightsView.as_view(),
        name="insights-assumptions",
    ),
    path("insights/trend/", insights.TrendInsightsView.as_view(), name="insights-trend"),
    path("insights/dimensions/", insights.DimensionsView.as_view(), name="insights-dimensions"),
    path("insights/recompute/", insights.RecomputeView.as_view(), name="insights-recompute"),
    path("tasks/<str:task_id>/", insights.TaskDetailView.as_view(), name="task-detail"),
]
