"""Pages of deals_app, split by topic (lists, the deal page, the conversation log)."""

from .lists import ConversationListView, DashboardView, DealListView, PagedListView

__all__ = ["ConversationListView", "DashboardView", "DealListView", "PagedListView"]
