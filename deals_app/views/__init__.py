"""Pages of deals_app, split by topic (lists, the deal page, the conversation log)."""

from .deal_detail import DealDetailView, DealEditView
from .lists import ConversationListView, DealListView, PagedListView

__all__ = [
    "ConversationListView",
    "DealDetailView",
    "DealEditView",
    "DealListView",
    "PagedListView",
]

from .accounts import AccountDetailView, AccountListView  # noqa: E402

__all__ += ["AccountDetailView", "AccountListView"]
