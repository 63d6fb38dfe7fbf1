"""What happens with customers: deals, the people on them, business cases and conversations.

One module per topic; every public name is re-exported here, so ``from deals_app.models import X``
is the way to import them.
"""

from .conversations import ActionItem, Conversation, Tag
from .deals import CLOSED_STAGES, OPEN_STAGES, Deal, LossReason, Stage
from .qualification import BusinessCase, ScorecardItem
from .roles import DealRole

__all__ = [
    "CLOSED_STAGES",
    "OPEN_STAGES",
    "ActionItem",
    "BusinessCase",
    "Conversation",
    "Deal",
    "DealRole",
    "LossReason",
    "ScorecardItem",
    "Stage",
    "Tag",
]
