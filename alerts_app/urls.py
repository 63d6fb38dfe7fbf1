"""Pages of alerts_app: /notifications/, /settings/alerts/, /settings/webhooks/ and the
e-mails' unsubscribe link."""

from django.urls import path

from .views import unsubscribe, webhooks

urlpatterns: list = [
    # webhooks
    path("settings/webhooks/", webhooks.WebhookListView.as_view(), name="webhook-list"),
    path(
        "settings/webhooks/<int:pk>/", webhooks.WebhookDetailView.as_view(), name="webhook-detail"
    ),
    path(
        "settings/webhooks/<int:pk>/rotate/",
        webhooks.WebhookRotateView.as_view(),
        name="webhook-rotate",
    ),
    path(
        "settings/webhooks/<int:pk>/delete/",
        webhooks.WebhookDeleteView.as_view(),
        name="webhook-delete",
    ),
    path(
        "settings/webhooks/<int:pk>/deliveries/<int:delivery_pk>/replay/",
        webhooks.WebhookReplayView.as_view(),
        name="webhook-replay",
    ),
    # unsubscribe
    path(
        "unsubscribe/<str:token>/",
        unsubscribe.UnsubscribeView.as_view(),
        name="alerts-unsubscribe",
    ),
]
