"""Pages of conversations_app, split by topic: the timeline (``timeline``) and one
conversation's pages — log, read, edit, delete, preview, look-ups (``conversation``)."""

from .conversation import (
    AccountLookupView,
    AccountPeopleView,
    ActionItemToggleView,
    ConversationDeleteView,
    ConversationDetailView,
    ConversationEditView,
    ConversationLogView,
    NotesPreviewView,
)
from .timeline import ConversationListView

__all__ = [
    "AccountLookupView",
    "AccountPeopleView",
    "ActionItemToggleView",
    "ConversationDeleteView",
    "ConversationDetailView",
    "ConversationEditView",
    "ConversationListView",
    "ConversationLogView",
    "NotesPreviewView",
]
