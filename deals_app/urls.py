"""Pages of deals_app: the conversation log, the deal list and the segment dashboard."""

from django.urls import path

from . import views

urlpatterns = [
    path("conversations/", views.ConversationListView.as_view(), name="conversation-list"),
    path("deals/", views.DealListView.as_view(), name="deal-list"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
]
