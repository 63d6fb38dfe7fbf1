"""Insight read endpoints, recompute and task progress under /api/v1/ (filled by the engine)."""

urlpatterns: list = []
