"""Insight reads, the recompute request and task progress under /api/v1/."""

from django.urls import path

from . import insight_reads, recompute

urlpatterns = [
    path(
        "insights/segments/", insight_reads.SegmentInsightsView.as_view(), name="insights-segments"
    ),
    path(
        "insights/features/", insight_reads.FeatureInsightsView.as_view(), name="insights-features"
    ),
    path(
        "insights/assumptions/",
        insight_reads.AssumptionInsightsView.as_view(),
        name="insights-assumptions",
    ),
    path("insights/trend/", insight_reads.TrendInsightsView.as_view(), name="insights-trend"),
    path(
        "insights/dimensions/", insight_reads.DimensionsView.as_view(), name="insights-dimensions"
    ),
    path("insights/recompute/", recompute.RecomputeView.as_view(), name="insights-recompute"),
    path("tasks/<str:task_id>/", recompute.TaskDetailView.as_view(), name="task-detail"),
]
