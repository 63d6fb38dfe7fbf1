"""Pages of conversations_app: the timeline, the log form, a conversation's page and its
look-ups. The conversation REST API stays in deals_app.api."""

from django.urls import path

from . import views

urlpatterns = [
    path("conversations/", views.ConversationListView.as_view(), name="conversation-list"),
    path("conversations/new/", views.ConversationLogView.as_view(), name="conversation-new"),
    path(
        "conversations/preview/",
        views.NotesPreviewView.as_view(),
        name="conversation-notes-preview",
    ),
    path(
        "conversations/lookup/accounts/",
        views.AccountLookupView.as_view(),
        name="conversation-lookup-accounts",
    ),
    path(
        "conversations/lookup/people/",
        views.AccountPeopleView.as_view(),
        name="conversation-lookup-people",
    ),
    path(
        "conversations/<int:pk>/",
        views.ConversationDetailView.as_view(),
        name="conversation-detail",
    ),
    path(
        "conversations/<int:pk>/edit/",
        views.ConversationEditView.as_view(),
        name="conversation-edit",
    ),
    path(
        "conversations/<int:pk>/delete/",
        views.ConversationDeleteView.as_view(),
        name="conversation-delete",
    ),
    path(
        "conversations/<int:pk>/action-items/<int:item_pk>/toggle/",
        views.ActionItemToggleView.as_view(),
        name="action-item-toggle",
    ),
]
