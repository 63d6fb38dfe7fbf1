"""Pages of insights_app: the conversation log form, the conversation page and its look-ups."""

from django.urls import path

from . import views

urlpatterns = [
    path("conversations/new/", views.ConversationLogView.as_view(), name="conversation-new"),
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
    path("assumptions/", views.AssumptionBoardView.as_view(), name="assumption-board"),
    path("features/", views.FeatureBoardView.as_view(), name="feature-board"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/export.csv", views.DashboardExportView.as_view(), name="dashboard-export"),
]
