"""Pages of deals_app: the deal list, deals and accounts (the conversation pages are in
conversations_app.urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("deals/", views.DealListView.as_view(), name="deal-list"),
    path("deals/new/", views.DealCreateView.as_view(), name="deal-create"),
    path("deals/at-risk/", views.lists.DealRiskBoardView.as_view(), name="deal-risk-board"),
    path("deals/<int:pk>/", views.DealDetailView.as_view(), name="deal-detail"),
    path("deals/<int:pk>/edit/<slug:action>/", views.DealEditView.as_view(), name="deal-edit"),
    path("deals/<int:pk>/stage/", views.DealStageView.as_view(), name="deal-stage"),
    path("accounts/", views.AccountListView.as_view(), name="account-list"),
    path("accounts/<int:pk>/", views.AccountDetailView.as_view(), name="account-detail"),
]
