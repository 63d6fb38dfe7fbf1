"""Pages of deals_app, split by topic (lists, the deal page, accounts)."""

from .deal_detail import DealDetailView, DealEditView
from .lists import DealListView, PagedListView

__all__ = [
    "DealDetailView",
    "DealEditView",
    "DealListView",
    "PagedListView",
]

from .accounts import AccountDetailView, AccountListView  # noqa: E402

__all__ += ["AccountDetailView", "AccountListView"]
