"""Pages of insights_app: the conversation log form, the conversation page and its look-ups,
the assumption and feature pages, the PM's landing page and the dashboard."""

from django.urls import path

from . import views
from .views import assumptions, features, pm_home
from .views.conversations import NotesPreviewView

urlpatterns = [
    path("conversations/new/", views.ConversationLogView.as_view(), name="conversation-new"),
    path("conversations/preview/", NotesPreviewView.as_view(), name="conversation-notes-preview"),
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
    path("assumptions/new/", assumptions.AssumptionCreateView.as_view(), name="assumption-new"),
    path(
        "assumptions/<int:pk>/",
        assumptions.AssumptionDetailView.as_view(),
        name="assumption-detail",
    ),
    path(
        "assumptions/<int:pk>/edit/",
        assumptions.AssumptionEditView.as_view(),
        name="assumption-edit",
    ),
    path("features/", views.FeatureBoardView.as_view(), name="feature-board"),
    path("features/<int:pk>/", features.FeatureDetailView.as_view(), name="feature-detail"),
    path("pm/", pm_home.PMHomeView.as_view(), name="pm-home"),
    path(
        "pm/action-items/<int:pk>/done/",
        pm_home.ActionItemDoneView.as_view(),
        name="pm-action-item-done",
    ),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/export.csv", views.DashboardExportView.as_view(), name="dashboard-export"),
]
