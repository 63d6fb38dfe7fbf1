"""Pages of insights_app, split by topic: the conversation log (conversations) and the
assumption and feature-demand boards (boards)."""

from .boards import AssumptionBoardView, FeatureBoardView
from .conversations import (
    AccountLookupView,
    AccountPeopleView,
    ActionItemToggleView,
    ConversationDeleteView,
    ConversationDetailView,
    ConversationEditView,
    ConversationLogView,
)

__all__ = [
    "AccountLookupView",
    "AccountPeopleView",
    "ActionItemToggleView",
    "AssumptionBoardView",
    "ConversationDeleteView",
    "ConversationDetailView",
    "ConversationEditView",
    "ConversationLogView",
    "FeatureBoardView",
]

from .dashboard import DashboardExportView, DashboardView  # noqa: E402

__all__ += ["DashboardExportView", "DashboardView"]
