"""Pages of deals_app, split by topic (lists, the deal page, new deals and board moves,
accounts)."""

from .deal_detail import DealDetailView, DealEditView
from .deal_write import DealCreateView, DealStageView
from .lists import DealListView, PagedListView

__all__ = [
    "DealCreateView",
    "DealDetailView",
    "DealEditView",
    "DealListView",
    "DealStageView",
    "PagedListView",
]

from .accounts import AccountDetailView, AccountListView  # noqa: E402

__all__ += ["AccountDetailView", "AccountListView"]
