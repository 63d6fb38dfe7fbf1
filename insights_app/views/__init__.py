"""Pages of insights_app, split by topic: the assumption and feature-demand boards (boards).
The conversation log's pages live in conversations_app."""

from .boards import AssumptionBoardView, FeatureBoardView

__all__ = [
    "AssumptionBoardView",
    "FeatureBoardView",
]

from .dashboard import DashboardExportView, DashboardView  # noqa: E402

__all__ += ["DashboardExportView", "DashboardView"]
